"""Traffic control shared by all threads of one sandbox: latency, rate limits,
injected refusals, a slow invoice create, and counters.

Each sandbox owns one :class:`Traffic`; :func:`host.testing.sandbox.install`
wires it into the sandbox's Flask app. The sandbox only decides which
requests are API calls, what a request's rate-limit scope is (a QuickBooks
realm, a B2BRouter API key) and how a refusal looks in the real service's
error body.
"""
from __future__ import annotations

import math
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal

REFUSAL_STATUSES = (429, 503)


@dataclass(frozen=True)
class Settings:
    """What a sandbox's traffic looks like; ``None`` limits are off.

    - ``latency``: seconds added to every API request (after admission, so a
      slow request holds its concurrency slot like a slow real server).
    - ``rate_limit``: admitted API requests per ``rate_window`` seconds (rolling) per scope.
    - ``concurrency_limit``: API requests in progress at once per scope.
    - ``slow_create``: seconds an invoice create takes before the invoice is
      stored and the answer sent: a client with a shorter read timeout gives
      up while the invoice still appears, as with a real server still working.
    """

    latency: float = 0.0
    rate_limit: int | None = None
    rate_window: float = 60.0
    concurrency_limit: int | None = None
    slow_create: float = 0.0

    def __post_init__(self):
        for name in ("latency", "slow_create", "rate_window"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) or value < 0:
                raise ValueError(f"{name} must be a number of seconds >= 0")
            object.__setattr__(self, name, float(value))  # JSON bodies bring ints, floats or Decimals
        if self.rate_window == 0:
            raise ValueError("rate_window must be > 0")
        for name in ("rate_limit", "concurrency_limit"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ValueError(f"{name} must be a whole number >= 1, or null (no limit)")


SETTING_NAMES = tuple(f.name for f in fields(Settings))


@dataclass(frozen=True)
class Refusal:
    """An API request the sandbox turns away. ``retry_after`` is the
    ``Retry-After`` header in seconds, ``None`` for no header."""

    status: int
    reason: str  # "rate_limit", "concurrency" or "injected"
    retry_after: int | None = None


@dataclass
class Injection:
    """The next ``count`` API requests whose path contains ``path`` answer ``status``."""

    status: int
    count: int = 1
    retry_after: int | None = None
    path: str = ""

    def __post_init__(self):
        if self.status not in REFUSAL_STATUSES:
            raise ValueError(f"status must be one of {REFUSAL_STATUSES}")
        if not isinstance(self.count, int) or self.count < 1:
            raise ValueError("count must be a whole number >= 1")
        if self.retry_after is not None and (not isinstance(self.retry_after, int) or self.retry_after < 0):
            raise ValueError("retry_after must be a whole number of seconds >= 0, or null")
        if not isinstance(self.path, str):
            raise ValueError("path must be a string")


class Traffic:
    """Thread-safe traffic state. Settings given here are the defaults that
    :meth:`reset` returns to."""

    def __init__(self, **settings):
        self._lock = threading.Lock()
        self._defaults = Settings(**settings)
        self._in_flight: Counter = Counter()  # a fact about running requests: no reset empties it
        self.reset()

    # --- configuration ------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    def set_defaults(self, **changes) -> None:
        """Change the defaults (constructor options, command-line flags) and apply them now."""
        with self._lock:
            self._defaults = replace(self._defaults, **changes)
            self._settings = replace(self._settings, **changes)

    def configure(self, **changes) -> Settings:
        """Change settings at run time. :raises ValueError: an unknown name or a bad value."""
        unknown = set(changes) - set(SETTING_NAMES)
        if unknown:
            raise ValueError(f"unknown traffic settings: {sorted(unknown)}")
        with self._lock:
            self._settings = replace(self._settings, **changes)
            return self._settings

    def inject(self, status: int, count: int = 1, retry_after: int | None = None, path: str = "") -> None:
        """Queue refusals; they apply in the order queued. :raises ValueError: bad values."""
        injection = Injection(status, count, retry_after, path)
        with self._lock:
            self._injections.append(injection)

    def reset(self) -> None:
        """Settings back to the defaults, and :meth:`clear`."""
        with self._lock:
            self._settings = self._defaults
        self.clear()

    def clear(self) -> None:
        """Empty the counters, the created-invoice list, the injections and the
        rate windows; settings stay."""
        with self._lock:
            self._injections: list[Injection] = []
            self._hits: dict[str, deque] = defaultdict(deque)
            self._requests = 0
            self._statuses: Counter = Counter()
            self._created: list[dict] = []

    # --- per request --------------------------------------------------------------

    def admit(self, scope: str, path: str) -> Refusal | None:
        """Admit one API request or say why not. An admitted request holds a
        concurrency slot until :meth:`release`; a refused one holds nothing and
        does not use up the rate window."""
        now = time.monotonic()
        with self._lock:
            for injection in self._injections:
                if injection.path in path:
                    injection.count -= 1
                    if injection.count == 0:
                        self._injections.remove(injection)
                    return Refusal(injection.status, "injected", injection.retry_after)
            settings, hits = self._settings, self._hits[scope]
            while hits and now - hits[0] >= settings.rate_window:
                hits.popleft()
            if settings.rate_limit is not None and len(hits) >= settings.rate_limit:
                wait = math.ceil(hits[len(hits) - settings.rate_limit] + settings.rate_window - now)
                return Refusal(429, "rate_limit", max(1, wait))
            if settings.concurrency_limit is not None and self._in_flight[scope] >= settings.concurrency_limit:
                return Refusal(429, "concurrency")
            hits.append(now)
            self._in_flight[scope] += 1
            return None

    def release(self, scope: str) -> None:
        with self._lock:
            self._in_flight[scope] -= 1

    def pause(self) -> None:
        """Sleep the configured latency."""
        time.sleep(self._settings.latency)

    def pause_for_create(self) -> None:
        """Sleep ``slow_create``; call it in the create handler before storing, holding no lock."""
        time.sleep(self._settings.slow_create)

    def record(self, status: int) -> None:
        """Count one API request answered with ``status``."""
        with self._lock:
            self._requests += 1
            self._statuses[status] += 1

    def record_created(self, kind: str, remote_id, number: str | None) -> None:
        """Count one invoice created through the API (not a seed, not an idempotent replay)."""
        with self._lock:
            self._created.append({"type": kind, "id": str(remote_id), "number": number})

    # --- reading ------------------------------------------------------------------

    def as_json(self) -> dict:
        with self._lock:
            created = Counter(entry["type"] for entry in self._created)
            return {
                **asdict(self._settings),
                "injections": [asdict(i) for i in self._injections],
                "counters": {"requests": self._requests, "throttled": self._statuses[429],
                             "statuses": {str(k): v for k, v in sorted(self._statuses.items())},
                             "created": dict(sorted(created.items()))},
            }

    def created_json(self) -> dict:
        """Invoices created since the last reset, and numbers used more than once (per type)."""
        with self._lock:
            created = [dict(entry) for entry in self._created]
        numbers = Counter((e["type"], e["number"]) for e in created if e["number"] is not None)
        duplicates: dict[str, dict[str, int]] = {}
        for (kind, number), count in sorted(numbers.items()):
            if count > 1:
                duplicates.setdefault(kind, {})[number] = count
        return {"invoices": created, "duplicates": duplicates}
