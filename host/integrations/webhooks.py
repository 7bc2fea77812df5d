"""What the host does with a provider's webhook call once the plugin has read it."""
from __future__ import annotations

from host.api import Result, WebhookResponse
from host.extensions import db
from host.integrations import history, webhook_events
from host.models import Job


def record_crash(provider: str, result: Result) -> None:
    """The plugin raised while reading the call: the traceback (redacted) goes to the log."""
    history.record(provider, "webhook", "error", history.summary(result), error_detail=result.error_detail)
    db.session.commit()


def accept(provider: str, response: WebhookResponse, body: bytes) -> tuple[bool, Job | None]:
    """Remember the event and queue its updates, in one commit: ``(False, None)``
    for an event already applied (a replay), else ``(True, the job or None)``."""
    from host.jobs.service import queue_webhook_updates

    if not webhook_events.claim(provider, webhook_events.event_key(response, body)):
        return False, None
    job = queue_webhook_updates(provider, response.updates, response.work)
    db.session.commit()
    return True, job
