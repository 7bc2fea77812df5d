"""The ERP's tables. Schema changes go through migrations (host/migrations)."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from host.extensions import db

ROLES = ("admin", "user")
INVOICE_STATUSES = ("draft", "issued", "paid", "cancelled")
ROUNDING_METHODS = ("half_up", "bankers", "truncate")
ADJUSTMENT_KINDS = ("allowance", "charge")
TAX_CATEGORIES = ("S", "AA", "E", "Z", "AE", "K", "G", "O", "L", "M")

Money = Numeric(16, 4)
Percent = Numeric(7, 4)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A login. Sessions carry ``session_token`` (Flask-Login's alternative ID),
    not the row ID: logging out, a new password or a new role replaces the
    token, so every session and cookie issued before stops working."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="user")
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)

    def get_id(self) -> str:
        return self.session_token

    def end_sessions(self) -> None:
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    @validates("role")
    def _role_change_ends_sessions(self, _key, role: str) -> str:
        if self.role is not None and role != self.role:
            self.end_sessions()
        return role

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Company(db.Model):
    """The one company this host invoices for (row id 1)."""

    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="My Company")
    address: Mapped[str] = mapped_column(Text, default="")
    tax_id: Mapped[str] = mapped_column(String(50), default="")
    country: Mapped[str] = mapped_column(String(2), default="ES")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    rounding_method: Mapped[str] = mapped_column(String(10), default="half_up")
    round_before_sum: Mapped[bool] = mapped_column(Boolean, default=False)
    apply_taxes_per_line: Mapped[bool] = mapped_column(Boolean, default=True)

    @classmethod
    def get(cls) -> "Company":
        company = db.session.get(cls, 1)
        if company is None:
            company = cls(id=1)
            db.session.add(company)
            db.session.flush()
        return company


class Client(db.Model):
    __tablename__ = "clients"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), default="")
    tax_id: Mapped[str] = mapped_column(String(50), default="")
    tax_scheme: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")


class Service(db.Model):
    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class Tax(db.Model):
    __tablename__ = "taxes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    percent: Mapped[Decimal] = mapped_column(Percent)
    category: Mapped[str] = mapped_column(String(4), default="S")


class PaymentTerm(db.Model):
    __tablename__ = "payment_terms"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    days: Mapped[int] = mapped_column(Integer, default=30)
    payment_means: Mapped[str] = mapped_column(String(3), default="", server_default="")  # UNCL 4461 code (host.payment_means)


line_taxes = Table(
    "invoice_line_taxes",
    db.metadata,
    Column("line_id", ForeignKey("invoice_lines.id", ondelete="CASCADE"), primary_key=True),
    Column("tax_id", ForeignKey("taxes.id"), primary_key=True),
)
invoice_taxes = Table(
    "invoice_taxes",
    db.metadata,
    Column("invoice_id", ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True),
    Column("tax_id", ForeignKey("taxes.id"), primary_key=True),
)


class Invoice(db.Model):
    __tablename__ = "invoices"
    __table_args__ = (Index("ix_invoices_issue_date_number", "issue_date", "number"),)  # the list's order
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    payment_term_id: Mapped[int | None] = mapped_column(ForeignKey("payment_terms.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # payment state (host.payments): unpaid, partial, paid; who said so and as of when
    payment_state: Mapped[str] = mapped_column(String(10), default="unpaid", server_default="unpaid", index=True)
    amount_paid: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_source: Mapped[str | None] = mapped_column(String(60))  # "user" or a provider key
    payment_as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # payment means: the term's unless overridden here (host.payment_means)
    payment_means: Mapped[str] = mapped_column(String(3), default="", server_default="")
    mandate_reference: Mapped[str] = mapped_column(String(70), default="", server_default="")
    bank_account_id: Mapped[int | None] = mapped_column(ForeignKey("bank_accounts.id", ondelete="SET NULL"))
    # a credit note: the invoice it credits and why (host.credit_notes)
    credited_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"), index=True)
    credit_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    client: Mapped[Client] = relationship()
    payment_term: Mapped[PaymentTerm | None] = relationship()
    bank_account: Mapped["BankAccount | None"] = relationship()
    credited_invoice: Mapped["Invoice | None"] = relationship(remote_side="Invoice.id", back_populates="credit_notes")
    credit_notes: Mapped[list["Invoice"]] = relationship(back_populates="credited_invoice", order_by="Invoice.id")
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )
    taxes: Mapped[list[Tax]] = relationship(secondary=invoice_taxes)
    adjustments: Mapped[list["InvoiceAdjustment"]] = relationship(
        back_populates="invoice", order_by="InvoiceAdjustment.position", cascade="all, delete-orphan"
    )

    def default_due_date(self) -> date:
        days = self.payment_term.days if self.payment_term else 0
        return self.issue_date + timedelta(days=days)


class InvoiceLine(db.Model):
    __tablename__ = "invoice_lines"
    __table_args__ = (Index("ix_invoice_lines_invoice_id_position", "invoice_id", "position"),)  # an invoice's lines in order
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(Money, default=Decimal(1))
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    discount_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal(0))
    discount_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    charge_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal(0))
    charge_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    charge_taxed: Mapped[bool] = mapped_column(Boolean, default=True)  # False: an untaxed line charge (host.money)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    service: Mapped[Service | None] = relationship()
    taxes: Mapped[list[Tax]] = relationship(secondary=line_taxes)


class InvoiceAdjustment(db.Model):
    """An invoice-level allowance (discount) or charge: a percent of the subtotal or an amount, with its reason."""

    __tablename__ = "invoice_adjustments"
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10))  # allowance, charge
    percent: Mapped[Decimal | None] = mapped_column(Percent)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(String(200))
    taxed: Mapped[bool] = mapped_column(Boolean, default=True)

    invoice: Mapped[Invoice] = relationship(back_populates="adjustments")


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


class ApiToken(db.Model):
    """A personal API token (``Authorization: Bearer …``). Only the SHA-256 of
    the token is stored; the token itself is shown once, when it is made.
    A token acts as its user, with the user's role."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to recognise a token in the list
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class IdempotentRequest(db.Model):
    """A POST made with an ``Idempotency-Key``: inserted (status ``running``)
    before the work starts, so the unique constraint lets only one request per
    key and token run; its response is kept for replays."""

    __tablename__ = "api_idempotent_requests"
    __table_args__ = (UniqueConstraint("token_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status: Mapped[str] = mapped_column(String(10), default="running")  # running, done
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
from host.models_payments import BankAccount, PaymentReport  # noqa: E402,F401  (registers their tables)
