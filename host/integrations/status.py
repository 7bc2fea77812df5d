"""What the Integrations pages say about a provider: its status badge, whether
it is connected, which of its action buttons apply now."""
from __future__ import annotations

from host.api import Action
from host.integrations.settings import unreadable_secrets
from host.models import ProviderSetting
from host.plugins import Provider

BADGE_CLASSES = {
    "enabled": "enabled", "disabled": "disabled", "failed to load": "failed", "needs attention": "attention",
    "settings differ": "settings", "not connected": "settings",
}


def connected(provider: Provider, setting: ProviderSetting | None) -> bool | None:
    """True or False for a provider that connects an account; None otherwise."""
    key = provider.info.connected_state if provider.info else None
    if not key:
        return None
    return bool(setting and (setting.state or {}).get(key))


def status_of(provider: Provider, setting: ProviderSetting | None) -> str:
    if provider.load_error:
        return "failed to load"
    notices = (setting.notices or []) if setting else []
    if (setting and setting.attention) or unreadable_secrets(provider.key) or any(n.get("level") == "error" for n in notices):
        return "needs attention"
    enabled = bool(setting and setting.enabled)
    if enabled and connected(provider, setting) is False:
        return "not connected"
    if enabled and any(n.get("level") == "warning" for n in notices):
        return "settings differ"
    if enabled and (setting.state or {}).get("status"):
        return str(setting.state["status"])
    return "enabled" if enabled else "disabled"


def badge_class(status: str) -> str:
    return BADGE_CLASSES.get(status, "enabled")


def actions_now(provider: Provider, setting: ProviderSetting | None) -> list[Action]:
    """The provider's action buttons that apply to its current connection."""
    if not provider.info:
        return []
    state = connected(provider, setting)
    if state is None:
        return list(provider.info.actions)
    now = "connected" if state else "not connected"
    return [a for a in provider.info.actions if a.when in ("always", now)]
