"""What the host keeps about providers: settings, secrets, key canary, links,
history, bulk runs and jobs (re-exported by :mod:`host.models`)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from host.extensions import db
from host.model_types import Money, utcnow

if TYPE_CHECKING:
    from host.models import Invoice


class ProviderSetting(db.Model):
    """One row per provider an admin has configured: installed is not enabled."""

    __tablename__ = "provider_settings"
    provider: Mapped[str] = mapped_column(String(60), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    config: Mapped[dict] = mapped_column(JSON, default=dict)  # non-secret fields only
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    notices: Mapped[list] = mapped_column(JSON, default=list)  # last validate_config messages
    attention: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sync_minutes: Mapped[int] = mapped_column(Integer, default=5)  # first status-sync interval; 0 turns it off
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ProviderSecret(db.Model):
    """An encrypted value: a secret config field or a token a plugin stored."""

    __tablename__ = "provider_secrets"
    __table_args__ = (UniqueConstraint("provider", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    ciphertext: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class KeyCanary(db.Model):
    """One row (id 1): a known text encrypted with the current key, and the
    key's fingerprint. If the key cannot open it, the key changed
    (see ``host.keys``)."""

    __tablename__ = "key_canary"
    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(16))
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RemoteLink(db.Model):
    """A local invoice's counterpart at one provider (cf. Odoo's account.edi.document).

    The row is reserved (status ``pending``) before the provider is called, so
    a second create for the same invoice and provider fails on the unique
    constraint instead of making a second remote invoice.
    """

    __tablename__ = "remote_links"
    __table_args__ = (UniqueConstraint("invoice_id", "provider"), UniqueConstraint("provider", "remote_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, linked, failed
    attempt_id: Mapped[str] = mapped_column(String(64))
    remote_id: Mapped[str | None] = mapped_column(String(120))
    remote_number: Mapped[str | None] = mapped_column(String(120))
    remote_url: Mapped[str | None] = mapped_column(Text)
    remote_state: Mapped[str | None] = mapped_column(String(60))
    remote_state_detail: Mapped[str | None] = mapped_column(Text)
    remote_total: Mapped[Decimal | None] = mapped_column(Money)
    remote_balance: Mapped[Decimal | None] = mapped_column(Money)
    remote_currency: Mapped[str | None] = mapped_column(String(3))
    remote_final: Mapped[bool] = mapped_column(Boolean, default=False)  # no further state change expected
    remote_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # newest remote change
    #                                             applied (provider's clock); older webhook updates are ignored
    last_error: Mapped[str | None] = mapped_column(Text)
    linked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    invoice: Mapped[Invoice] = relationship()


class IntegrationEvent(db.Model):
    """One integration action: the invoice history and the admin's integration log."""

    __tablename__ = "integration_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(60), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"), index=True)
    username: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(10), index=True)  # ok, failed, blocked, error
    message: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[str | None] = mapped_column(String(120))
    error_detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class WebhookEvent(db.Model):
    """A webhook event the host accepted, kept for ``host.WEBHOOK_EVENT_RETENTION``
    so a replay of it is recognised (see ``host.integrations.webhook_events``)."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(60))
    event_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


JOB_KINDS = ("create", "refresh", "sync", "webhook", "action", "catchup")
JOB_STATUSES = ("queued", "running", "done", "failed", "blocked", "cancelled")
OPEN_JOB_STATUSES = ("queued", "running")


class BulkRun(db.Model):
    """One bulk action a user started from the invoice list: a job per invoice."""

    __tablename__ = "bulk_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(10))  # create, refresh
    username: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    jobs: Mapped[list["Job"]] = relationship(back_populates="run", order_by="Job.id")


class Job(db.Model):
    """Provider work for the queue. This row, not the queue's message, is the
    source of truth: the queue delivers at most once, so a periodic task
    re-enqueues rows whose message was lost (see ``host.jobs.recovery``)."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    provider: Mapped[str] = mapped_column(String(60))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("bulk_runs.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(String(120))
    outcome: Mapped[str | None] = mapped_column(Text)  # what the user is told
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    username: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    invoice: Mapped[Invoice | None] = relationship()
    run: Mapped[BulkRun | None] = relationship(back_populates="jobs")
