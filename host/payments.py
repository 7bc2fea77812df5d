"""The payment state of an invoice: unpaid, partially paid or paid.

Two sources set it: a user on the invoice page (:func:`record_by_user`), and
a provider's report carried on a :class:`host.RemoteInvoice`
(``amount_paid``, ``paid_on``, ``reported_at``) whenever the host stores a
remote state (create, link, refresh, scheduled sync, webhook):
:func:`apply_provider_report`. Every change is kept as a ``PaymentReport``
row, and a provider's report also goes into the integration history. A
report older than the one stored (by ``as_of``) never overwrites it.

When an issued invoice becomes paid its status becomes "paid" too, and back
to "issued" when a newer report says it is no longer fully paid.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from host.api import RemoteInvoice
from host.extensions import db
from host.integrations import history
from host.invoice_data import totals_for
from host.jobs.recovery import aware
from host.models import Invoice
from host.models_payments import PaymentReport

PAYMENT_STATES = ("unpaid", "partial", "paid")
PAYMENT_LABELS = {"unpaid": "Unpaid", "partial": "Partially paid", "paid": "Paid"}
USER = "user"


def state_for(amount_paid: Decimal, total: Decimal) -> str:
    """``paid`` once the whole total (in absolute value: credit notes are refunds) is paid."""
    paid, due = abs(amount_paid), abs(total)
    if paid <= 0:
        return "unpaid"
    return "paid" if paid >= due else "partial"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _apply(invoice: Invoice, source: str, amount_paid: Decimal, paid_on: date | None, as_of: datetime,
           username: str | None) -> PaymentReport:
    total = totals_for(invoice).total
    state = state_for(amount_paid, total)
    invoice.payment_state = state
    invoice.amount_paid = amount_paid
    invoice.paid_on = paid_on if state != "unpaid" else None
    invoice.payment_source = source
    invoice.payment_as_of = as_of
    if state == "paid" and invoice.status == "issued":
        invoice.status = "paid"
    elif state != "paid" and invoice.status == "paid":
        invoice.status = "issued"
    report = PaymentReport(invoice_id=invoice.id, source=source, username=username, state=state,
                           amount_paid=amount_paid, paid_on=invoice.paid_on, as_of=as_of, applied=True)
    db.session.add(report)
    return report


def validate_user_entry(invoice: Invoice, amount_paid: Decimal | None, paid_on: date | None) -> list[str]:
    """What is wrong with a payment a user entered (nothing is changed)."""
    problems = []
    total = totals_for(invoice).total
    if invoice.status in ("draft", "cancelled"):
        problems.append(f"A {invoice.status} invoice cannot be paid; issue it first.")
    if amount_paid is None:
        problems.append("Give the amount paid (0 marks the invoice unpaid).")
    elif amount_paid < 0 or amount_paid > abs(total):
        problems.append(f"The amount paid must be between 0 and the invoice's total {abs(total)}.")
    if amount_paid and paid_on is None:
        problems.append("Give the date of the payment.")
    if paid_on and paid_on < invoice.issue_date:
        problems.append("The payment date cannot be before the issue date.")
    return problems


def record_by_user(invoice: Invoice, amount_paid: Decimal, paid_on: date | None, username: str) -> PaymentReport:
    """A user's entry: always the newest report. The caller validated it and commits."""
    return _apply(invoice, USER, amount_paid, paid_on, _now(), username)


def apply_provider_report(invoice: Invoice, provider: str, remote: RemoteInvoice, title: str | None = None) -> bool:
    """Take the payment information ``remote`` carries, if any and if not older
    than what is stored. Returns True when the invoice's payment state changed.
    The caller commits."""
    if remote.amount_paid is None:
        return False
    as_of = aware(remote.reported_at) or _now()
    stored = aware(invoice.payment_as_of)
    name = title or provider
    amount = Decimal(remote.amount_paid)
    if stored is not None and as_of < stored:
        db.session.add(PaymentReport(invoice_id=invoice.id, source=provider, state=state_for(amount, totals_for(invoice).total),
                                     amount_paid=amount, paid_on=remote.paid_on, as_of=as_of, applied=False))
        history.record(provider, "payment", "ok", f"Ignored an older payment report from {name} "
                       f"(as of {as_of:%Y-%m-%d %H:%M:%S} UTC; the stored one is newer).", invoice_id=invoice.id)
        return False
    same = Decimal(invoice.amount_paid or 0) == amount and (amount == 0 or invoice.paid_on == remote.paid_on)
    if same and (invoice.payment_source == provider or (amount == 0 and invoice.payment_source is None)):
        invoice.payment_as_of = as_of if stored is None or as_of > stored else stored
        return False
    report = _apply(invoice, provider, amount, remote.paid_on, as_of, None)
    when = f" on {report.paid_on}" if report.paid_on else ""
    history.record(provider, "payment", "ok", f"{name} reports {PAYMENT_LABELS[report.state].lower()}: "
                   f"{amount} {invoice.currency} paid{when}.", invoice_id=invoice.id)
    return True


def reports_for(invoice: Invoice) -> list[PaymentReport]:
    return db.session.execute(
        db.select(PaymentReport).filter_by(invoice_id=invoice.id).order_by(PaymentReport.id.desc()).limit(20)
    ).scalars().all()
