"""The key that encrypts provider secrets: where it comes from, the start-up
check that it still opens what is stored, and rotation.

The key comes from ``ERP_HOST_ENCRYPTION_KEY`` or, failing that, from
``encryption.key`` in the instance folder. Either may hold several
comma-separated Fernet keys, newest first: the first encrypts, every one
decrypts (cryptography's ``MultiFernet``). That is how ``erp-host rotate-key``
stays safe if it is interrupted.

A lost or replaced key makes every stored secret unreadable. Making a fresh
key then (as a first start does) would hide that until a push fails, so
:func:`load_keys` refuses to start instead, naming the file or variable: the
``key_canary`` row and every stored secret must open with the key.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import inspect

from host.extensions import db
from host.models import KeyCanary, ProviderSecret

KEY_FILE = "encryption.key"
KEY_ENV = "ERP_HOST_ENCRYPTION_KEY"
CANARY_TEXT = b"erp-host key canary"


class KeyProblem(RuntimeError):
    """The encryption key is missing, malformed or not the one the secrets were written with."""


@dataclass(frozen=True)
class KeySource:
    """Where the key is read from: ``env`` (the variable's value) or ``path`` (the file)."""

    path: Path
    env: str | None = None

    @classmethod
    def find(cls, instance_path: str, environ=os.environ) -> "KeySource":
        return cls(Path(instance_path) / KEY_FILE, environ.get(KEY_ENV) or None)

    def describe(self) -> str:
        return f"the environment variable {KEY_ENV}" if self.env else f"the key file {self.path}"

    def read(self) -> list[bytes] | None:
        """The keys, newest first; None when there is no variable and no file."""
        if self.env:
            raw = self.env
        elif self.path.exists():
            raw = self.path.read_text()
        else:
            return None
        return parse_keys(raw, self.describe())

    def write(self, keys: list[bytes]) -> None:
        """Replace the key file atomically (mode 0600): never half a key on disk."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.unlink(missing_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(b",".join(keys) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)


def parse_keys(raw: str | bytes, where: str) -> list[bytes]:
    text = raw.decode() if isinstance(raw, bytes) else raw
    keys = [part.strip().encode() for part in text.split(",") if part.strip()]
    if not keys:
        raise KeyProblem(f"{where} is empty; it must hold a Fernet key (Fernet.generate_key()).")
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise KeyProblem(
                f"{where} does not hold a valid Fernet key (32 url-safe base64-encoded bytes, "
                "as made by Fernet.generate_key()); several keys are separated by commas."
            ) from None
    return keys


def fingerprint(key: bytes) -> str:
    """A short, non-secret name for a key, to tell keys apart in messages."""
    return hashlib.sha256(key).hexdigest()[:12]


def fernet_for(keys: list[bytes]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _canary() -> KeyCanary | None:
    """The canary row; None also before the migration that adds its table."""
    if not inspect(db.engine).has_table(KeyCanary.__tablename__):
        return None
    return db.session.get(KeyCanary, 1)


def _stored_tokens() -> list[tuple[str, str]]:
    """(name, ciphertext) of the canary and of every stored secret; empty before
    ``erp-host db upgrade`` has created the tables."""
    if not inspect(db.engine).has_table(ProviderSecret.__tablename__):
        return []
    canary = _canary()
    rows = db.session.execute(db.select(ProviderSecret)).scalars().all()
    return ([("key canary", canary.ciphertext)] if canary else []) + [(f"{r.provider} {r.name}", r.ciphertext) for r in rows]


def _unreadable(fernet: MultiFernet, tokens: list[tuple[str, str]]) -> list[str]:
    names = []
    for name, token in tokens:
        try:
            fernet.decrypt(token.encode())
        except InvalidToken:
            names.append(name)
    return names


def load_keys(source: KeySource) -> list[bytes]:
    """The keys to use, checked against what the database holds (inside an app context).

    A first start (nothing stored, no key) creates the key file. Raises
    :class:`KeyProblem` when secrets are stored and the key is missing or does
    not open them: nothing is changed then.
    """
    keys = source.read()
    try:
        tokens = _stored_tokens()
        if keys is None:
            if tokens:
                raise KeyProblem(
                    f"Provider secrets are stored in the database but {source.describe()} is missing and "
                    f"{KEY_ENV} is not set. Restore the key file from your backup (or set {KEY_ENV}); "
                    "a new key could not decrypt them."
                )
            keys = [Fernet.generate_key()]
            source.write(keys)
        else:
            unreadable = _unreadable(fernet_for(keys), tokens)
            if unreadable:
                canary = _canary()
                written_with = f" (they were written with key {canary.fingerprint})" if canary else ""
                raise KeyProblem(
                    f"The key in {source.describe()} (fingerprint {fingerprint(keys[0])}) does not decrypt "
                    f"{len(unreadable)} stored secret(s){written_with}: {', '.join(unreadable[:5])}. "
                    "Restore the key the secrets were written with; to discard them instead, run "
                    "`erp-host forget-secrets`."
                )
    finally:
        db.session.remove()
    return keys


def ensure_canary(fernet: MultiFernet, key: bytes) -> None:
    """Add the canary row (in the caller's transaction) if there is none yet."""
    if db.session.get(KeyCanary, 1) is None:
        db.session.add(KeyCanary(id=1, fingerprint=fingerprint(key), ciphertext=fernet.encrypt(CANARY_TEXT).decode()))


def rotate(source: KeySource, keys: list[bytes]) -> tuple[int, bytes]:
    """Re-encrypt the canary and every secret under a new key; return (count, new key).

    With the key file: the file first gets "new,old" (both open everything),
    then the rows are re-encrypted in one transaction, then the file keeps only
    the new key. An interruption at any point leaves a key file that opens
    every row. With ``ERP_HOST_ENCRYPTION_KEY`` the operator sets "NEW,OLD"
    there first; the rows are re-encrypted under NEW and OLD can then be dropped.
    """
    if source.env:
        if len(keys) < 2:
            raise KeyProblem(
                f"{KEY_ENV} is set, so the new key must come from there: set it to NEW_KEY,OLD_KEY "
                "(newest first) and run `erp-host rotate-key` again."
            )
        keys = list(keys)
    else:
        keys = [Fernet.generate_key(), *keys]
        source.write(keys)
    fernet = fernet_for(keys)
    rows = db.session.execute(db.select(ProviderSecret)).scalars().all()
    for row in rows:
        row.ciphertext = fernet.rotate(row.ciphertext.encode()).decode()
    canary = db.session.get(KeyCanary, 1)
    if canary is not None:
        db.session.delete(canary)
        db.session.flush()
    ensure_canary(fernet, keys[0])
    db.session.commit()
    if not source.env:
        source.write(keys[:1])
    return len(rows), keys[0]


def forget_secrets() -> int:
    """Delete every stored secret and the canary: for a key that is truly lost."""
    count = db.session.execute(db.delete(ProviderSecret)).rowcount
    db.session.execute(db.delete(KeyCanary))
    db.session.commit()
    return count
