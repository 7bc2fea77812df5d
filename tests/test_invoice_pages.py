"""The invoice list with its filters, the invoice form and the invoice page."""
import re
from datetime import date
from decimal import Decimal

import pytest

from host.extensions import db
from host.models import Client, Invoice, PaymentTerm, Service, Tax


@pytest.fixture
def records(app):
    """Two clients, a service, two taxes and a 30-day term; returns their ids."""
    with app.app_context():
        rows = {
            "acme": Client(code="ACME", name="Acme Ltd"),
            "zeta": Client(code="ZETA", name="Zeta Corp"),
            "design": Service(name="Design", unit_price=Decimal("75.00")),
            "vat": Tax(name="VAT 21%", percent=Decimal("21"), category="S"),
            "irpf": Tax(name="IRPF -15%", percent=Decimal("-15"), category="S"),
            "net30": PaymentTerm(name="Net 30", days=30),
        }
        db.session.add_all(rows.values())
        db.session.commit()
        return {key: str(row.id) for key, row in rows.items()}


def invoice_form(records, **fields):
    """A submitted invoice form: one line 3 x 19.99 less 15 % with VAT, then a blank row."""
    data = {
        "number": "F-001", "client": records["acme"], "issue_date": "2025-03-01", "due_date": "",
        "currency": "", "status": "draft", "payment_term": "0", "notes": "",
        "lines-0-service": "0", "lines-0-description": "Brochure", "lines-0-quantity": "3",
        "lines-0-unit_price": "19.99", "lines-0-discount_percent": "15", "lines-0-taxes": [records["vat"]],
        "lines-1-service": "0", "lines-1-description": "", "lines-1-quantity": "",
        "lines-1-unit_price": "", "lines-1-discount_percent": "",
    }
    data.update(fields)
    return data


def saved(app, number="F-001"):
    with app.app_context():
        invoice = db.session.execute(db.select(Invoice).filter_by(number=number)).scalar_one()
        return {
            "id": invoice.id, "client": invoice.client.code, "issue_date": invoice.issue_date,
            "due_date": invoice.due_date, "currency": invoice.currency, "status": invoice.status,
            "adjustments": [(a.kind, a.percent, a.amount, a.reason, a.taxed) for a in invoice.adjustments],
            "taxes": [t.name for t in invoice.taxes],
            "lines": [(l.description, l.quantity, l.unit_price, l.discount_percent, [t.name for t in l.taxes],
                       l.service.name if l.service else None) for l in invoice.lines],
        }


def test_create_invoice_ignores_blank_rows_and_defaults_currency_and_due_date(app, client, login, records):
    login("user")
    response = client.post("/invoices/new", data=invoice_form(records))
    invoice = saved(app)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/invoices/{invoice['id']}")
    assert invoice["currency"] == "EUR"  # the company's home currency
    assert invoice["due_date"] == date(2025, 3, 1)  # no payment term: due on the issue date
    assert invoice["lines"] == [("Brochure", Decimal("3"), Decimal("19.99"), Decimal("15"), ["VAT 21%"], None)]


def test_due_date_comes_from_the_payment_term_when_empty(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(records, payment_term=records["net30"]))
    assert saved(app)["due_date"] == date(2025, 3, 31)  # 1 March + 30 days


def test_a_given_due_date_wins_over_the_payment_term(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(records, payment_term=records["net30"], due_date="2025-03-10"))
    assert saved(app)["due_date"] == date(2025, 3, 10)


def test_new_form_offers_defaults_and_blank_rows(client, login, records):
    login("user")
    page = client.get("/invoices/new").text
    assert f'value="{date.today().isoformat()}"' in page
    assert re.search(r'<input[^>]*name="currency"[^>]*value="EUR"', page)
    assert page.count('class="line-service"') == 4  # min 1 + 3 blank rows
    assert re.findall(r'<script[^>]*>', page) == [  # no CDN, no framework, no inline script
        '<script src="/static/live.js" defer>', '<script src="/static/invoice-form.js">']


def test_service_fills_an_empty_description_and_price(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(
        records, **{"lines-0-service": records["design"], "lines-0-description": "", "lines-0-unit_price": "",
                    "lines-0-quantity": "", "lines-0-discount_percent": ""}))
    assert saved(app)["lines"] == [("Design", Decimal("1"), Decimal("75"), Decimal("0"), ["VAT 21%"], "Design")]


def test_invoice_page_shows_totals_from_the_settings(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(records))
    page = client.get(f"/invoices/{saved(app)['id']}").text
    # 3 x 19.99 = 59.97 less 15 % = 50.9745 -> net 50.97; VAT 50.97 x 21 % = 10.7037 -> 10.70
    # total 50.97 + 10.70 = 61.67
    assert "Brochure" in page and "Acme Ltd" in page
    assert '<td class="num">50.97</td>' in page
    assert '<td class="num">10.70</td>' in page
    assert "61.67 EUR" in page
    assert 'id="integrations"' in page or "Integration" in page  # the integration panels follow


def test_invoice_page_with_invoice_level_taxes_and_discount(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(
        records, taxes=[records["vat"], records["irpf"]],
        **{"lines-0-taxes": [], "lines-0-discount_percent": "", "lines-0-quantity": "1", "lines-0-unit_price": "1000",
           "adjustments-0-kind": "allowance", "adjustments-0-percent": "10", "adjustments-0-reason": "Loyalty"}))
    invoice = saved(app)
    assert invoice["adjustments"] == [("allowance", Decimal("10"), None, "Loyalty", True)]
    page = client.get(f"/invoices/{invoice['id']}").text
    # the line has no taxes: it takes the invoice's. 1000.00 less 10 % = 900.00 taxable;
    # VAT 21 % = 189.00; IRPF -15 % = -135.00; total 1000.00 - 100.00 + 189.00 - 135.00 = 954.00
    assert "Discount: Loyalty (10 %)" in page and "−100.00 EUR" in page
    assert "900.00 EUR" in page  # total without taxes
    assert "189.00" in page and "-135.00" in page
    assert "954.00 EUR" in page


def test_charges_with_reasons_and_line_amounts_are_saved_and_shown(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(records, **{
        "lines-0-discount_percent": "", "lines-0-quantity": "2", "lines-0-unit_price": "50",
        "lines-0-discount_amount": "7.50", "lines-0-charge_percent": "3",
        "adjustments-0-kind": "charge", "adjustments-0-amount": "10", "adjustments-0-reason": "Shipping",
        "adjustments-0-taxed": "y",
        "adjustments-1-kind": "charge", "adjustments-1-amount": "5", "adjustments-1-reason": "Deposit"}))
    invoice = saved(app)
    assert invoice["adjustments"] == [("charge", None, Decimal("10"), "Shipping", True),
                                      ("charge", None, Decimal("5"), "Deposit", False)]
    page = client.get(f"/invoices/{invoice['id']}").text
    # 2 x 50 = 100.00 - 7.50 + 3 % (3.00) = 95.50; base 95.50 + 10.00 = 105.50; VAT 22.155 -> 22.16
    # tax-exclusive 95.50 + 10 + 5 = 110.50; total 132.66
    assert "Charge: Shipping" in page and "Charge: Deposit" in page and "(not taxed)" in page
    assert "105.50" in page and "22.16" in page and "132.66 EUR" in page


def test_an_untaxed_line_charge_is_saved_shown_and_kept_on_edit(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(records, **{
        "lines-0-discount_percent": "", "lines-0-quantity": "2", "lines-0-unit_price": "50",
        "lines-0-charge_amount": "8", "lines-0-charge_untaxed": "y"}))
    invoice_id = saved(app)["id"]
    with app.app_context():
        assert [l.charge_taxed for l in db.session.get(Invoice, invoice_id).lines] == [False]
    page = client.get(f"/invoices/{invoice_id}").text
    # 2 x 50 = 100.00 net (the 8.00 charge is not in it); VAT 21.00; without taxes 108.00; total 129.00
    assert "(not taxed: 8.00)" in page and "Line charges" in page
    assert "108.00 EUR" in page and "21.00" in page and "129.00 EUR" in page
    form = client.get(f"/invoices/{invoice_id}/edit").text
    boxes = re.findall(r'<input [^>]*name="lines-\d+-charge_untaxed"[^>]*>', form)
    assert " checked " in boxes[0] and not any(" checked " in box for box in boxes[1:])


def test_negative_line_makes_a_credit_note(app, client, login, records):
    login("user")
    response = client.post("/invoices/new", data=invoice_form(records, **{
        "lines-0-quantity": "-1", "lines-0-discount_percent": "", "lines-0-unit_price": "100"}))
    assert response.status_code == 302
    page = client.get(f"/invoices/{saved(app)['id']}").text
    # -1 x 100.00 = -100.00; VAT -21.00; total -121.00
    assert "Credit note F-001" in page and "-121.00 EUR" in page


def test_edit_invoice_replaces_lines(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(records))
    invoice_id = saved(app)["id"]
    page = client.get(f"/invoices/{invoice_id}/edit").text
    assert 'value="F-001"' in page and "Brochure" in page and 'value="19.99"' in page
    assert page.count('class="line-service"') == 4  # the existing line + 3 blank rows
    response = client.post(f"/invoices/{invoice_id}/edit", data=invoice_form(
        records, status="issued", **{"lines-0-quantity": "2",
                                     "lines-1-description": "Rush fee", "lines-1-unit_price": "10"}))
    assert response.status_code == 302
    invoice = saved(app)
    assert invoice["status"] == "issued"
    assert invoice["lines"] == [
        ("Brochure", Decimal("2"), Decimal("19.99"), Decimal("15"), ["VAT 21%"], None),
        ("Rush fee", Decimal("1"), Decimal("10"), Decimal("0"), [], None),
    ]


def test_duplicate_number_is_refused_with_the_input_kept(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(records))
    response = client.post("/invoices/new", data=invoice_form(records, notes="second try"))
    assert response.status_code == 400
    assert "Another invoice already uses this number." in response.text
    assert "second try" in response.text and "Brochure" in response.text
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Invoice.id))).scalar() == 1


def test_editing_keeps_its_own_number(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(records))
    invoice_id = saved(app)["id"]
    assert client.post(f"/invoices/{invoice_id}/edit", data=invoice_form(records)).status_code == 302


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"client": "0"}, "Choose a client."),
        ({"number": ""}, "This field is required."),
        ({"issue_date": "yesterday"}, "Not a valid date value."),
        ({"due_date": "2025-02-01"}, "The due date cannot be before the issue date."),
        ({"currency": "euro"}, "Use the 3-letter ISO code, e.g. EUR."),
        ({"adjustments-0-percent": "120", "adjustments-0-reason": "x"}, "The percent must be between 0 and 100 %."),
        ({"adjustments-0-percent": "5"}, "Give a reason"),
        ({"adjustments-0-percent": "5", "adjustments-0-amount": "1", "adjustments-0-reason": "x"},
         "Give either a percent or an amount."),
        ({"lines-0-charge_percent": "101"}, "The charge must be between 0 and 100 %."),
        ({"lines-0-quantity": "two"}, "Not a valid decimal value."),
        ({"lines-0-quantity": "0"}, "The quantity cannot be 0."),
        ({"lines-0-unit_price": "1.00001"}, "Use at most 4 decimal places."),
        ({"lines-0-description": ""}, "Give a description or choose a service."),
        ({"lines-0-taxes": ["9999"]}, "is not a valid choice for this field."),
        ({"issue_date": ""}, "Give the issue date."),
    ],
)
def test_invoice_validation(app, client, login, records, fields, message):
    login("user")
    response = client.post("/invoices/new", data=invoice_form(records, notes="keep me", **fields))
    assert response.status_code == 400
    assert message in response.text
    assert "keep me" in response.text
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Invoice.id))).scalar() == 0


def test_invoice_list_and_filters(app, client, login, records):
    login("user")
    client.post("/invoices/new", data=invoice_form(records, number="F-001", issue_date="2025-01-15"))
    client.post("/invoices/new", data=invoice_form(records, number="F-002", client=records["zeta"],
                                                   issue_date="2025-02-15", status="paid"))
    client.post("/invoices/new", data=invoice_form(records, number="F-003", issue_date="2025-03-15",
                                                   status="issued"))

    def listed(query=""):
        page = client.get("/invoices" + query).text
        return [n for n in ("F-001", "F-002", "F-003") if f">{n}</a>" in page]

    assert listed() == ["F-001", "F-002", "F-003"]
    assert "61.67 EUR" in client.get("/").text  # each row shows its total
    assert listed(f"?client={records['zeta']}") == ["F-002"]
    assert listed("?status=issued") == ["F-003"]
    assert listed("?date_from=2025-02-01") == ["F-002", "F-003"]
    assert listed("?date_to=2025-02-15") == ["F-001", "F-002"]
    assert listed(f"?client={records['acme']}&date_from=2025-01-01&date_to=2025-01-31") == ["F-001"]
    assert listed("?status=paid&client=" + records["acme"]) == []
    page = client.get("/invoices?date_from=not-a-date").text
    assert "Ignored the filter" in page and ">F-001</a>" in page


def test_unknown_invoice_is_404(client, login):
    login("user")
    assert client.get("/invoices/999").status_code == 404
    assert client.get("/invoices/999/edit").status_code == 404


def test_invoice_pages_need_login(client):
    for url in ("/", "/invoices", "/invoices/new", "/invoices/1", "/invoices/1/edit"):
        assert "/login" in client.get(url).headers["Location"]


def test_demo_invoice_page(app, client, login, demo):
    login("user")
    with app.app_context():
        invoice = db.session.execute(db.select(Invoice).filter_by(number="INV-2026-0001")).scalar_one()
        invoice_id = invoice.id
    page = client.get(f"/invoices/{invoice_id}").text
    # 12480 x 0.12 = 1497.60 and 12480 x 0.05 = 624.00; subtotal 2121.60
    # VAT 19 % on 2121.60 = 403.104 -> 403.10; total 2524.70
    assert "1,497.60" in page and "624.00" in page
    assert "403.10" in page
    assert "2,524.70 EUR" in page


def test_the_invoice_list_pages_fifty_at_a_time_keeping_filters(app, client, login, demo):
    from datetime import date, timedelta

    from host.extensions import db
    from host.models import Client, Invoice

    with app.app_context():
        acme = db.session.execute(db.select(Client).filter_by(code="ACME-DE")).scalar_one()
        for n in range(60):
            db.session.add(Invoice(number=f"BULK-{n:03d}", client=acme, currency="EUR", status="draft",
                                   issue_date=date(2026, 1, 1) + timedelta(days=n), due_date=date(2026, 3, 1)))
        db.session.commit()
    login("user")
    first = client.get("/invoices?status=draft").get_data(as_text=True)
    assert first.count("BULK-") == 50 and "1–50 of 60" in first and "BULK-059" in first
    assert "page=2" in first and "status=draft" in first.split("Older")[0].rsplit("href=", 1)[1]
    second = client.get("/invoices?status=draft&page=2").get_data(as_text=True)
    assert second.count("BULK-") == 10 and "51–60 of 60" in second and "BULK-000" in second
