"""Settings → Company: admins only, and its calculation settings change the invoice totals."""
from datetime import date
from decimal import Decimal

import pytest

from host.extensions import db
from host.models import Client, Company, Invoice, InvoiceLine, Tax

SETTINGS = dict(name="Lingua SL", address="Carrer 1", tax_id="ESB1", country="es", currency="eur",
                rounding_method="half_up")


def company(app):
    with app.app_context():
        row = Company.get()
        return (row.name, row.country, row.currency, row.rounding_method, row.round_before_sum,
                row.apply_taxes_per_line)


def test_page_explains_each_calculation_setting(client, login):
    login("admin")
    page = client.get("/settings/company").text
    assert "Half up" in page and "Banker&#39;s rounding" in page and "Truncate" in page
    assert "each line&#39;s tax is rounded, then the line taxes are added up" in page
    assert "computed and rounded per line before summing" in page
    assert "a line without taxes takes the invoice&#39;s" in page


def test_admin_saves_the_settings(app, client, login):
    login("admin")
    response = client.post("/settings/company", data={**SETTINGS, "rounding_method": "bankers",
                                                      "round_before_sum": "y"})
    assert response.status_code == 302
    # unchecked boxes are off; codes are upper-cased
    assert company(app) == ("Lingua SL", "ES", "EUR", "bankers", True, False)
    page = client.get("/settings/company").text
    assert '<option selected value="bankers">' in page or 'value="bankers" selected' in page


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"currency": "euros"}, "Use the 3-letter ISO code, e.g. EUR."),
        ({"country": "ESP"}, "Use the 2-letter ISO code, e.g. ES."),
        ({"name": ""}, "This field is required."),
        ({"rounding_method": "ceiling"}, "Not a valid choice."),
    ],
)
def test_bad_settings_are_refused_with_a_message(app, client, login, fields, message):
    login("admin")
    before = company(app)
    response = client.post("/settings/company", data={**SETTINGS, **fields})
    assert response.status_code == 400
    assert message in response.text
    assert 'value="Lingua SL"' in response.text or fields.get("name") == ""
    assert company(app) == before


def test_users_may_not_change_company_settings(app, client, login):
    login("user")
    before = company(app)
    assert client.get("/settings/company").status_code == 403
    assert client.post("/settings/company", data=SETTINGS).status_code == 403
    assert company(app) == before


def test_anonymous_is_sent_to_login(client):
    assert "/login" in client.get("/settings/company").headers["Location"]


@pytest.fixture
def half_cent_invoice(app):
    """Three lines of 1.50 at 21 %: each line's tax is 0.315, the summed base's 0.945."""
    with app.app_context():
        vat = Tax(name="VAT 21%", percent=Decimal("21"), category="S")
        invoice = Invoice(number="F-1", client=Client(code="C", name="C"), currency="EUR",
                          issue_date=date(2025, 1, 1),
                          due_date=date(2025, 1, 1),
                          lines=[InvoiceLine(position=i, description=f"L{i}", quantity=Decimal(1),
                                             unit_price=Decimal("1.50"), taxes=[vat]) for i in range(3)])
        db.session.add(invoice)
        db.session.commit()
        return invoice.id


@pytest.mark.parametrize(
    "settings, total",
    [
        # off: 4.50 x 21 % = 0.945 -> half up 0.95; total 5.45
        ({"rounding_method": "half_up"}, "5.45"),
        # off: 0.945 -> truncated 0.94; total 5.44
        ({"rounding_method": "truncate"}, "5.44"),
        # on: each 0.315 -> 0.32, three of them 0.96; total 5.46
        ({"rounding_method": "half_up", "round_before_sum": "y"}, "5.46"),
        # on, banker's: each 0.315 -> 0.32 (2 is even), 0.96; total 5.46
        ({"rounding_method": "bankers", "round_before_sum": "y"}, "5.46"),
        # apply taxes per line: each line's 0.315 -> 0.32, summed 0.96; total 5.46 (like round before sum)
        ({"rounding_method": "half_up", "apply_taxes_per_line": "y"}, "5.46"),
    ],
)
def test_settings_change_the_invoice_total(app, client, login, half_cent_invoice, settings, total):
    login("admin")
    data = {**SETTINGS, **settings}
    assert client.post("/settings/company", data=data).status_code == 302
    page = client.get(f"/invoices/{half_cent_invoice}").text
    assert f'<strong>{total} EUR</strong>' in page
