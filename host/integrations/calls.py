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
from host.secrets import SecretUnreadable

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


def call(provider: Provider, hook: str, username: str | None = None, config: dict | None = None, **kwargs):
    """Call ``hook`` on ``provider`` with its saved config (or ``config``) and a fresh context.

    Returns what the hook returned or, when the plugin raised or answered with
    the wrong type, a failed ``Result`` saying so (details for the history).
    """
    try:
        config = load_config(provider) if config is None else config
    except SecretUnreadable as problem:
        return Result.failure(str(problem))
    context = make_context(provider.key, username)
    title = provider_title(provider)
    try:
        value = registry().call(provider.key, hook, config=config, context=context, **kwargs)
    except Exception as exc:  # a plugin bug must never become a 500
        log.error("provider %s hook %s raised %s", provider.key, hook, type(exc).__name__)
        return Result(
            ok=False,
            messages=(Message("error", f"Unexpected error in the {title} integration ({type(exc).__name__}). "
                                       "The details are in the integration log."),),
            error_detail=redact(traceback.format_exc(), stored_secret_values(provider.key)),
        )
    if not isinstance(value, EXPECTED[hook]):
        return Result(
            ok=False,
            messages=(Message("error", f"The {title} integration returned an invalid answer to {hook}."),),
            error_detail=f"expected {EXPECTED[hook]}, got {type(value).__name__}",
        )
    return value


def provider_title(provider: Provider) -> str:
    return provider.info.title if provider.info else provider.key
