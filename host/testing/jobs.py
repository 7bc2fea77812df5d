"""Running queued jobs in tests.

Apps made by the test kit run jobs synchronously (Huey's immediate mode),
but a rescheduled job only waits in the queue: :func:`run_due_jobs` runs
every queued job as if its time had come, the way a worker would.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import update

from host.extensions import db
from host.models import Job


def run_due_jobs(app) -> int:
    """Run each queued job once, now; returns how many ran."""
    from host.jobs import runner

    with app.app_context():
        ids = db.session.execute(db.select(Job.id).filter_by(status="queued").order_by(Job.id)).scalars().all()
        db.session.execute(update(Job).where(Job.id.in_(ids)).values(not_before=datetime.now(timezone.utc)))
        db.session.commit()
        for job_id in ids:
            runner.run(job_id)
    return len(ids)
