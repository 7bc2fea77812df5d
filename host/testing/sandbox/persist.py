"""Keep a sandbox's data in a JSON file, so a restarted sandbox still has it.

The file is rewritten atomically (a temporary file in the same folder, then
``os.replace``) after every request that may change data, and loaded when the
sandbox starts. ``Decimal`` values survive the round trip exactly. Without a
file a sandbox keeps its data in memory only: benchmarks and tests stay fast.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from flask import Flask, request

DECIMAL_TAG = "$decimal"
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def _encode(value):
    if isinstance(value, Decimal):
        return {DECIMAL_TAG: str(value)}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _decode(obj: dict):
    if len(obj) == 1 and DECIMAL_TAG in obj:
        return Decimal(obj[DECIMAL_TAG])
    return obj


class DataFile:
    """One sandbox's data file."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def load(self) -> dict | None:
        """The saved data, or ``None`` when there is no file yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return json.loads(text, object_hook=_decode)

    def save(self, data: dict) -> None:
        """Replace the file's content atomically: readers see the old or the new data, never half."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, default=_encode)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def keep_in_file(app: Flask, path: str | os.PathLike, snapshot: Callable[[], dict],
                 restore: Callable[[dict], None]) -> DataFile:
    """Load ``path`` into the sandbox now (``restore``) or create it from the
    current data, then save ``snapshot()`` after every request that is not a read.

    ``snapshot`` must return plain JSON data (and ``Decimal``) taken under the
    sandbox's own lock. Snapshots are taken and written one at a time, so the
    file always ends with the newest data.
    """
    data_file = DataFile(path)
    saved = data_file.load()
    if saved is None:
        data_file.save(snapshot())
    else:
        restore(saved)
    writing = threading.Lock()

    @app.after_request
    def _save(response):
        if request.method not in READ_METHODS:
            with writing:
                data_file.save(snapshot())
        return response

    return data_file
