"""Calling one provider's hook so that nothing it does can break a page.

Expected failures come back from plugins as ``Result(ok=False)``. Anything a
plugin raises, or a return value of the wrong type, becomes a failed
``Result`` whose detail (the traceback, secrets redacted) goes to the history.

Every call has a deadline: the hook runs in a thread of its own (with its own
app context and database session) and the caller stops waiting when the
deadline passes, so a hanging plugin never holds a page or a worker. Pages
use the ``INTERACTIVE_DEADLINE`` setting (15 s); background jobs pass a longer one.

Secrets are decrypted once per call: the config's secret fields when the
config is loaded, tokens when the plugin reads them. What the call held is
remembered (:func:`call_secrets`) to redact its result, so recording the
outcome decrypts nothing again.
"""
from __future__ import annotations

import logging
import threading
import traceback

from flask import current_app, g

from host.api import Message, RemoteDocument, RemotePage, RemoteTotals, Result, Throttled, WebhookResponse
from host.extensions import db
from host.integrations.history import redact
from host.integrations.settings import load_config, make_context, registry, schema_for, secret_fields
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
    "update_remote_invoice": Result,
    "run_action": Result,
    "handle_callback": Result,
    "list_remote_invoices": RemotePage,
    "handle_webhook": WebhookResponse,
    "process_webhook": (WebhookResponse, Result),
    "catch_up": (WebhookResponse, Result),
    "run_invoice_action": Result,
    "remote_document": (RemoteDocument, Result),
    "preview_remote_totals": (RemoteTotals, Result),
}


INTERACTIVE_DEADLINE = 15.0  # seconds a page waits for a provider


def call(provider: Provider, hook: str, username: str | None = None, config: dict | None = None,
         deadline: float | None = None, **kwargs):
    """Call ``hook`` on ``provider`` with its saved config (or ``config``) and a fresh context.

    Returns what the hook returned or, when the plugin raised, answered with
    the wrong type or missed the deadline, a failed ``Result`` saying so
    (details for the history).
    """
    if deadline is None:
        deadline = current_app.config.get("INTERACTIVE_DEADLINE", INTERACTIVE_DEADLINE)
    try:
        config = load_config(provider) if config is None else config
    except SecretUnreadable as problem:
        return Result.failure(str(problem))
    context = make_context(provider.key, username)
    db.session.commit()  # the hook's own session must find nothing of ours half-written
    outcome: dict = {}
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                outcome["value"] = registry().call(provider.key, hook, config=config, context=context, **kwargs)
            except Throttled as exc:
                outcome["throttled"] = exc
            except Exception as exc:  # a plugin bug must never become a 500
                outcome["error"] = (type(exc).__name__, traceback.format_exc())

    worker = threading.Thread(target=run, name=f"{provider.key}.{hook}", daemon=True)
    worker.start()
    worker.join(deadline)
    db.session.expire_all()  # the hook may have changed rows this session holds
    _remember_secrets(provider, config, context.secrets.seen)
    return _answer(provider, hook, outcome, deadline if worker.is_alive() else None)


def _answer(provider: Provider, hook: str, outcome: dict, missed_deadline: float | None):
    """What the call gives back: the hook's value, or a failed ``Result`` for a
    missed deadline, the shared rate limit, a crash or an answer of the wrong type."""
    title = provider_title(provider)
    if missed_deadline is not None:
        deadline = missed_deadline
        log.error("provider %s hook %s did not finish within %g s", provider.key, hook, deadline)
        return Result(ok=False, retry_after=current_app.config["UNKNOWN_OUTCOME_WAIT"], messages=(Message(
            "error", f"{title} did not finish within {deadline:g} seconds. Try again in a minute; a request "
                     "it may still complete is found again, never repeated."),),
            error_detail=f"{hook} still running after {deadline:g} s")
    if "throttled" in outcome:
        wait = outcome["throttled"].retry_after
        return Result(ok=False, retry_after=wait, messages=(Message(
            "warning", f"{title} is at its request limit. Try again in {max(1, round(wait))} seconds."),))
    if "error" in outcome:
        name, detail = outcome["error"]
        log.error("provider %s hook %s raised %s", provider.key, hook, name)
        return Result(
            ok=False,
            messages=(Message("error", f"Unexpected error in the {title} integration ({name}). "
                                       "The details are in the integration log."),),
            error_detail=redact(detail, call_secrets(provider.key)),
        )
    value = outcome["value"]
    if not isinstance(value, EXPECTED[hook]):
        return Result(
            ok=False,
            messages=(Message("error", f"The {title} integration returned an invalid answer to {hook}."),),
            error_detail=f"expected {EXPECTED[hook]}, got {type(value).__name__}",
        )
    return value


def provider_title(provider: Provider) -> str:
    return provider.info.title if provider.info else provider.key


def _remember_secrets(provider: Provider, config: dict, tokens: set[str]) -> None:
    held = {str(config[name]) for name in secret_fields(schema_for(provider)) if config.get(name)}
    g.setdefault("erp_host_call_secrets", {}).setdefault(provider.key, set()).update(held | tokens)


def call_secrets(key: str) -> list[str]:
    """The secret values the calls on ``key`` in this app context held (the config's
    secrets, the tokens they read or wrote), longest first: what to redact from
    what they returned. Decrypts nothing."""
    return sorted(g.get("erp_host_call_secrets", {}).get(key, ()), key=len, reverse=True)
