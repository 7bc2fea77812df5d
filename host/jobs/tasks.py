"""The Huey tasks, bound to one app: run a job, and the periodic upkeep."""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from types import SimpleNamespace

from flask import Flask
from huey import crontab
from huey.signals import SIGNAL_INTERRUPTED

from host.extensions import db

log = logging.getLogger("host.jobs")


def register(huey, app: Flask) -> SimpleNamespace:
    """Define the tasks on ``huey``; each runs inside an app context of ``app``."""
    owner = {"pid": os.getpid()}

    @contextmanager
    def app_context():
        with app.app_context():
            if owner["pid"] != os.getpid():  # a forked worker process must not share the parent's connections
                db.engine.dispose(close=False)
                owner["pid"] = os.getpid()
            yield

    @huey.task(name="erp_host.run_job")
    def run_job(job_id: int) -> None:
        from host.jobs import runner

        with app_context():
            runner.run(job_id)

    @huey.periodic_task(crontab(minute="*"), name="erp_host.upkeep")
    def upkeep() -> None:
        """Every minute: resume what was lost, enqueue due status syncs, forget webhook events past
        their retention and API idempotency keys older than a day."""
        from host.integrations import webhook_events
        from host.jobs import recovery, sync
        from host.rest import idempotency

        with app_context():
            recovery.recover()
            sync.enqueue_due()
            webhook_events.prune()
            idempotency.forget_expired()

    @huey.on_startup(name="erp_host.startup")
    def startup() -> None:
        """A (re)started worker resumes jobs of workers on this machine that died."""
        from host.jobs import recovery

        with app_context():
            recovery.recover()

    @huey.signal(SIGNAL_INTERRUPTED)
    def interrupted(signal, task, *args) -> None:
        """Shutdown stopped a job mid-way: hand it back so another worker resumes it."""
        if task.name != "erp_host.run_job":
            return
        from host.jobs import recovery

        with app_context():
            recovery.release(task.args[0])

    return SimpleNamespace(run_job=run_job, upkeep=upkeep)
