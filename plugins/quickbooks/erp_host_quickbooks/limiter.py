"""A small per-company throttle, so this process stays under QuickBooks' limits.

QuickBooks allows (production) 500 requests a minute and 10 concurrent
requests per company and app; going over gives 429. Each worker process keeps
its own limiter, so several workers together may still hit 429, which the
client then handles with backoff.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from contextlib import contextmanager

from erp_host_quickbooks.endpoints import Limits


class RealmLimiter:
    def __init__(self, limits: Limits, clock=time.monotonic, sleep=time.sleep):
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.concurrent)
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def _wait_for_rate(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.limits.period:
                    self._sent.popleft()
                if len(self._sent) < self.limits.requests:
                    self._sent.append(now)
                    return
                delay = self.limits.period - (now - self._sent[0])
            self._sleep(max(delay, 0.001))

    @contextmanager
    def slot(self):
        """Hold one of the concurrent slots for one request."""
        with self._slots:
            self._wait_for_rate()
            yield


_limiters: dict[tuple[str, str], RealmLimiter] = {}
_guard = threading.Lock()


def for_realm(api_base: str, realm_id: str, limits: Limits) -> RealmLimiter:
    with _guard:
        key = (api_base, realm_id)
        if key not in _limiters:
            _limiters[key] = RealmLimiter(limits)
        return _limiters[key]
