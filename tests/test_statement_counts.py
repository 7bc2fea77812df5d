"""The invoice page and list run as many SQL statements for large invoices and
lists as for small ones (no statement per line, per invoice or per provider)."""
from datetime import date
from decimal import Decimal

import pytest

from host.extensions import db
from host.models import Client, Invoice, InvoiceLine, ProviderSetting, RemoteLink, Service, Tax
from host.testing.statements import count_statements


def _add_invoice(number: str, lines: int) -> int:
    client = db.session.execute(db.select(Client).filter_by(code="ACME-DE")).scalar_one()
    service = db.session.execute(db.select(Service).filter_by(name="Translation")).scalar_one()
    taxes = db.session.execute(db.select(Tax).order_by(Tax.id).limit(2)).scalars().all()
    invoice = Invoice(number=number, client=client, currency="EUR", status="issued", issue_date=date(2026, 1, 1),
                      due_date=date(2026, 2, 1), taxes=taxes)
    invoice.lines = [InvoiceLine(position=i, service=service, description=f"{number} line {i}", quantity=Decimal(i + 1),
                                 unit_price=Decimal("9.99"), taxes=taxes) for i in range(lines)]
    db.session.add(invoice)
    db.session.flush()
    db.session.add(RemoteLink(invoice_id=invoice.id, provider="reference", status="linked", attempt_id=f"a-{number}",
                              remote_id=f"R-{number}", remote_total=Decimal(1)))
    db.session.commit()
    return invoice.id


def _statements(app, client, path: str, expected: str) -> int:
    with app.app_context():
        engine = db.engine
    with count_statements(engine) as statements:
        response = client.get(path)
    assert response.status_code == 200 and expected in response.get_data(as_text=True)
    return len(statements)


@pytest.fixture
def user(app, demo, login):
    with app.app_context():
        db.session.add_all([ProviderSetting(provider=key, enabled=True) for key in ("reference", "second")])
        db.session.commit()
    return login("user")


def test_the_invoice_page_runs_as_many_statements_at_100_lines_as_at_3(app, user):
    with app.app_context():
        small, large = _add_invoice("LINES-3", 3), _add_invoice("LINES-100", 100)
    at_3 = _statements(app, user, f"/invoices/{small}", "LINES-3 line 2")
    at_100 = _statements(app, user, f"/invoices/{large}", "LINES-100 line 99")
    assert at_100 == at_3


def test_the_invoice_list_runs_as_many_statements_for_50_invoices_as_for_5(app, user):
    with app.app_context():
        _add_invoice("LIST-00", 2)  # the demo has 4
    at_5 = _statements(app, user, "/invoices", "LIST-00")
    with app.app_context():
        for n in range(1, 46):
            _add_invoice(f"LIST-{n:02d}", 2)
    at_50 = _statements(app, user, "/invoices", "LIST-45")
    assert at_50 == at_5
