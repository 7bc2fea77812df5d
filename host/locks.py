"""Locks shared by every worker process of one installation.

PostgreSQL: a session advisory lock on a connection of its own. SQLite (one
machine by nature): an ``flock`` on a file in the instance folder.
"""
from __future__ import annotations

import fcntl
import hashlib
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from host.extensions import db


def _lock_number(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def shared_lock(name: str, instance_path: str):
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            key = _lock_number(name)
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
        return
    folder = Path(instance_path) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock")
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
