"""What the web app asks of the queue: create, refresh, apply webhook updates.

Each request writes a ``Job`` row, commits, then sends the message, and
returns at once; the invoice page shows the job until it ends.
"""
from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timezone


from host.api import RemoteInvoice, Result
from host.extensions import db
from host.integrations.calls import provider_title
from host.integrations.invoices import available_provider, link_for, reserve
from host.models import Invoice, Job

log = logging.getLogger("host.jobs")
OPEN = ("queued", "running")
USER_KINDS = ("create", "refresh", "action")  # the jobs an invoice page reports on
REMOTE_KINDS = ("refresh", "sync", "action")  # jobs that read or change a linked remote invoice: one at a time


def dispatch(job: Job) -> None:
    """Send the message for a committed job. If the queue is down, the row
    stays queued and the upkeep task sends it later."""
    from host.jobs.queue import send

    try:
        send(job.id)
    except Exception:  # the queue storage is unreachable: the row is the source of truth
        log.exception("could not enqueue job %s; the upkeep task will send it", job.id)


def open_job(invoice: Invoice, key: str, kinds: tuple[str, ...]) -> Job | None:
    return db.session.execute(
        db.select(Job).where(Job.invoice_id == invoice.id, Job.provider == key,
                             Job.kind.in_(kinds), Job.status.in_(OPEN)).limit(1)
    ).scalar_one_or_none()


def latest_job(invoice: Invoice, key: str) -> Job | None:
    """The newest create or refresh job of ``invoice`` at ``key``: what its section reports."""
    return db.session.execute(
        db.select(Job).where(Job.invoice_id == invoice.id, Job.provider == key, Job.kind.in_(USER_KINDS))
        .order_by(Job.id.desc()).limit(1)
    ).scalar_one_or_none()


def new_create_job(invoice: Invoice, key: str, username: str | None, run_id: int | None = None) -> tuple[Job, str | None]:
    """Reserve the link and add a create job (``blocked`` when the link can't be reserved)."""
    fresh = link_for(invoice, key) is None
    link, refusal = reserve(invoice, key)
    now = datetime.now(timezone.utc)
    if link is None:
        job = Job(kind="create", provider=key, invoice_id=invoice.id, run_id=run_id, username=username,
                  status="blocked", outcome=refusal, finished_at=now, payload={"messages": [_message("error", refusal)]})
    else:
        job = Job(kind="create", provider=key, invoice_id=invoice.id, run_id=run_id, username=username,
                  enqueued_at=now, payload={"fresh": fresh})
    db.session.add(job)
    return job, refusal


def new_refresh_job(invoice: Invoice, key: str, username: str | None, run_id: int | None = None) -> tuple[Job, str | None]:
    link = link_for(invoice, key)
    refusal = None
    if link is None or link.status != "linked":
        refusal = "This invoice is not linked yet."
    elif open_job(invoice, key, REMOTE_KINDS):
        refusal = "A refresh of this invoice is already queued."
    now = datetime.now(timezone.utc)
    job = Job(kind="refresh", provider=key, invoice_id=invoice.id, run_id=run_id, username=username, enqueued_at=now)
    if refusal:
        job.status, job.outcome, job.finished_at = "blocked", refusal, now
        job.payload = {"messages": [_message("error", refusal)]}
    db.session.add(job)
    return job, refusal


def queue_create(invoice: Invoice, key: str, username: str | None) -> tuple[Job, str | None]:
    """Reserve the link and queue a create job: (the job, why it was refused or None)."""
    available_provider(key, "create_remote_invoice")
    job, refusal = new_create_job(invoice, key, username)
    db.session.commit()
    if not refusal:
        dispatch(job)
    return job, refusal


def request_create(invoice: Invoice, key: str, username: str | None) -> Result:
    """"New <Provider> invoice": reserve, queue, return at once."""
    _job, refusal = queue_create(invoice, key, username)
    if refusal:
        return Result.failure(refusal, sent=False)
    return Result.success(f"Creating the {provider_title(available_provider(key, 'create_remote_invoice'))} invoice…")


def queue_refresh(invoice: Invoice, key: str, username: str | None) -> tuple[Job, str | None]:
    """Queue a refresh job, or return the one already queued: (the job, why it was refused or None)."""
    available_provider(key, "remote_status")
    if link_for(invoice, key) is not None:
        queued = open_job(invoice, key, ("refresh", "sync"))
        if queued is not None:
            return queued, None
    job, refusal = new_refresh_job(invoice, key, username)
    db.session.commit()
    if not refusal:
        dispatch(job)
    return job, refusal


def request_refresh(invoice: Invoice, key: str, username: str | None) -> Result:
    provider = available_provider(key, "remote_status")
    already = link_for(invoice, key) is not None and open_job(invoice, key, ("refresh", "sync")) is not None
    _job, refusal = queue_refresh(invoice, key, username)
    if refusal:
        return Result.failure(refusal)
    if already:
        return Result.success(f"A refresh from {provider_title(provider)} is already queued.")
    return Result.success(f"Refreshing from {provider_title(provider)}…")


def request_action(invoice: Invoice, key: str, name: str, username: str | None) -> Result:
    """A button of ``ProviderInfo.invoice_actions`` (e.g. "Send via B2BRouter"): queue it."""
    provider = available_provider(key, "run_invoice_action")
    action = next((a for a in provider.info.invoice_actions if a.name == name), None)
    link = link_for(invoice, key)
    if action is None:
        return Result.failure(f"{provider_title(provider)} has no action {name!r}.")
    if link is None or link.status != "linked":
        return Result.failure("This invoice is not linked yet.")
    if action.states and link.remote_state not in action.states:
        return Result.failure(f"“{action.label}” is not possible while the {provider_title(provider)} invoice is "
                              f"{link.remote_state}. Refresh the page.")
    if open_job(invoice, key, REMOTE_KINDS):
        return Result.failure(f"Another request to {provider_title(provider)} for this invoice is queued; wait for it.")
    job = Job(kind="action", provider=key, invoice_id=invoice.id, username=username,
              enqueued_at=datetime.now(timezone.utc), payload={"name": name, "label": action.label})
    db.session.add(job)
    db.session.commit()
    dispatch(job)
    return Result.success(f"{action.label}…")


def queue_webhook_updates(key: str, updates: tuple[RemoteInvoice, ...], work=None) -> Job | None:
    """Store a verified webhook's updates (and deferred ``work``) as a job; the worker applies them."""
    if not updates and work is None:
        return None
    payload = {"updates": [_remote_json(remote) for remote in updates]}
    if work is not None:
        payload["work"] = work
    job = Job(kind="webhook", provider=key, enqueued_at=datetime.now(timezone.utc), payload=payload)
    db.session.add(job)
    db.session.commit()
    dispatch(job)
    return job


def _message(level: str, text: str, details=()) -> dict:
    return {"level": level, "text": text, "details": list(details)}


def messages_json(result: Result) -> list[dict]:
    return [_message(m.level, m.text, m.details) for m in result.messages]


def _remote_json(remote: RemoteInvoice) -> dict:
    return {k: (str(v) if v is not None and not isinstance(v, (bool, str)) else v)
            for k, v in dataclasses.asdict(remote).items()}
