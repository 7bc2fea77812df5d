"""Calling one provider's hook so that nothing it does can break a page.

Expected failures come back from plugins as ``Result(ok=False)``. Anything a
plugin raises, or a return value of the wrong type, becomes a failed
``Result`` whose detail (the traceback, secrets redacted) goes to the history.
"""
from __future__ import annotations

import logging
import traceback

from host.api import Message, RemoteDocument, RemotePage, Result, WebhookResponse
from host.integrations.history import redact
from host.integrations.settings import load_config, make_context, registry, stored_secret_values
from host.plugins import Provider

log = logging.getLogger("host.integrations")

EXPECTED = {
    "validate_config": Result,
    "enable": Result,
    "disable": Result,
    "create_remote_invoice": Result,
    "link": Result,
    "unlink": Result,
    "remote_status": Result,
    "run_action": Result,
    "handle_callback": Result,
    "list_remote_invoices": RemotePage,
    "handle_webhook": WebhookResponse,
    "remote_document": (RemoteDocument, Result),
}


class PluginCrashed(Exception):
    """A plugin raised or returned the wrong type; ``result`` says so to the user."""

    def __init__(self, result):
        super().__init__(result.messages[0].text)
        self.result = result


def call(provider: Provider, hook: str, username: str | None = None, config: dict | None = None, **kwargs):
    """Call ``hook`` on ``provider`` with its saved config (or ``config``) and a fresh context.

    :raises PluginCrashed: carrying a failed ``Result`` for the user.
    """
    config = load_config(provider) if config is None else config
    context = make_context(provider.key, username)
    try:
        value = registry().call(provider.key, hook, config=config, context=context, **kwargs)
    except Exception as exc:  # a plugin bug must never become a 500
        detail = redact(traceback.format_exc(), stored_secret_values(provider.key))
        log.error("provider %s hook %s raised %s", provider.key, hook, type(exc).__name__)
        raise PluginCrashed(
            Result(
                ok=False,
                messages=(Message("error", f"Unexpected error in the {provider_title(provider)} integration ({type(exc).__name__}). The details are in the integration log."),),
                error_detail=detail,
            )
        ) from exc
    if not isinstance(value, EXPECTED[hook]):
        raise PluginCrashed(
            Result(
                ok=False,
                messages=(Message("error", f"The {provider_title(provider)} integration returned an invalid answer to {hook}."),),
                error_detail=f"expected {EXPECTED[hook]}, got {type(value).__name__}",
            )
        )
    return value


def provider_title(provider: Provider) -> str:
    return provider.info.title if provider.info else provider.key
