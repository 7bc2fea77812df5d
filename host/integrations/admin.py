"""What admins do to a provider: configure, enable, disable, re-check, actions."""
from __future__ import annotations

from typing import Any

from host.api import Message, Result
from host.extensions import db
from host.integrations import history
from host.integrations.calls import call, call_secrets
from host.integrations.settings import (
    is_enabled,
    parse_form,
    registry,
    save_config,
    setting_for,
    store_notices,
)
from host.models import ProviderSetting
from host.plugins import Provider


def _run(provider: Provider, hook: str, username: str | None, **kwargs) -> Result:
    if not provider.implements(hook):
        return Result.success()
    return call(provider, hook, username, **kwargs)


def _log(provider: Provider, action: str, result: Result, username: str | None) -> None:
    history.record_result(provider.key, action, result, call_secrets(provider.key), username=username)


def check(provider: Provider, username: str | None) -> Result:
    """Run ``validate_config`` on the saved config and keep its notices."""
    result = _run(provider, "validate_config", username)
    store_notices(provider.key, result.messages)
    _log(provider, "check", result, username)
    db.session.commit()
    return result


def recheck_enabled(username: str | None) -> list[tuple[Provider, Result]]:
    """Run the check of every enabled provider again, e.g. after the company's calculation settings changed,
    so no plate stays blue on settings that no longer match."""
    checked = []
    for provider in registry().loaded():
        if is_enabled(provider.key) and provider.implements("validate_config"):
            checked.append((provider, check(provider, username)))
    return checked


def configure(provider: Provider, form: dict[str, str], username: str | None) -> tuple[Result, dict[str, list[str]]]:
    """Validate a submitted form (schema, then the provider) and save it if valid.

    Nothing is saved when either check fails, so a typo never replaces a
    working configuration.
    """
    config, errors = parse_form(provider, form)
    if errors:
        return Result.failure("Some settings are not valid; see the fields below."), errors
    result = _run(provider, "validate_config", username, config=config)
    if result.ok:
        save_config(provider, config)
    store_notices(provider.key, result.messages)
    _log(provider, "configure", result, username)
    db.session.commit()
    return result, {}


def enable(provider: Provider, username: str | None) -> Result:
    result = _run(provider, "validate_config", username)
    store_notices(provider.key, result.messages)
    if result.ok:
        enabled = _run(provider, "enable", username)
        # the configure page shows the check's info notices as a plate already
        problems = tuple(m for m in result.messages if m.level in ("warning", "error"))
        result = Result(
            ok=enabled.ok,
            messages=problems + enabled.messages,
            request_id=enabled.request_id,
            error_detail=enabled.error_detail,
        )
    if result.ok:
        setting_for(provider.key).enabled = True
        result = Result(ok=True, messages=result.messages + (Message("success", f"{title(provider)} is enabled."),))
    _log(provider, "enable", result, username)
    db.session.commit()
    return result


def disable(provider: Provider, username: str | None) -> Result:
    result = _run(provider, "disable", username)
    setting_for(provider.key).enabled = False
    _log(provider, "disable", result, username)
    db.session.commit()
    return Result(ok=True, messages=result.messages + (Message("success", f"{title(provider)} is disabled."),))


def run_action(provider: Provider, name: str, params: dict[str, Any], username: str | None) -> Result:
    if name not in {action.name for action in provider.info.actions}:
        return Result.failure(f"{title(provider)} has no action {name!r}.")
    before = _connection(provider)
    result = _run(provider, "run_action", username, name=name, params=params)
    _log(provider, f"action:{name}", result, username)
    db.session.commit()
    if result.ok and _connection(provider) != before:
        check(provider, username)  # the page's status follows the new connection
    return result


def callback(provider: Provider, params: dict[str, str], username: str | None) -> Result:
    if not provider.implements("handle_callback"):
        return Result.failure(f"{title(provider)} does not expect a callback.")
    result = _run(provider, "handle_callback", username, params=params)
    _log(provider, "callback", result, username)
    db.session.commit()
    if result.ok:
        check(provider, username)  # replaces "connect to finish" by what the new connection shows
    return result


def _connection(provider: Provider):
    key = provider.info.connected_state if provider.info else None
    if not key:
        return None
    setting = setting_for(provider.key)
    db.session.refresh(setting)
    return (setting.state or {}).get(key)


def title(provider: Provider) -> str:
    return provider.info.title if provider.info else provider.key


def overview() -> list[tuple[Provider, ProviderSetting | None]]:
    """Every installed provider with its settings row (None if never configured), by key."""
    rows = {row.provider: row for row in db.session.execute(db.select(ProviderSetting)).scalars()}
    return [(provider, rows.get(key)) for key, provider in sorted(registry().providers.items())]


def setting(key: str) -> ProviderSetting:
    """The provider's settings row, created (and committed) on first use."""
    row = setting_for(key)
    db.session.commit()
    return row


def set_sync_minutes(key: str, minutes: int) -> None:
    """How often the scheduled status sync polls the provider's linked invoices during their first day (0: off)."""
    setting_for(key).sync_minutes = minutes
    db.session.commit()
