"""The app's Huey instance, built from configuration, and enqueueing.

- ``ERP_HOST_QUEUE_URL`` unset: Huey's SQLite storage, ``queue.sqlite`` in
  the instance folder. Nothing to install; queued work survives a restart.
- ``ERP_HOST_QUEUE_URL=redis://…``: Huey's Redis storage, for workers on
  several machines sharing one PostgreSQL database.
- ``QUEUE_IMMEDIATE`` (tests): jobs run synchronously in the caller.

Huey is imported and the queue built on first use (the ``erp_host_queue``,
``erp_host_tasks`` and ``erp_host_throttle`` extensions), so a command that
never queues work (``erp-host plugins``) does not pay for it.
"""
from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from host.throttle import Throttle

QUEUE_NAME = "erp-host"


class QueueConfigError(ValueError):
    """``ERP_HOST_QUEUE_URL`` names a storage this host cannot use."""


def build_huey(app: Flask) -> "Huey":
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    url = _checked_url(app)
    if app.config.get("QUEUE_IMMEDIATE"):
        return MemoryHuey(QUEUE_NAME, immediate=True)
    if url:
        return RedisHuey(QUEUE_NAME, url=url)
    return SqliteHuey(QUEUE_NAME, filename=str(Path(app.instance_path) / "queue.sqlite"))


def _checked_url(app: Flask) -> str:
    url = app.config.get("QUEUE_URL") or ""
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise QueueConfigError(f"ERP_HOST_QUEUE_URL must be a redis:// URL (or unset for the SQLite queue), not {url!r}.")
    return url


LAZY_KEYS = ("erp_host_queue", "erp_host_tasks", "erp_host_throttle")


class _Extensions(dict):
    """``app.extensions`` that builds the queue entries the first time one is read."""

    def __init__(self, data: dict, app: Flask):
        super().__init__(data)
        self._app = app
        self._lock = threading.Lock()

    def __missing__(self, key):
        if key not in LAZY_KEYS:
            raise KeyError(key)
        with self._lock:
            if key not in self:
                _build(self._app, self)
        return dict.__getitem__(self, key)


def _build(app: Flask, extensions: dict) -> None:
    from host.jobs import tasks

    huey = build_huey(app)
    extensions["erp_host_tasks"] = tasks.register(huey, app)
    extensions["erp_host_throttle"] = Throttle(huey.storage, prefix=QUEUE_NAME)
    extensions["erp_host_queue"] = huey


def init_app(app: Flask) -> None:
    """Give the app its queue, its tasks and the shared throttle (built when first used)."""
    _checked_url(app)  # a wrong URL stops the app at once, not at the first job
    app.extensions = _Extensions(app.extensions, app)


def huey() -> "Huey":
    return current_app.extensions["erp_host_queue"]


def send(job_id: int, delay: float = 0.0) -> None:
    """Ask a worker to run job ``job_id`` now (or after ``delay`` seconds)."""
    run_job = current_app.extensions["erp_host_tasks"].run_job
    if delay > 0:
        run_job.schedule(args=(job_id,), delay=delay)
    else:
        run_job(job_id)
