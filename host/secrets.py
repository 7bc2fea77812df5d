"""Encryption at rest for provider secrets, and masking for display.

The keys come from :mod:`host.keys` (checked at start-up). A value that does
not decrypt raises :class:`SecretUnreadable`: it is never taken for "not set",
so nothing overwrites or deletes it by mistake.
"""
from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import InvalidToken
from flask import current_app

from host.extensions import db
from host.keys import ensure_canary, fernet_for
from host.models import ProviderSecret

CONFIG_PREFIX = "config."
TOKEN_PREFIX = "token."


def instance_secret(instance_path: str, filename: str, env_var: str, make, environ=os.environ) -> bytes:
    """The value of ``env_var`` or, failing that, of ``filename`` in the instance
    folder, created once by ``make()`` with mode 0600."""
    if environ.get(env_var):
        return environ[env_var].encode()
    path = Path(instance_path) / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(make())
    return path.read_bytes().strip()


def current_keys() -> list[bytes]:
    """The app's encryption keys, newest first (set by ``create_app``)."""
    return current_app.extensions["erp_host_keys"]


class SecretUnreadable(Exception):
    """A stored value the current key cannot decrypt (the key was lost or changed)."""

    def __init__(self, provider: str, name: str):
        super().__init__(
            f"The stored {name} of {provider} cannot be decrypted with the current encryption key. "
            "Restore the key it was written with (ERP_HOST_ENCRYPTION_KEY or instance/encryption.key), "
            "or enter the value again."
        )
        self.provider = provider
        self.name = name


def mask(value: str | None) -> str:
    """Show that a secret is set without showing it: at most its last 4 characters."""
    if not value:
        return ""
    return "\u2022" * 8 + (value[-4:] if len(value) >= 12 else "")


class SecretBox:
    """Reads and writes one provider's encrypted values."""

    def __init__(self, keys: list[bytes], provider: str, prefix: str):
        self.keys = keys
        self.fernet = fernet_for(keys)
        self.provider = provider
        self.prefix = prefix

    def _row(self, name: str) -> ProviderSecret | None:
        # populate_existing: another worker may have rotated the value since this
        # session first loaded the row (a refresh token re-read under a lock).
        return db.session.execute(
            db.select(ProviderSecret)
            .filter_by(provider=self.provider, name=self.prefix + name)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()

    def get(self, name: str) -> str | None:
        """The value, None when none is stored; raises :class:`SecretUnreadable`."""
        row = self._row(name)
        if row is None:
            return None
        try:
            return self.fernet.decrypt(row.ciphertext.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable(self.provider, name) from None

    def set(self, name: str, value: str | None) -> None:
        row = self._row(name)
        if value is None:
            if row is not None:
                db.session.delete(row)
            return
        ciphertext = self.fernet.encrypt(value.encode()).decode()
        ensure_canary(self.fernet, self.keys[0])
        if row is None:
            db.session.add(ProviderSecret(provider=self.provider, name=self.prefix + name, ciphertext=ciphertext))
        else:
            row.ciphertext = ciphertext


class CommittingSecretBox(SecretBox):
    """The store plugins get as ``context.secrets``: every ``set`` is committed
    at once, so a rotated refresh token is saved before it is used.

    The integration service commits its own work before calling a plugin, so
    this commit never carries anything half-done.
    """

    def __init__(self, keys: list[bytes], provider: str, prefix: str):
        super().__init__(keys, provider, prefix)
        self.seen: set[str] = set()  # every value this call read or wrote: what to redact from its result

    def get(self, name: str) -> str | None:
        value = super().get(name)
        if value:
            self.seen.add(value)
        return value

    def set(self, name: str, value: str | None) -> None:
        super().set(name, value)
        if value:
            self.seen.add(value)
        db.session.commit()
