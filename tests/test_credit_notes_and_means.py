"""Credit notes ("Credit this invoice") and payment means (bank accounts, UNCL 4461 codes)."""
import html

import pytest

from host.extensions import db
from host.invoice_data import invoice_data, totals_for
from host.models import Company, Invoice, PaymentTerm, RemoteLink
from host.models_payments import BankAccount

ACME = 1


@pytest.fixture
def user(client, login, demo):
    login("user")
    return client


def text(response):
    return html.unescape(response.get_data(as_text=True))


def credit(client, invoice_id=ACME, **data):
    form = {"number": "CN-1", "reason": "Returned goods", "scope": "all", **data}
    return client.post(f"/invoices/{invoice_id}/credit", data=form, follow_redirects=True)


def by_number(app, number):
    with app.app_context():
        row = db.session.execute(db.select(Invoice).filter_by(number=number)).scalar_one()
        return row.id, totals_for(row), invoice_data(row)


def test_a_whole_credit_note_mirrors_the_invoice_with_negative_totals(app, user):
    form = text(user.get(f"/invoices/{ACME}/credit"))
    assert "INV-2026-0001-CN1" in form  # the suggested number
    page = text(credit(user))
    assert "Credit note CN-1 created for invoice INV-2026-0001." in page
    assert "Credit note for invoice" in page and "Returned goods" in page
    note_id, note, data = by_number(app, "CN-1")
    with app.app_context():
        original = totals_for(db.session.get(Invoice, ACME))
    assert note.total == -original.total and note.subtotal == -original.subtotal
    assert [t.amount for t in note.tax_totals] == [-t.amount for t in original.tax_totals]
    assert data.is_credit_note and data.credited.number == "INV-2026-0001" and data.credited.reason == "Returned goods"
    original_page = text(user.get(f"/invoices/{ACME}"))
    assert f'href="/invoices/{note_id}"' in original_page and "CN-1" in original_page


def test_a_part_credit_takes_only_the_chosen_lines(app, user):
    with app.app_context():
        lines = db.session.get(Invoice, ACME).lines
        assert len(lines) >= 2
        first_id, first_net = lines[0].id, totals_for(db.session.get(Invoice, ACME)).line_nets[0]
    credit(user, scope="lines", line=[str(first_id)])
    _, note, _ = by_number(app, "CN-1")
    assert note.line_nets == (-first_net,)


def test_crediting_needs_lines_a_reason_a_free_number_and_an_issued_invoice(app, user):
    assert "Choose the lines to credit" in text(credit(user, scope="lines"))
    assert "Give the reason for the credit note." in text(credit(user, reason=""))
    assert "Another invoice already uses this number." in text(credit(user, number="INV-2026-0002"))
    with app.app_context():
        db.session.get(Invoice, ACME).status = "draft"
        db.session.commit()
    assert "Only an issued invoice can be credited" in text(credit(user))
    with app.app_context():
        assert db.session.execute(db.select(Invoice).filter(Invoice.credited_invoice_id.isnot(None))).first() is None


def test_a_credit_note_cannot_be_credited_and_carries_the_originals_remote_ids(app, user):
    with app.app_context():
        db.session.add(RemoteLink(invoice_id=ACME, provider="reference", status="linked", attempt_id="a",
                                  remote_id="1001", remote_number="R-1"))
        db.session.commit()
    credit(user)
    note_id, _, data = by_number(app, "CN-1")
    assert data.credited.remote_id("reference") == "1001" and data.credited.remote_number("reference") == "R-1"
    assert data.credited.remote_id("second") is None
    assert "credit the original invoice instead" in text(credit(user, invoice_id=note_id, number="CN-2"))


@pytest.mark.parametrize("iban, message", [
    ("ES92 2100 0418 4502 0005 1332", "check digits are wrong"),
    ("ES91 2100 0418 4502 0005 133", "wrong length"),
    ("QQ91 2100 0418 4502 0005 1332", "known country code"),
])
def test_a_bad_iban_is_refused_with_a_clear_reason(app, client, login, iban, message):
    login("admin")
    response = client.post("/settings/bank-accounts/new", data={"name": "Main", "iban": iban})
    assert response.status_code == 400 and message in text(response)
    with app.app_context():
        assert db.session.execute(db.select(BankAccount)).first() is None


def test_payment_means_reach_the_plugin_with_the_account_or_the_mandate(app, client, login, demo):
    login("admin")
    assert "not a valid BIC" in text(client.post("/settings/bank-accounts/new",
                                                 data={"name": "Main", "iban": "ES9121000418450200051332", "bic": "XX"}))
    client.post("/settings/bank-accounts/new", data={"name": "Main", "iban": "es91 2100 0418 4502 0005 1332",
                                                     "bic": "caixesbbxxx", "is_default": "y"})
    accounts = text(client.get("/settings/bank-accounts"))
    assert "ES91 2100 0418 4502 0005 1332" in accounts
    with app.app_context():
        invoice = db.session.get(Invoice, ACME)
        term = invoice.payment_term or PaymentTerm(name="Net 30 transfer", days=30)
        term.payment_means = "58"
        invoice.payment_term = term
        db.session.commit()
        means = invoice_data(invoice).payment_means
        company_name = Company.get().name
    assert (means.code, means.account.iban, means.account.bic, means.account.holder) == (
        "58", "ES9121000418450200051332", "CAIXESBBXXX", company_name)
    client.post(f"/invoices/{ACME}/payment-means", data={"payment_means": "59", "bank_account": "0",
                                                          "mandate_reference": ""})
    assert "give the mandate reference" in text(client.get(f"/invoices/{ACME}"))
    client.post(f"/invoices/{ACME}/payment-means", data={"payment_means": "59", "bank_account": "0",
                                                          "mandate_reference": "MANDATE-7"})
    with app.app_context():
        means = invoice_data(db.session.get(Invoice, ACME)).payment_means
    assert (means.code, means.mandate_reference, means.account) == ("59", "MANDATE-7", None)
