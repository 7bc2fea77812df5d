"""Keeping jobs alive through lost messages and dead workers.

A running job writes a heartbeat every ``HEARTBEAT_SECONDS``. The upkeep task
(every minute, and whenever a worker starts) resumes a running job whose
heartbeat stopped, or whose worker process on this machine is gone, and
re-sends queued jobs whose message the queue lost. A resumed create waits
``unknown_outcome_wait()`` after the last sign of life, so a request the dead
worker may have sent has landed before the job looks it up again.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import update

from host.extensions import db
from host.integrations import history
from host.models import Job, RemoteLink

log = logging.getLogger("host.jobs")

HEARTBEAT_SECONDS = 5.0
STALE_AFTER = timedelta(seconds=30)  # a running job silent this long has lost its worker
LOST_AFTER = timedelta(minutes=2)  # a due job not started this long after being sent has lost its message
ORPHAN_AFTER = timedelta(minutes=2)  # a pending link with no open job this old was left by a crash


def now() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every datetime here is UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def unknown_outcome_wait() -> float:
    """Seconds to wait after an unknown outcome before looking for its result."""
    return current_app.config["UNKNOWN_OUTCOME_WAIT"]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


@contextmanager
def heartbeat(job_id: int):
    """Keep ``jobs.heartbeat_at`` fresh while the block runs."""
    engine = db.engine
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            with engine.begin() as connection:
                connection.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(heartbeat_at=now()))

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _process_gone(worker: str | None) -> bool:
    """True when ``worker`` ran on this machine and its process no longer exists."""
    host, _, rest = (worker or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _resume_delay(job: Job, moment: datetime) -> float:
    if job.kind != "create":
        return 0.0
    last_alive = aware(job.heartbeat_at) or aware(job.started_at) or moment
    return max(0.0, (last_alive + timedelta(seconds=unknown_outcome_wait()) - moment).total_seconds())


def _hand_back(job: Job, moment: datetime, why: str) -> float:
    """Put a running ``job`` back in the queue, with a history row; returns its delay."""
    delay = _resume_delay(job, moment)
    job.status = "queued"
    job.not_before = moment + timedelta(seconds=delay)
    job.enqueued_at = moment
    if job.invoice_id is not None and job.kind in ("create", "refresh"):
        history.record(job.provider, job.kind, "failed",
                       f"Attempt {job.attempts} was interrupted ({why}); it resumes in {delay:.0f} s "
                       "and first looks for what the interrupted attempt may have done.",
                       invoice_id=job.invoice_id, username=job.username)
    return delay


def release(job_id: int) -> None:
    """The worker is shutting down mid-job: give the job back to the queue."""
    from host.jobs.queue import send

    moment = now()
    job = db.session.get(Job, job_id)
    if job is None or job.status != "running":
        return
    delay = _hand_back(job, moment, "the worker was stopped")
    db.session.commit()
    send(job_id, delay)
    log.info("job %s released on shutdown; resumes in %.0f s", job_id, delay)


def recover() -> None:
    """Resume jobs of dead workers, re-send lost messages, free orphaned reservations."""
    from host.jobs.queue import huey, send

    moment = now()
    resumed: list[tuple[int, float]] = []
    for job in db.session.execute(db.select(Job).filter_by(status="running")).scalars():
        beat = aware(job.heartbeat_at) or aware(job.started_at) or moment
        if beat < moment - STALE_AFTER or _process_gone(job.worker):
            resumed.append((job.id, _hand_back(job, moment, f"worker {job.worker} stopped")))
    queue_idle = huey().pending_count() == 0
    lost_cutoff = moment - LOST_AFTER
    for job in db.session.execute(
        db.select(Job).where(Job.status == "queued", Job.not_before < lost_cutoff)
    ).scalars():
        sent_at = aware(job.enqueued_at)
        if queue_idle or sent_at is None or sent_at < moment - timedelta(minutes=15):
            job.enqueued_at = moment
            resumed.append((job.id, 0.0))
    _fail_orphaned_links(moment)
    db.session.commit()
    for job_id, delay in resumed:
        send(job_id, delay)
    if resumed:
        log.info("recovered %d job(s)", len(resumed))


def _fail_orphaned_links(moment: datetime) -> None:
    """A pending link no open job owns (e.g. a web process died during Link)."""
    open_jobs = db.select(Job.id).where(
        Job.invoice_id == RemoteLink.invoice_id, Job.provider == RemoteLink.provider,
        Job.kind == "create", Job.status.in_(("queued", "running")),
    ).exists()
    orphans = db.session.execute(
        db.select(RemoteLink).where(RemoteLink.status == "pending", RemoteLink.updated_at < moment - ORPHAN_AFTER, ~open_jobs)
    ).scalars()
    for link in orphans:
        link.status = "failed"
        link.last_error = "The request was interrupted before its outcome was known. Try again: nothing is created twice."
        history.record(link.provider, "create", "failed", link.last_error, invoice_id=link.invoice_id)
