"""``erp-host worker`` (the Huey consumer) and ``erp-host jobs`` (what is queued)."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import with_appcontext

from host.extensions import db
from host.models import JOB_STATUSES, Job


@click.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, help="How many jobs run at once in this process.")
@click.option("--worker-type", "-k", type=click.Choice(["thread", "process"]), default="thread", show_default=True,
              help="Threads share one process; processes isolate each job (a crash takes only its own).")
@click.option("--no-periodic", is_flag=True,
              help="Leave the every-minute upkeep (status sync, recovery) to another worker.")
@click.option("--shutdown-timeout", default=30.0, show_default=True,
              help="Seconds SIGTERM waits for jobs in hand; unfinished ones go back to the queue.")
@with_appcontext
def worker_command(workers: int, worker_type: str, no_periodic: bool, shutdown_timeout: float) -> None:
    """Run provider jobs. SIGTERM (or Ctrl-C) stops after the jobs in hand."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    huey = current_app.extensions["erp_host_queue"]
    consumer = huey.create_consumer(
        workers=workers, worker_type=worker_type, periodic=not no_periodic,
        shutdown_timeout=shutdown_timeout, graceful_signal="TERM", max_delay=1.0,
    )
    db.session.remove()
    db.engine.dispose()  # forked workers open their own connections
    consumer.run()


def worker_environment(app, **extra: str) -> dict[str, str]:
    """The environment that makes a separate ``erp-host worker`` process serve ``app``:
    same database, instance folder (and so encryption key), queue and providers."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ERP_HOST_INSTANCE": app.instance_path,
        "ERP_HOST_QUEUE_URL": app.config.get("QUEUE_URL") or "",
        "ERP_HOST_PLUGINS": ",".join(app.extensions["erp_host_registry"].providers),
        "ERP_HOST_UNKNOWN_OUTCOME_WAIT": str(app.config["UNKNOWN_OUTCOME_WAIT"]),
    }
    env.update(extra)
    return env


def spawn_worker(app, args: tuple[str, ...] = (), **popen) -> subprocess.Popen:
    """Start ``erp-host worker`` for ``app`` in a process of its own (the demo, tests)."""
    command = [sys.executable, "-c", "from host.cli import main; main()", "worker", *args]
    return subprocess.Popen(command, env=worker_environment(app), start_new_session=True, **popen)


def _row(job: Job) -> dict:
    return {
        "id": job.id, "kind": job.kind, "provider": job.provider, "invoice": job.invoice.number if job.invoice else None,
        "status": job.status, "attempts": job.attempts,
        "not_before": job.not_before.isoformat() if job.not_before else None,
        "worker": job.worker, "outcome": job.outcome,
    }


@click.group("jobs", invoke_without_command=True)
@click.option("--status", "statuses", multiple=True, type=click.Choice(JOB_STATUSES),
              help="Only these statuses (default: queued, running and failed).")
@click.option("--limit", default=100, show_default=True)
@click.pass_context
@with_appcontext
def jobs_command(ctx, statuses: tuple[str, ...], limit: int) -> None:
    """List queued, running, scheduled and failed jobs (JSON); see also retry and drop."""
    if ctx.invoked_subcommand:
        return
    statuses = statuses or ("queued", "running", "failed")
    now = datetime.now(timezone.utc)
    rows = db.session.execute(
        db.select(Job).where(Job.status.in_(statuses)).order_by(Job.id.desc()).limit(limit)
    ).scalars().all()
    listed = []
    for job in rows:
        row = _row(job)
        not_before = job.not_before.replace(tzinfo=job.not_before.tzinfo or timezone.utc)
        if job.status == "queued" and not_before > now:
            row["status"] = "scheduled"
        listed.append(row)
    click.echo(json.dumps(listed, indent=2))


def _failed_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise click.ClickException(f"There is no job {job_id}.")
    if job.status != "failed":
        raise click.ClickException(f"Job {job_id} is {job.status}; only failed jobs can be retried or dropped.")
    return job


@jobs_command.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def retry_command(job_id: int) -> None:
    """Run a failed job again (a create reuses its attempt ID: never a duplicate)."""
    from host.jobs import service

    job = _failed_job(job_id)
    if job.kind == "create":
        again, refusal = service.new_create_job(job.invoice, job.provider, "cli", job.run_id)
    elif job.kind in ("refresh", "sync"):
        again, refusal = service.new_refresh_job(job.invoice, job.provider, "cli", job.run_id)
    else:
        again = Job(kind=job.kind, provider=job.provider, payload=job.payload, enqueued_at=datetime.now(timezone.utc))
        db.session.add(again)
        refusal = None
    db.session.delete(job)
    db.session.commit()
    if refusal:
        raise click.ClickException(refusal)
    service.dispatch(again)
    click.echo(f"Job {job_id} queued again as job {again.id}.")


@jobs_command.command("drop")
@click.argument("job_id", type=int)
@with_appcontext
def drop_command(job_id: int) -> None:
    """Forget a failed job."""
    db.session.delete(_failed_job(job_id))
    db.session.commit()
    click.echo(f"Dropped job {job_id}.")
