"""Recording integration actions: the invoice history and the admin's log."""
from __future__ import annotations

from host.api import Result
from host.extensions import db
from host.models import IntegrationEvent

OUTCOMES = ("ok", "failed", "blocked", "error")


def redact(text: str | None, secrets: list[str]) -> str | None:
    """Replace every known secret in ``text`` so it never reaches the history."""
    if not text:
        return text
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return text


def summary(result: Result) -> str:
    parts = []
    for message in result.messages:
        parts.append(message.text + (" " + "; ".join(message.details) if message.details else ""))
    return " ".join(parts)


def outcome_of(result: Result) -> str:
    if result.ok:
        return "ok"
    return "blocked" if result.problems else "failed"


def record(
    provider: str,
    action: str,
    outcome: str,
    message: str,
    *,
    invoice_id: int | None = None,
    username: str | None = None,
    request_id: str | None = None,
    error_detail: str | None = None,
    secrets: list[str] | None = None,
) -> IntegrationEvent:
    """Add one event to the session; the caller commits with its own change."""
    event = IntegrationEvent(
        provider=provider,
        invoice_id=invoice_id,
        username=username,
        action=action,
        outcome=outcome,
        message=redact(message, secrets or []) or "",
        request_id=request_id,
        error_detail=redact(error_detail, secrets or []),
    )
    db.session.add(event)
    return event


def record_result(provider: str, action: str, result: Result, secrets: list[str], *,
                  invoice_id: int | None = None, username: str | None = None) -> IntegrationEvent:
    """Record what a hook returned: outcome, messages, request ID and detail."""
    return record(
        provider, action, outcome_of(result), summary(result),
        invoice_id=invoice_id, username=username, request_id=result.request_id,
        error_detail=result.error_detail, secrets=secrets,
    )


def log_query(provider: str = "", outcome: str = "", invoice_id: int | None = None):
    """The integration log, newest first, optionally for one provider, outcome or invoice."""
    query = db.select(IntegrationEvent).order_by(IntegrationEvent.id.desc())
    if provider:
        query = query.filter_by(provider=provider)
    if outcome:
        query = query.filter_by(outcome=outcome)
    if invoice_id is not None:
        query = query.filter_by(invoice_id=invoice_id)
    return query
