"""Bulk runs: one job per invoice, started from the invoice list.

A run is only a label on its jobs; its progress is counted from them.
Cancelling drops the queued jobs (and their link reservations); "retry
failed" gives each failed invoice a new job in the same run.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func

from host.extensions import db
from host.integrations.invoices import available_provider, link_for, release
from host.jobs.recovery import aware
from host.jobs.service import dispatch, new_create_job, new_refresh_job
from host.models import BulkRun, Invoice, Job

ACTIONS = {"create": ("create_remote_invoice", "Push to"), "refresh": ("remote_status", "Refresh from")}
MAX_INVOICES = 5000


@dataclass(frozen=True)
class Progress:
    total: int
    queued: int  # waiting or running
    done: int
    failed: int
    blocked: int
    cancelled: int
    per_minute: float | None
    seconds_left: float | None

    @property
    def finished(self) -> bool:
        return self.queued == 0

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * (self.total - self.queued) / self.total)


def start(provider_key: str, action: str, invoices: list[Invoice], username: str | None) -> BulkRun:
    """Queue ``action`` ("create" or "refresh") at ``provider_key`` for each invoice."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown bulk action {action!r}.")
    available_provider(provider_key, ACTIONS[action][0])
    run = BulkRun(provider=provider_key, action=action, username=username)
    db.session.add(run)
    db.session.flush()
    make = new_create_job if action == "create" else new_refresh_job
    jobs = [make(invoice, provider_key, username, run.id)[0] for invoice in invoices]
    db.session.commit()
    for job in jobs:
        if job.status == "queued":
            dispatch(job)
    return run


def progress(run: BulkRun) -> Progress:
    counts = dict(db.session.execute(
        db.select(Job.status, func.count(Job.id)).where(Job.run_id == run.id).group_by(Job.status)).all())
    total = sum(counts.values())
    queued = counts.get("queued", 0) + counts.get("running", 0)
    first, last = db.session.execute(
        db.select(func.min(Job.started_at), func.max(Job.finished_at)).where(Job.run_id == run.id)).one()
    finished = total - queued - counts.get("cancelled", 0)
    per_minute = seconds_left = None
    if first and last and finished:
        elapsed = max((aware(last) - aware(first)).total_seconds(), 1.0)
        per_minute = finished * 60 / elapsed
        seconds_left = queued * 60 / per_minute if queued else 0.0
    return Progress(total, queued, counts.get("done", 0), counts.get("failed", 0), counts.get("blocked", 0),
                    counts.get("cancelled", 0), per_minute, seconds_left)


def cancel(run: BulkRun) -> int:
    """Cancel the jobs not started yet; returns how many."""
    now = datetime.now(timezone.utc)
    cancelled = 0
    for job in db.session.execute(db.select(Job).where(Job.run_id == run.id, Job.status == "queued")).scalars():
        job.status, job.finished_at, job.outcome = "cancelled", now, "Cancelled before it ran."
        job.payload = {**(job.payload or {}), "messages": [{"level": "info", "text": job.outcome, "details": []}]}
        if job.kind == "create":
            link = link_for(job.invoice, job.provider)
            if link is not None and link.status == "pending":
                release(link, bool(job.payload.get("fresh")), "Cancelled before it ran.")
        cancelled += 1
    run.cancelled_at = now
    db.session.commit()
    return cancelled


def retry_failed(run: BulkRun, username: str | None) -> int:
    """Give every failed invoice of the run a new job; returns how many."""
    failed = db.session.execute(db.select(Job).where(Job.run_id == run.id, Job.status == "failed")).scalars().all()
    make = new_create_job if run.action == "create" else new_refresh_job
    again = []
    for job in failed:
        invoice = job.invoice
        db.session.delete(job)
        db.session.flush()
        again.append(make(invoice, run.provider, username, run.id)[0])
    run.cancelled_at = None
    db.session.commit()
    for job in again:
        if job.status == "queued":
            dispatch(job)
    return len(again)


def recent(limit: int) -> list[BulkRun]:
    """The latest bulk runs, newest first."""
    return db.session.execute(db.select(BulkRun).order_by(BulkRun.id.desc()).limit(limit)).scalars().all()
