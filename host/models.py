"""The ERP's tables. Schema changes go through migrations (host/migrations)."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from host.extensions import db
from host.integration_models import (  # the provider tables, re-exported: one import registers every table
    JOB_KINDS,
    JOB_STATUSES,
    OPEN_JOB_STATUSES,
    BulkRun,
    IntegrationEvent,
    Job,
    KeyCanary,
    ProviderSecret,
    ProviderSetting,
    RemoteLink,
    WebhookEvent,
)
from host.model_types import Money, Percent, utcnow
from host.token_models import ApiToken, IdempotentRequest  # the API tables, re-exported too
from host.models_payments import BankAccount, PaymentReport  # and the payment tables

ROLES = ("admin", "user")
INVOICE_STATUSES = ("draft", "issued", "paid", "cancelled")
ROUNDING_METHODS = ("half_up", "bankers", "truncate")
ADJUSTMENT_KINDS = ("allowance", "charge")
TAX_CATEGORIES = ("S", "AA", "E", "Z", "AE", "K", "G", "O", "L", "M")



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
    number_format: Mapped[str] = mapped_column(String(60), default="INV-{year}-{seq:04}",
                                               server_default="INV-{year}-{seq:04}")

    @classmethod
    def get(cls) -> "Company":
        company = db.session.get(cls, 1)
        if company is None:
            company = cls(id=1)
            db.session.add(company)
            db.session.flush()
        return company


class InvoiceSequence(db.Model):
    """The last number taken per period of the company's number format (see host.numbering)."""

    __tablename__ = "invoice_sequences"
    period: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


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
    currency: Mapped[str] = mapped_column(String(3), default="", server_default="")  # "": the company's


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


__all__ = [
    "ApiToken", "BankAccount", "IdempotentRequest", "PaymentReport", "WebhookEvent",
    "ADJUSTMENT_KINDS", "INVOICE_STATUSES", "JOB_KINDS", "JOB_STATUSES", "OPEN_JOB_STATUSES", "ROLES",
    "ROUNDING_METHODS", "TAX_CATEGORIES", "BulkRun", "Client", "Company", "IntegrationEvent", "Invoice",
    "InvoiceAdjustment", "InvoiceLine", "Job", "KeyCanary", "PaymentTerm", "ProviderSecret", "ProviderSetting",
    "RemoteLink", "Service", "Tax", "User", "utcnow",
]
