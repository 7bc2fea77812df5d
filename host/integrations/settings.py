"""Per-provider state the host keeps: enabled flag, config, secrets, notices.

Config is split on the provider's schema: fields with ``metadata["secret"]``
go to ``provider_secrets`` encrypted, the rest to ``provider_settings.config``.
Plugins always receive the two merged and loaded through the schema.
"""
from __future__ import annotations

import copy
import dataclasses
from datetime import datetime, timezone
from typing import Any

from cryptography.fernet import InvalidToken
from flask import current_app, has_request_context, url_for
from marshmallow import Schema, ValidationError, fields, missing

from host.api import Message, ProviderContext
from host.extensions import db
from host.invoice_data import company_data
from host.locks import shared_lock
from host.models import Company, ProviderSecret, ProviderSetting
from host.plugins import Provider, Registry
from host.keys import fernet_for
from host.secrets import CONFIG_PREFIX, TOKEN_PREFIX, CommittingSecretBox, SecretBox, SecretUnreadable, current_keys, mask


_MISSING = object()


def registry() -> Registry:
    return current_app.extensions["erp_host_registry"]


def setting_for(key: str) -> ProviderSetting:
    setting = db.session.get(ProviderSetting, key)
    if setting is None:
        setting = ProviderSetting(provider=key, enabled=False, config={}, state={}, notices=[])
        db.session.add(setting)
        db.session.flush()
    return setting


def is_enabled(key: str) -> bool:
    setting = db.session.get(ProviderSetting, key)
    return bool(setting and setting.enabled)


def warnings_of(setting: ProviderSetting | None) -> list[dict]:
    """The warnings of the provider's last check (the orange plate), as stored notices."""
    return [n for n in (setting.notices or []) if n.get("level") == "warning"] if setting else []


def schema_for(provider: Provider) -> Schema | None:
    schema_class = provider.info.schema_class if provider.info else None
    return schema_class() if schema_class else None


def secret_fields(schema: Schema | None) -> list[str]:
    if schema is None:
        return []
    return [name for name, field in schema.fields.items() if field.metadata.get("secret")]


def config_box(key: str) -> SecretBox:
    return SecretBox(current_keys(), key, CONFIG_PREFIX)


def unreadable_secrets(key: str) -> list[str]:
    """Names of ``key``'s stored secrets that the current key cannot decrypt."""
    fernet = fernet_for(current_keys())
    names = []
    for row in db.session.execute(db.select(ProviderSecret).filter_by(provider=key)).scalars():
        try:
            fernet.decrypt(row.ciphertext.encode())
        except InvalidToken:
            names.append(row.name.split(".", 1)[-1])
    return names


def load_config(provider: Provider) -> dict[str, Any]:
    """The provider's config as its hooks receive it (secrets decrypted)."""
    setting = setting_for(provider.key)
    schema = schema_for(provider)
    raw = dict(setting.config or {})
    box = config_box(provider.key)
    for name in secret_fields(schema):
        value = box.get(name)  # SecretUnreadable: see host.integrations.calls
        if value is not None:
            raw[name] = value
    if schema is None:
        return raw
    try:
        return schema.load(raw, partial=True)
    except ValidationError:
        return raw


def clear_field(name: str) -> str:
    """The checkbox that removes a stored optional secret (empty input keeps it)."""
    return f"{name}__clear"


def parse_form(provider: Provider, form: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """Load a submitted configure form. Empty secret inputs keep the stored
    value unless its "remove" box is ticked; a stored value that cannot be
    decrypted is an error on its field, so saving never deletes it."""
    schema = schema_for(provider)
    if schema is None:
        return {}, {}
    box = config_box(provider.key)
    data: dict[str, Any] = {}
    unreadable: dict[str, list[str]] = {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        if isinstance(field, fields.Boolean):
            data[name] = name in form
            continue
        value = form.get(name, "").strip()
        if field.metadata.get("secret") and not value and clear_field(name) not in form:
            try:
                value = box.get(name) or ""
            except SecretUnreadable as problem:
                unreadable[name] = [str(problem)]
                continue
        if value == "" and not field.required:
            continue
        data[name] = value
    if unreadable:
        return None, unreadable
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return None, {k: v if isinstance(v, list) else [str(v)] for k, v in error.messages.items()}


def save_config(provider: Provider, config: dict[str, Any]) -> None:
    schema = schema_for(provider)
    secrets = set(secret_fields(schema))
    dumped = schema.dump(config) if schema else dict(config)
    setting = setting_for(provider.key)
    setting.config = {k: v for k, v in dumped.items() if k not in secrets}
    box = config_box(provider.key)
    for name in secrets:
        box.set(name, config.get(name) or None)


def store_notices(key: str, messages: tuple[Message, ...]) -> None:
    setting = setting_for(key)
    setting.notices = [dataclasses.asdict(m) | {"details": list(m.details)} for m in messages]
    setting.checked_at = datetime.now(timezone.utc)


def public_url(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_URL")
    if base and not has_request_context():  # a worker: no request, and url_for would need SERVER_NAME
        return base.rstrip("/") + current_app.url_map.bind("localhost").build(endpoint, values)
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    if not has_request_context():
        return ""
    return url_for(endpoint, _external=True, **values)


def provider_throttle(key: str):
    """``context.throttle`` for ``key``: the app's shared limits, names prefixed by the provider."""
    shared = current_app.extensions["erp_host_throttle"]

    def throttle(name: str, limit: int, per: float, concurrent: int | None = None):
        return shared(f"{key}:{name}", limit, per, concurrent)

    return throttle


def make_context(key: str, username: str | None) -> ProviderContext:
    """The ``ProviderContext`` for one hook call on ``key``."""
    setting = setting_for(key)
    state = dict(setting.state or {})
    saved = copy.deepcopy(state)
    instance_path = current_app.instance_path

    def save_state() -> None:
        """Write the keys this call changed onto the row as it is now, under the
        provider's state lock, so calls changing different keys all keep theirs."""
        db.session.commit()
        with shared_lock(f"host-state:{key}", instance_path):
            row = db.session.execute(
                db.select(ProviderSetting).filter_by(provider=key).execution_options(populate_existing=True)
            ).scalar_one()
            merged = dict(row.state or {})
            for name in set(saved) | set(state):
                if name not in state:
                    merged.pop(name, None)
                elif saved.get(name, _MISSING) != state[name]:
                    merged[name] = copy.deepcopy(state[name])
            row.state = merged
            db.session.commit()
        saved.clear()
        saved.update(copy.deepcopy(state))

    def needs_attention(text: str | None) -> None:
        row = setting_for(key)
        row.attention = text
        db.session.commit()

    return ProviderContext(
        provider=key,
        company=company_data(Company.get()),
        secrets=CommittingSecretBox(current_keys(), key, TOKEN_PREFIX),
        state=state,
        save_state=save_state,
        lock=lambda name: shared_lock(f"{key}:{name}", instance_path),
        needs_attention=needs_attention,
        throttle=provider_throttle(key),
        callback_url=public_url("hooks.callback", provider=key),
        webhook_url=public_url("hooks.webhook", provider=key),
        user=username,
    )


def describe_fields(provider: Provider, values: dict | None = None):
    """Describe the configure form from the provider's marshmallow schema (secrets masked)."""
    schema = schema_for(provider)
    if schema is None:
        return []
    setting = setting_for(provider.key)
    stored = dict(setting.config or {})
    box = config_box(provider.key)
    described = []
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        secret = bool(field.metadata.get("secret"))
        default = field.load_default if field.load_default is not missing and not callable(field.load_default) else None
        value = (values or {}).get(name, stored.get(name, default))
        try:
            masked = mask(box.get(name)) if secret else ""
        except SecretUnreadable:
            masked = None
        described.append(
            {
                "name": name,
                "label": field.metadata.get("label", name.replace("_", " ").capitalize()),
                "help": field.metadata.get("help", ""),
                "secret": secret,
                "masked": masked,  # None: stored but cannot be decrypted
                "choices": field.metadata.get("choices"),
                "boolean": isinstance(field, fields.Boolean),
                "clear_name": clear_field(name),
                "required": field.required,
                "value": "" if secret or value is None else value,
            }
        )
    return described
