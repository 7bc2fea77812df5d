"""What a worker does with one job: claim it, call the provider, keep the outcome.

The outcome decides what happens next:

- done, failed or blocked: the job ends; its messages are what the invoice
  page shows in the provider's section.
- the provider said when to try again (``Result.retry_after``: a 429, a 503,
  or an unknown outcome after a timeout, where it is at least the client's
  read timeout, so the first request has landed before the retry looks for
  it): the job is rescheduled; the link stays reserved, so nobody can create
  meanwhile, and the retry reuses the same ``attempt_id``.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import update

from host.api import Message, RemoteInvoice, Result
from host.extensions import db
from host.integrations import history, preview
from host.integrations import invoices as service
from host.integrations.calls import call, call_secrets, provider_title
from host.invoice_data import invoice_data
from host.jobs import recovery
from host.jobs.service import messages_json
from host.models import Job

log = logging.getLogger("host.jobs")

JOB_DEADLINE = 120.0  # seconds one provider hook may take inside a worker
MAX_ATTEMPTS = 12


def now() -> datetime:
    return datetime.now(timezone.utc)


def claim(job_id: int) -> Job | None:
    """Move the job from queued to running, or None if it is not ours to run
    (already run, cancelled, or a duplicate message sent early)."""
    moment = now()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued", Job.not_before <= moment + timedelta(seconds=1))
        .values(status="running", started_at=moment, heartbeat_at=moment, worker=recovery.worker_name(),
                attempts=Job.attempts + 1)
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if claimed == 1 else None


def run(job_id: int) -> None:
    job = claim(job_id)
    if job is None:
        return
    number = job.invoice.number if job.invoice else "-"
    log.info("job %s: %s at %s for invoice %s (attempt %s)", job.id, job.kind, job.provider, number, job.attempts)
    with recovery.heartbeat(job.id):
        try:
            KINDS[job.kind](job)
        except service.NotAvailable as reason:
            if job.kind == "create":
                _release_link(job, str(reason))
            conclude(job, Result.failure(str(reason), sent=False))
    log.info("job %s: %s: %s", job.id, job.status, job.outcome)


def conclude(job: Job, result: Result) -> None:
    """End the job with ``result``. A refusal naming an existing remote invoice
    keeps its number, so the page can open the link picker on it."""
    job.status = "done" if result.ok else ("blocked" if result.problems else "failed")
    job.finished_at = now()
    job.outcome = history.summary(result)
    job.payload = {**(job.payload or {}), "messages": messages_json(result)}
    if not result.ok and result.remote is not None:
        job.payload["pick"] = result.remote.number or result.remote.remote_id
    db.session.commit()


def wait_before_retry(result: Result) -> float | None:
    """Seconds until the job should try again, or None when it should not.

    Only a provider that says when (``retry_after``: a 429, a 503, a timeout
    whose outcome is unknown) is retried automatically; any other failure
    ends the job and the user decides (the retry is just as safe).
    """
    if result.ok or result.problems or result.retry_after is None:
        return None
    return max(result.retry_after, 0.0)


def reschedule(job: Job, result: Result, wait: float, action: str) -> None:
    from host.jobs.queue import send

    moment = now()
    job.status = "queued"
    job.not_before = moment + timedelta(seconds=wait)
    job.enqueued_at = moment
    job.outcome = history.summary(result)
    job.payload = {**(job.payload or {}), "messages": messages_json(result)}
    if job.invoice_id is not None:
        history.record_result(job.provider, action, result, call_secrets(job.provider),
                              invoice_id=job.invoice_id, username=job.username)
        history.record(job.provider, action, "queued",
                       f"Attempt {job.attempts} did not finish; trying again at {job.not_before:%H:%M:%S} UTC.",
                       invoice_id=job.invoice_id, username=job.username)
    db.session.commit()
    send(job.id, wait)


def _release_link(job: Job, error: str) -> None:
    link = service.link_for(job.invoice, job.provider)
    if link is not None and link.status == "pending":
        service.release(link, bool((job.payload or {}).get("fresh")), error)


def _create(job: Job) -> None:
    provider = service.available_provider(job.provider, "create_remote_invoice")
    invoice = job.invoice
    link = service.link_for(invoice, job.provider)
    if link is None or link.status != "pending":
        conclude(job, Result.failure("The reservation for this request was released; nothing was sent.", sent=False))
        return
    data = invoice_data(invoice)
    result = preview.blocking_result(provider, data, job.username) or call(
        provider, "create_remote_invoice", job.username, deadline=JOB_DEADLINE, invoice=data, attempt_id=link.attempt_id)
    wait = wait_before_retry(result)
    if wait is not None and job.attempts < MAX_ATTEMPTS:
        link.last_error = history.summary(result)
        reschedule(job, result, wait, "create")
        return
    fresh = bool((job.payload or {}).get("fresh"))
    conclude(job, service.settle(invoice, data, provider, "create", link, result, job.username, fresh))


def linked_or_end(job: Job):
    """The job's link when its invoice is still linked; otherwise the job ends saying so (None)."""
    link = service.link_for(job.invoice, job.provider)
    if link is None or link.status != "linked":
        conclude(job, Result.failure("This invoice is no longer linked.", sent=False))
        return None
    return link


def _refresh(job: Job) -> None:
    provider = service.available_provider(job.provider, "remote_status")
    invoice = job.invoice
    link = linked_or_end(job)
    if link is None:
        return
    data = invoice_data(invoice)
    result = call(provider, "remote_status", job.username, deadline=JOB_DEADLINE,
                  invoice=data, link=service.link_data(link))
    if not result.ok and result.retry_after is not None and job.attempts < MAX_ATTEMPTS:
        reschedule(job, result, result.retry_after, "refresh")
        return
    if result.ok and not result.messages:
        result = replace(result, messages=(Message("success", f"Refreshed from {provider_title(provider)}."),))
    conclude(job, service.store_status(invoice, provider, link, result, data, job.username,
                                       record=job.kind == "refresh"))


def remote_from_json(item: dict) -> RemoteInvoice:
    values = dict(item)
    for name in ("total", "balance", "amount_paid"):
        if values.get(name) is not None:
            values[name] = Decimal(values[name])
    for name in ("issue_date", "paid_on"):
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    for name in ("reported_at", "changed_at"):
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    values["tax_lines"] = ()  # webhook updates carry no tax lines
    return RemoteInvoice(**values)


from host.jobs import remote_work  # noqa: E402  (its kinds use conclude and reschedule above)

KINDS = {"create": _create, "refresh": _refresh, "sync": _refresh, "webhook": remote_work.run_webhook,
         "action": remote_work.run_action, "catchup": remote_work.run_catch_up}
