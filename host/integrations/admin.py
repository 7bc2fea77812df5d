"""What admins do to a provider: configure, enable, disable, re-check, actions."""
from __future__ import annotations

from typing import Any

from host.api import Message, Result
from host.extensions import db
from host.integrations import history
from host.integrations.calls import call
from host.integrations.settings import (
    is_enabled,
    parse_form,
    registry,
    save_config,
    setting_for,
    stored_secret_values,
    store_notices,
    unreadable_secrets,
)
from host.models import ProviderSetting
from host.plugins import Provider


def _run(provider: Provider, hook: str, username: str | None, **kwargs) -> Result:
    if not provider.implements(hook):
        return Result.success()
    return call(provider, hook, username, **kwargs)


def _log(provider: Provider, action: str, result: Result, username: str | None) -> None:
    history.record_result(provider.key, action, result, stored_secret_values(provider.key), username=username)


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
    result = _run(provider, "run_action", username, name=name, params=params)
    _log(provider, f"action:{name}", result, username)
    db.session.commit()
    return result


def callback(provider: Provider, params: dict[str, str], username: str | None) -> Result:
    if not provider.implements("handle_callback"):
        return Result.failure(f"{title(provider)} does not expect a callback.")
    result = _run(provider, "handle_callback", username, params=params)
    _log(provider, "callback", result, username)
    db.session.commit()
    return result


def title(provider: Provider) -> str:
    return provider.info.title if provider.info else provider.key


def status_of(provider: Provider, setting: ProviderSetting | None) -> str:
    """What Settings → Integrations (and the API) say about the provider."""
    if provider.load_error:
        return "failed to load"
    if setting and setting.attention:
        return "needs attention"
    if unreadable_secrets(provider.key):
        return "needs attention"
    if setting and any(n.get("level") == "error" for n in (setting.notices or [])):
        return "needs attention"
    if setting and setting.enabled and any(n.get("level") == "warning" for n in (setting.notices or [])):
        return "settings differ"
    return "enabled" if setting and setting.enabled else "disabled"
