"""Job kinds beyond create and refresh: an invoice action (e.g. send), a
webhook whose work was deferred, and the provider-wide catch-up.

Each calls one provider hook with the job deadline; a failure that says when
to try again (``retry_after``) reschedules the job like a create or refresh.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import func

from host.api import Message, Result, WebhookResponse
from host.extensions import db
from host.integrations import history, webhook_updates
from host.integrations import invoices as service
from host.integrations.calls import call, call_secrets, provider_title
from host.invoice_data import invoice_data
from host.models import Job


def _retry(job: Job, result: Result, action: str) -> bool:
    """Reschedule ``job`` when the provider said when to try again; True if it was."""
    from host.jobs.runner import MAX_ATTEMPTS, reschedule

    if result.ok or result.retry_after is None or job.attempts >= MAX_ATTEMPTS:
        return False
    reschedule(job, result, result.retry_after, action)
    return True


def run_action(job: Job) -> None:
    from host.jobs.runner import JOB_DEADLINE, conclude, linked_or_end

    name = (job.payload or {}).get("name", "")
    provider = service.available_provider(job.provider, "run_invoice_action")
    invoice = job.invoice
    link = linked_or_end(job)
    if link is None:
        return
    data = invoice_data(invoice)
    result = call(provider, "run_invoice_action", job.username, deadline=JOB_DEADLINE, name=name,
                  invoice=data, link=service.link_data(link))
    if _retry(job, result, name):
        return
    if result.ok and result.remote is None:  # the action changed nothing the host keeps
        history.record_result(job.provider, name, result, call_secrets(job.provider),
                              invoice_id=invoice.id, username=job.username)
        db.session.commit()
        conclude(job, result)
        return
    conclude(job, service.store_status(invoice, provider, link, result, data, job.username, action=name))


def apply_updates(job: Job, response: WebhookResponse, action: str) -> Result:
    matched = webhook_updates.apply(job.provider, response.updates, action)
    return Result.success(f"Applied {matched} of {len(response.updates)} update(s).")


def run_webhook(job: Job) -> None:
    """Apply a webhook's updates; first do its deferred work, if any."""
    from host.jobs.runner import JOB_DEADLINE, conclude, remote_from_json

    payload = job.payload or {}
    updates = tuple(remote_from_json(item) for item in payload.get("updates", []))
    read = ()
    if "work" in payload:
        provider = service.available_provider(job.provider, "process_webhook")
        answer = call(provider, "process_webhook", None, deadline=JOB_DEADLINE, work=payload["work"])
        if isinstance(answer, Result):
            if not _retry(job, answer, "webhook"):
                history.record_result(job.provider, "webhook", answer, call_secrets(job.provider))
                conclude(job, answer)
            return
        read = answer.updates
    result = apply_updates(job, WebhookResponse(status=200, updates=updates), "webhook")
    if read:  # what the provider says now, read after the event: recorded apart from the events
        webhook_updates.apply(job.provider, read, "webhook read")
    conclude(job, result)


def last_catch_up(provider: str) -> datetime | None:
    """When the last successful catch-up started: the next one asks for changes since then."""
    from host.jobs.recovery import aware

    moment = db.session.execute(
        db.select(func.max(Job.started_at)).where(Job.provider == provider, Job.kind == "catchup", Job.status == "done")
    ).scalar_one_or_none()
    return aware(moment)


def run_catch_up(job: Job) -> None:
    from host.jobs.runner import JOB_DEADLINE, conclude

    provider = service.available_provider(job.provider, "catch_up")
    since = last_catch_up(job.provider)
    answer = call(provider, "catch_up", None, deadline=JOB_DEADLINE, since=since)
    if isinstance(answer, Result):
        if not _retry(job, answer, "catch-up"):
            history.record_result(job.provider, "catch-up", answer, call_secrets(job.provider))
            conclude(job, answer)
        return
    result = apply_updates(job, answer, "catch-up")
    when = f"since {since:%Y-%m-%d %H:%M} UTC" if since else "for the first time"
    conclude(job, replace(result, messages=(Message("success", f"Caught up with {provider_title(provider)} {when}: "
                                                               f"{result.messages[0].text}"),)))


def catch_up_due(provider: str, minutes: int, now: datetime) -> bool:
    """True when no catch-up is open and the last one was created ``minutes`` or more ago."""
    from datetime import timedelta

    open_or_recent = db.session.execute(
        db.select(Job.id).where(Job.provider == provider, Job.kind == "catchup")
        .where(Job.status.in_(("queued", "running")) | (Job.created_at > now - timedelta(minutes=minutes))).limit(1)
    ).first()
    return open_or_recent is None and minutes > 0


def enqueue_catch_ups(providers, minutes_of, now: datetime | None = None) -> list[Job]:
    """A catch-up job for each enabled provider implementing ``catch_up`` that is due."""
    now = now or datetime.now(timezone.utc)
    jobs = []
    for provider in providers:
        minutes = minutes_of(provider.key)
        if provider.implements("catch_up") and catch_up_due(provider.key, minutes, now):
            jobs.append(Job(kind="catchup", provider=provider.key, enqueued_at=now, created_at=now))
    return jobs
