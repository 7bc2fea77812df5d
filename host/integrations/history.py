"""Recording integration actions: the invoice history and the admin's log."""
from __future__ import annotations

from host.api import Result
from host.extensions import db
from host.models import IntegrationEvent

OUTCOMES = ("ok", "failed", "blocked", "error")
# what a history row shows, in the order of :func:`for_invoice`'s rows
EVENT_COLUMNS = ("id", "provider", "invoice_id", "username", "action", "outcome", "message", "request_id",
                 "error_detail", "created_at")


def redact(text: str | None, secrets: list[str]) -> str | None:
    """Replace every known secret in ``text`` so it never reaches the history."""
    if not text:
        return text
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return text


def joined(texts) -> str:
    """Texts joined as sentences: after a full stop (or ! ? :) a space, otherwise "; "
    (never ".;")."""
    out = ""
    for text in (str(t).strip() for t in texts):
        if not text:
            continue
        out = text if not out else out + (" " if out[-1] in ".!?:;" else "; ") + text
    return out


def summary(result: Result) -> str:
    return joined(part for message in result.messages for part in (message.text, *message.details))


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


def for_invoice(invoice_id: int, limit: int = 50) -> list:
    """The invoice's latest events, newest first (its integration history), as
    read-only rows of :data:`EVENT_COLUMNS`: the page only shows them, and
    rows cost a fraction of ORM objects."""
    events = IntegrationEvent.__table__
    return db.session.execute(
        db.select(*(events.c[name] for name in EVENT_COLUMNS))
        .where(events.c.invoice_id == invoice_id).order_by(events.c.id.desc()).limit(limit)
    ).all()


def for_provider(provider: str, limit: int = 10) -> list[IntegrationEvent]:
    """The provider's latest events, newest first (its configure page)."""
    return db.session.execute(
        db.select(IntegrationEvent).filter_by(provider=provider).order_by(IntegrationEvent.id.desc()).limit(limit)
    ).scalars().all()
