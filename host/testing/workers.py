"""Real ``erp-host worker`` processes for integration tests and benchmarks.

:func:`start_workers` runs workers against an app's database and queue (the
app must be made with ``QUEUE_IMMEDIATE=False``), loading the providers the
app has registered through their entry points.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from host.jobs.worker import spawn_worker


@dataclass
class Workers:
    """Running worker processes; ``logs`` holds each one's output file."""

    app: object
    log_dir: Path
    args: tuple[str, ...]
    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def start_one(self) -> subprocess.Popen:
        log = self.log_dir / f"worker-{len(self.logs)}.log"
        with open(log, "wb") as handle:
            process = spawn_worker(self.app, self.args, stdout=handle, stderr=subprocess.STDOUT)
        self.processes.append(process)
        self.logs.append(log)
        return process

    def kill(self, index: int = 0) -> None:
        """SIGKILL: the job in hand is lost to the queue, as on a crash."""
        process = self.processes[index]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, as an operator stops a worker: jobs in hand finish or go back."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    def output(self) -> str:
        return "\n".join(log.read_text(errors="replace") for log in self.logs if log.exists())


def start_workers(app, log_dir: Path, count: int = 1, args: tuple[str, ...] = ("-w", "2")) -> Workers:
    workers = Workers(app=app, log_dir=Path(log_dir), args=args)
    for _ in range(count):
        workers.start_one()
    return workers


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not true within {timeout} s: {getattr(predicate, '__name__', predicate)}")
