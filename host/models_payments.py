"""Tables for money coming back: payment reports (the payment history) and company bank accounts."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from host.extensions import db
from host.model_types import Money, utcnow


class PaymentReport(db.Model):
    """One payment state an invoice was given: by a user or reported by a provider.

    ``as_of`` is when the source's data was current (the provider's own
    change time, or the moment a user entered it); ``applied`` is False for a
    report older than the one already stored, kept only as history."""

    __tablename__ = "payment_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(60))  # "user" or a provider key
    username: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(10))
    amount_paid: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date | None] = mapped_column(Date)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    applied: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BankAccount(db.Model):
    """A company bank account invoices ask to be paid into (EN 16931 BT-84/BT-86)."""

    __tablename__ = "bank_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    iban: Mapped[str] = mapped_column(String(34), unique=True)  # compact form, no spaces
    bic: Mapped[str] = mapped_column(String(11), default="")
    holder: Mapped[str] = mapped_column(String(200), default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
