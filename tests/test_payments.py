"""Payment state: entered by users, reported by providers, shown and filtered."""
import html
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from host.api import RemoteInvoice
from host.extensions import db
from host.invoice_data import totals_for
from host.invoice_filters import InvoiceFilters
from host.models import IntegrationEvent, Invoice
from host.models_payments import PaymentReport
from host.payments import apply_provider_report, state_for
from host.testing.jobs import run_due_jobs
from host.testing.reference_provider import GOOD_KEY

ACME = 1


@pytest.fixture
def user(client, login, demo):
    login("user")
    return client


def invoice(app, invoice_id=ACME):
    with app.app_context():
        row = db.session.get(Invoice, invoice_id)
        db.session.expunge(row)
        return row


def total(app, invoice_id=ACME):
    with app.app_context():
        return totals_for(db.session.get(Invoice, invoice_id)).total


def pay(client, amount, paid_on="2026-12-01", invoice_id=ACME):
    response = client.post(f"/invoices/{invoice_id}/payment", data={"amount_paid": amount, "paid_on": paid_on},
                           follow_redirects=True)
    return html.unescape(response.get_data(as_text=True))


def test_state_follows_the_amount_paid():
    assert state_for(Decimal(0), Decimal(100)) == "unpaid"
    assert state_for(Decimal("99.99"), Decimal(100)) == "partial"
    assert state_for(Decimal(100), Decimal(100)) == "paid"
    assert state_for(Decimal(50), Decimal(-50)) == "paid"  # a credit note refunded


def test_a_user_records_a_part_then_the_rest(app, user):
    whole = total(app)
    page = pay(user, "10")
    assert "is now partially paid" in page and "Partially paid" in page
    row = invoice(app)
    assert (row.payment_state, row.amount_paid, row.paid_on, row.payment_source) == ("partial", 10, date(2026, 12, 1), "user")
    assert row.status == "issued"
    page = pay(user, str(whole), "2026-12-03")
    row = invoice(app)
    assert (row.payment_state, row.status, row.paid_on) == ("paid", "paid", date(2026, 12, 3))
    assert "Payment history" in page
    pay(user, "0", "")
    row = invoice(app)
    assert (row.payment_state, row.status, row.paid_on) == ("unpaid", "issued", None)


@pytest.mark.parametrize("amount, paid_on, message", [
    ("-1", "2026-12-01", "The amount must be 0 or more."),
    ("99999999", "2026-12-01", "must be between 0 and the invoice's total"),
    ("10", "", "Give the date of the payment."),
    ("10", "1999-01-01", "cannot be before the issue date"),
    ("abc", "2026-12-01", "Not a valid decimal value"),
])
def test_bad_payment_input_is_explained_and_changes_nothing(app, user, amount, paid_on, message):
    page = pay(user, amount, paid_on)
    assert message in page
    row = invoice(app)
    assert (row.payment_state, row.amount_paid) == ("unpaid", 0)
    with app.app_context():
        assert db.session.execute(db.select(PaymentReport)).first() is None


def test_a_draft_cannot_be_paid(app, user):
    with app.app_context():
        db.session.get(Invoice, ACME).status = "draft"
        db.session.commit()
    assert "A draft invoice cannot be paid" in pay(user, "1")
    assert invoice(app).payment_state == "unpaid"


def test_a_provider_report_is_applied_recorded_and_an_older_one_ignored(app, demo):
    now = datetime(2026, 12, 5, 10, tzinfo=timezone.utc)
    with app.app_context():
        row = db.session.get(Invoice, ACME)
        whole = totals_for(row).total
        report = RemoteInvoice(remote_id="1", amount_paid=whole, paid_on=date(2026, 12, 4), reported_at=now)
        assert apply_provider_report(row, "reference", report, "Reference")
        older = replace(report, amount_paid=Decimal(5), reported_at=now - timedelta(minutes=1))
        assert not apply_provider_report(row, "reference", older, "Reference")
        assert not apply_provider_report(row, "reference", report, "Reference")  # the same again: no new row
        db.session.commit()
        assert (row.payment_state, row.payment_source, row.status) == ("paid", "reference", "paid")
        reports = db.session.execute(db.select(PaymentReport).order_by(PaymentReport.id)).scalars().all()
        assert [(r.amount_paid, r.applied) for r in reports] == [(whole, True), (5, False)]
        messages = [e.message for e in db.session.execute(db.select(IntegrationEvent).filter_by(action="payment"))
                    .scalars()]
        assert messages[0].startswith("Reference reports paid:") and "Ignored an older payment report" in messages[1]


def test_a_refresh_carrying_a_payment_marks_the_invoice_paid(app, client, login, demo, reference):
    login("admin")
    client.post("/settings/integrations/reference", data={"api_key": GOOD_KEY, "account": "A"})
    client.post("/settings/integrations/reference/enable")
    client.post(f"/invoices/{ACME}/integrations/reference/create")
    run_due_jobs(app)
    [remote_id] = reference.invoices
    reference.invoices[remote_id] = replace(reference.invoices[remote_id], amount_paid=Decimal(20),
                                            paid_on=date(2026, 12, 2))
    client.post(f"/invoices/{ACME}/integrations/reference/refresh")
    run_due_jobs(app)
    row = invoice(app)
    assert (row.payment_state, row.amount_paid, row.payment_source) == ("partial", 20, "reference")
    page = html.unescape(client.get(f"/invoices/{ACME}").get_data(as_text=True))
    assert "reported by Reference" in page


def test_unpaid_and_overdue_filters(app, user):
    pay(user, "0", "")
    with app.app_context():
        rows = db.session.execute(db.select(Invoice).order_by(Invoice.id)).scalars().all()
        due = rows[0].due_date
        ids = lambda f: [i.id for i in db.session.execute(f.query()).scalars()]  # noqa: E731
        assert ACME in ids(InvoiceFilters(payment="unpaid"))
        assert ACME in ids(InvoiceFilters(payment="overdue", today=due + timedelta(days=1)))
        assert ACME not in ids(InvoiceFilters(payment="overdue", today=due))
        rows[0].payment_state = "paid"
        db.session.commit()
        assert ACME not in ids(InvoiceFilters(payment="unpaid"))
        assert ACME in ids(InvoiceFilters(payment="paid"))
    listing = html.unescape(user.get("/invoices?payment=paid").get_data(as_text=True))
    assert "Not fully paid" in listing and "Paid" in listing
