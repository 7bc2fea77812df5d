"""The scheduled status sync: linked invoices are refreshed until their remote
state is final, often at first and less often as they age.

With the provider's first interval ``m`` minutes (``sync_minutes``, set on
its configure page; 0 turns the sync off): every ``m`` minutes during the
first day after linking, hourly for the rest of the first week, then daily.
Webhooks apply changes at once; this is the safety net for missed ones.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from host.extensions import db
from host.jobs.recovery import aware
from host.models import Job, ProviderSetting, RemoteLink

DEFAULT_MINUTES = 5
BATCH = 500  # links enqueued per provider and upkeep tick


def first_interval(provider: str) -> int:
    setting = db.session.get(ProviderSetting, provider)
    return DEFAULT_MINUTES if setting is None or setting.sync_minutes is None else setting.sync_minutes


def interval(age: timedelta, minutes: int) -> timedelta:
    if age < timedelta(days=1):
        return timedelta(minutes=minutes)
    if age < timedelta(days=7):
        return timedelta(hours=1)
    return timedelta(days=1)


def next_sync(link: RemoteLink, now: datetime) -> datetime | None:
    """When ``link`` is next polled, or None when it is final or the sync is off."""

    with db.session.no_autoflush:  # called while the link is being changed: no premature flush
        minutes = first_interval(link.provider)
        if link.status != "linked" or link.remote_final or minutes <= 0:
            return None
        age = now - (aware(link.linked_at) or now)
    return now + interval(age, minutes)


def enqueue_due(now: datetime | None = None) -> int:
    """Queue a ``sync`` job for every linked, non-final invoice that is due; returns how many."""
    from host.integrations.settings import is_enabled, registry
    from host.jobs.service import dispatch

    from host.jobs.remote_work import enqueue_catch_ups

    now = now or datetime.now(timezone.utc)
    enabled = [p for p in registry().loaded() if is_enabled(p.key)]
    jobs = enqueue_catch_ups(enabled, first_interval, now)
    for provider in registry().loaded():
        if not provider.implements("remote_status") or not is_enabled(provider.key):
            continue
        if first_interval(provider.key) <= 0:
            continue
        busy = db.select(Job.id).where(
            Job.invoice_id == RemoteLink.invoice_id, Job.provider == RemoteLink.provider,
            Job.kind.in_(("refresh", "sync")), Job.status.in_(("queued", "running")),
        ).exists()
        due = db.session.execute(
            db.select(RemoteLink).where(
                RemoteLink.provider == provider.key, RemoteLink.status == "linked",
                RemoteLink.remote_final.is_(False),
                (RemoteLink.next_sync_at.is_(None)) | (RemoteLink.next_sync_at <= now), ~busy,
            ).order_by(RemoteLink.next_sync_at).limit(BATCH)
        ).scalars().all()
        for link in due:
            link.next_sync_at = next_sync(link, now)  # not picked again before this job has run
            jobs.append(Job(kind="sync", provider=provider.key, invoice_id=link.invoice_id, enqueued_at=now))
    db.session.add_all(jobs)
    db.session.commit()
    for job in jobs:
        dispatch(job)
    return len(jobs)
