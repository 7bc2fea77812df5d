"""Rate limits and concurrency caps shared by every worker on every machine.

The counters live in the job queue's storage (Huey's SQLite file on one
machine, Redis across several), through the storage's atomic ``incr``:

- **Rate**: the period is cut into slices, each with its own counter key
  (``<name>.<slice number>``), so no worker ever resets another's count (the
  window-rollover race of Huey's own ``RateLimit``). A slice allows
  ``limit * s / (per + s)`` requests, so *any* rolling window of ``per``
  seconds, which touches at most ``per / s + 1`` slices, stays within
  ``limit``. The slice length is the one with the highest throughput
  (500/min: 1 s slices of 8 = 480/min, 96 %).
- **Concurrency**: ``concurrent`` numbered slots; a request holds one through
  an in-flight counter per slot that is released on exit. A slot whose holder
  died is reclaimed after ``SLOT_TTL`` seconds, because each claim writes the
  slice time it was taken in.
"""
from __future__ import annotations

import math
import time
from contextlib import contextmanager

from host.api import MAX_SLEEP, Throttled

SLICE_CANDIDATES = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60)
SLOT_TTL = 120.0  # seconds: no provider request is allowed to take longer


def slice_plan(limit: int, per: float) -> tuple[float, int]:
    """(slice seconds, requests per slice) with the best throughput under ``limit`` per ``per``."""
    best = (float(per), max(1, int(limit * per / (2 * per))))
    best_rate = best[1] / best[0]
    for seconds in SLICE_CANDIDATES:
        if seconds > per:
            break
        allowed = int(limit * seconds / (per + seconds))
        if allowed >= 1 and allowed / seconds > best_rate:
            best, best_rate = (float(seconds), allowed), allowed / seconds
    return best


class Throttle:
    """Shared limits over a Huey storage (anything with ``incr``, ``put_data``,
    ``peek_data`` and ``delete_data``)."""

    def __init__(self, storage, prefix: str = "erp-host", clock=time.time, sleep=time.sleep,
                 max_wait: float = MAX_SLEEP):
        self.storage = storage
        self.prefix = prefix
        self.clock = clock
        self.sleep = sleep
        self.max_wait = max_wait

    @contextmanager
    def __call__(self, name: str, limit: int, per: float, concurrent: int | None = None):
        waited = self._take_rate(name, limit, per)
        slot = self._take_slot(name, concurrent, self.max_wait - waited) if concurrent else None
        try:
            yield
        finally:
            if slot is not None:
                self.storage.delete_data(slot)

    def _take_rate(self, name: str, limit: int, per: float) -> float:
        seconds, allowed = slice_plan(limit, per)
        waited = 0.0
        while True:
            now = self.clock()
            number = math.floor(now / seconds)
            key = f"{self.prefix}.rl.{name}.{number}"
            if self.storage.incr(key) <= allowed:
                self._forget_old(name, number)
                return waited
            wait = (number + 1) * seconds - now + 0.001
            if waited + wait > self.max_wait:
                raise Throttled(max(wait, 0.001), name)
            self.sleep(wait)
            waited += wait

    def _forget_old(self, name: str, number: int) -> None:
        """Drop the counter of an older slice so the storage doesn't grow."""
        self.storage.delete_counter(f"{self.prefix}.rl.{name}.{number - 2}")

    def _take_slot(self, name: str, concurrent: int, budget: float) -> str:
        waited = 0.0
        while True:
            now = self.clock()
            for index in range(concurrent):
                key = f"{self.prefix}.slot.{name}.{index}"
                if self.storage.put_if_empty(key, repr(now).encode()):
                    return key
                if self._expired(key, now):
                    self.storage.delete_data(key)
            if waited + 0.05 > budget:
                raise Throttled(1.0, name)
            self.sleep(0.05)
            waited += 0.05

    def _expired(self, key: str, now: float) -> bool:
        held = self.storage.peek_data(key)
        try:
            since = float(bytes(held).decode())
        except (TypeError, ValueError):  # gone meanwhile (Huey's EmptyData) or unreadable
            return False
        return now - since > SLOT_TTL
