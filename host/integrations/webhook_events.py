"""Webhook replays and refusals, the same for every provider.

Replays: each accepted event is recorded as (provider, event ID) in
``webhook_events``; the ID is the plugin's ``WebhookResponse.event_id`` or,
without one, the SHA-256 of the raw body. The unique constraint makes a
second delivery, even a concurrent one, fail to record, and the host then
answers 200 and changes nothing. Rows are kept for
``host.WEBHOOK_EVENT_RETENTION`` (longer than any plugin's signature
tolerance) and pruned by the every-minute upkeep (``host.jobs.tasks``).

Refusals (unknown provider, too large, bad signature, too old ...) come from
anyone who can reach the URL, so they write no history row: they are counted
in the application log, at most one line per provider per ``REFUSAL_LOG_INTERVAL``
seconds, with the count and the latest reason.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import datetime, timezone

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from host.api import WEBHOOK_EVENT_RETENTION, WebhookResponse
from host.extensions import db
from host.models import WebhookEvent

log = logging.getLogger("host.webhooks")
REFUSAL_LOG_INTERVAL = 60.0
UNKNOWN_PROVIDER = "(unknown provider)"
_MAX_ID = 200


def event_key(response: WebhookResponse, body: bytes) -> str:
    """The ID a delivery is known by: the plugin's, or the body's SHA-256."""
    if response.event_id:
        key = f"id:{response.event_id}"
        return key if len(key) <= _MAX_ID else "idsha256:" + hashlib.sha256(key.encode()).hexdigest()
    return event_key_for_body(body)


def event_key_for_body(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def claim(provider: str, key: str) -> bool:
    """Record the event in the session (not yet committed); ``False`` when it was already recorded.

    The caller commits the claim with what the event causes (its job), so an
    event is recorded if and only if its effect is."""
    db.session.add(WebhookEvent(provider=provider, event_id=key))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def prune(now: datetime | None = None) -> int:
    """Forget events older than the retention period; returns how many."""
    cutoff = (now or datetime.now(timezone.utc)) - WEBHOOK_EVENT_RETENTION
    removed = db.session.execute(delete(WebhookEvent).where(WebhookEvent.received_at < cutoff)).rowcount
    db.session.commit()
    return removed


class RefusalLog:
    """Counts refused calls per provider and logs at most one line per interval."""

    def __init__(self, interval: float = REFUSAL_LOG_INTERVAL, clock=time.monotonic):
        self.interval = interval
        self.clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._logged_at: dict[str, float] = {}

    def refused(self, provider: str, status: int, reason: str, address: str | None) -> None:
        now = self.clock()
        with self._lock:
            count = self._counts.get(provider, 0) + 1
            last = self._logged_at.get(provider)
            if last is not None and now - last < self.interval:
                self._counts[provider] = count
                return
            self._counts[provider] = 0
            self._logged_at[provider] = now
        since = f"in the last {int(now - last)} s" if last is not None else "(first since start)"
        log.warning("webhook for %s: %d call(s) refused %s; latest %s %s from %s",
                    provider, count, since, status, reason[:200], address)


refusals = RefusalLog()
