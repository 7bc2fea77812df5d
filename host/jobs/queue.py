"""The app's Huey instance, built from configuration, and enqueueing.

- ``ERP_HOST_QUEUE_URL`` unset: Huey's SQLite storage, ``queue.sqlite`` in
  the instance folder. Nothing to install; queued work survives a restart.
- ``ERP_HOST_QUEUE_URL=redis://…``: Huey's Redis storage, for workers on
  several machines sharing one PostgreSQL database.
- ``QUEUE_IMMEDIATE`` (tests): jobs run synchronously in the caller.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

from host.throttle import Throttle

QUEUE_NAME = "erp-host"


class QueueConfigError(ValueError):
    """``ERP_HOST_QUEUE_URL`` names a storage this host cannot use."""


def build_huey(app: Flask) -> Huey:
    url = app.config.get("QUEUE_URL") or ""
    if app.config.get("QUEUE_IMMEDIATE"):
        return MemoryHuey(QUEUE_NAME, immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url)
    if url:
        raise QueueConfigError(f"ERP_HOST_QUEUE_URL must be a redis:// URL (or unset for the SQLite queue), not {url!r}.")
    return SqliteHuey(QUEUE_NAME, filename=str(Path(app.instance_path) / "queue.sqlite"))


def init_app(app: Flask) -> None:
    """Give the app its queue, its tasks and the shared throttle."""
    from host.jobs import tasks

    huey = build_huey(app)
    app.extensions["erp_host_queue"] = huey
    app.extensions["erp_host_tasks"] = tasks.register(huey, app)
    app.extensions["erp_host_throttle"] = Throttle(huey.storage, prefix=QUEUE_NAME)


def huey() -> Huey:
    return current_app.extensions["erp_host_queue"]


def send(job_id: int, delay: float = 0.0) -> None:
    """Ask a worker to run job ``job_id`` now (or after ``delay`` seconds)."""
    run_job = current_app.extensions["erp_host_tasks"].run_job
    if delay > 0:
        run_job.schedule(args=(job_id,), delay=delay)
    else:
        run_job(job_id)
