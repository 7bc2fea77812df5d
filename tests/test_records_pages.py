"""Clients, services, taxes and payment terms: list, create, edit and the error messages."""
import re
from decimal import Decimal

import pytest

from host.extensions import db
from host.models import Client, PaymentTerm, Service, Tax
from host.testing.pytest_plugin import USER

CLIENT = dict(
    code="ACME", name="Acme Ltd", email="billing@acme.example", tax_id="ESB1234", tax_scheme="VAT",
    country="es", address="Main St 1", city="Girona", postal_code="17001",
)


def rows(app, model):
    with app.app_context():
        return db.session.execute(db.select(model)).scalars().all()


@pytest.mark.parametrize("who", ["user", "admin"])
def test_create_client_and_see_it_listed(app, client, login, who):
    login(who)
    response = client.post("/clients/new", data=CLIENT)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/clients")
    [saved] = rows(app, Client)
    assert (saved.code, saved.name, saved.email, saved.country, saved.city) == (
        "ACME", "Acme Ltd", "billing@acme.example", "ES", "Girona")
    listing = client.get("/clients").text
    assert "Acme Ltd" in listing and "billing@acme.example" in listing


def test_edit_client(app, client, login):
    login("user")
    client.post("/clients/new", data=CLIENT)
    [saved] = rows(app, Client)
    page = client.get(f"/clients/{saved.id}/edit").text
    assert 'value="Acme Ltd"' in page
    response = client.post(f"/clients/{saved.id}/edit", data={**CLIENT, "name": "Acme Limited"})
    assert response.status_code == 302
    [edited] = rows(app, Client)
    assert edited.name == "Acme Limited" and edited.code == "ACME"


def test_duplicate_client_code_is_a_field_message_and_keeps_the_input(app, client, login):
    login("user")
    client.post("/clients/new", data=CLIENT)
    response = client.post("/clients/new", data={**CLIENT, "name": "Another Acme", "city": "Vic"})
    assert response.status_code == 400
    assert "Another client already uses this code." in response.text
    assert 'value="Another Acme"' in response.text and 'value="Vic"' in response.text
    assert len(rows(app, Client)) == 1


def test_saving_a_client_under_its_own_code_is_not_a_duplicate(app, client, login):
    login("user")
    client.post("/clients/new", data=CLIENT)
    [saved] = rows(app, Client)
    assert client.post(f"/clients/{saved.id}/edit", data=CLIENT).status_code == 302


def test_client_bad_input_messages(app, client, login):
    login("user")
    response = client.post("/clients/new", data={**CLIENT, "code": "", "email": "not-an-email", "country": "Spain"})
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "Not a valid email address." in response.text
    assert "Use the 2-letter ISO code, e.g. ES." in response.text
    assert 'value="not-an-email"' in response.text
    assert rows(app, Client) == []


def test_service_price_is_a_decimal(app, client, login):
    login("user")
    assert client.post("/services/new", data={"name": "Translation", "unit_price": "0.1234"}).status_code == 302
    [service] = rows(app, Service)
    assert service.unit_price == Decimal("0.1234")
    assert "0.1234" in client.get("/services").text


@pytest.mark.parametrize(
    "price, message",
    [
        ("abc", "Not a valid decimal value."),
        ("", "Give a unit price (0 is allowed)."),
        ("-1", "The price must be 0 or more."),
        ("0.12345", "Use at most 4 decimal places."),
        ("NaN", "NaN and Infinity are not numbers."),
    ],
)
def test_service_price_validation(app, client, login, price, message):
    login("user")
    response = client.post("/services/new", data={"name": "Translation", "unit_price": price})
    assert response.status_code == 400
    assert message in response.text
    assert response.text.count("field-error") == 1  # one clear message, not a pile
    assert 'value="Translation"' in response.text
    assert rows(app, Service) == []


def test_edit_service_shows_price_without_trailing_zeros(app, client, login):
    login("user")
    client.post("/services/new", data={"name": "Design", "unit_price": "75"})
    [service] = rows(app, Service)
    assert 'value="75"' in client.get(f"/services/{service.id}/edit").text
    client.post(f"/services/{service.id}/edit", data={"name": "Design", "unit_price": "80.5"})
    assert rows(app, Service)[0].unit_price == Decimal("80.5")


def test_duplicate_service_name(app, client, login):
    login("user")
    client.post("/services/new", data={"name": "Design", "unit_price": "75"})
    response = client.post("/services/new", data={"name": "Design", "unit_price": "80"})
    assert response.status_code == 400
    assert "Another service already uses this name." in response.text


def test_tax_with_category_and_negative_percent(app, client, login):
    login("user")
    page = client.get("/taxes/new").text
    for code in ("S", "AA", "E", "Z", "AE"):
        assert f'<option value="{code}"' in page
    assert client.post("/taxes/new", data={"name": "IRPF", "percent": "-15", "category": "S"}).status_code == 302
    assert client.post("/taxes/new", data={"name": "Reverse", "percent": "0", "category": "AE"}).status_code == 302
    taxes = {t.name: (t.percent, t.category) for t in rows(app, Tax)}
    assert taxes == {"IRPF": (Decimal("-15"), "S"), "Reverse": (Decimal("0"), "AE")}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"percent": "101"}, "The percent must be between -100 and 100."),
        ({"percent": ""}, "Give the percent (0 is allowed)."),
        ({"category": "XX"}, "Not a valid choice."),
    ],
)
def test_tax_validation(app, client, login, data, message):
    login("user")
    response = client.post("/taxes/new", data={"name": "VAT", "percent": "21", "category": "S", **data})
    assert response.status_code == 400
    assert message in response.text
    assert rows(app, Tax) == []


def test_payment_terms(app, client, login):
    login("user")
    assert client.post("/terms/new", data={"name": "Net 30", "days": "30"}).status_code == 302
    [term] = rows(app, PaymentTerm)
    assert client.post(f"/terms/{term.id}/edit", data={"name": "Net 45", "days": "45"}).status_code == 302
    assert [(t.name, t.days) for t in rows(app, PaymentTerm)] == [("Net 45", 45)]
    listing = client.get("/terms").text
    assert "Net 45" in listing


@pytest.mark.parametrize(
    "days, message",
    [("", "Give the number of days (0 is allowed)."), ("ten", "Not a valid integer value."),
     ("-1", "The days must be between 0 and 3650.")],
)
def test_payment_term_validation(app, client, login, days, message):
    login("user")
    response = client.post("/terms/new", data={"name": "Soon", "days": days})
    assert response.status_code == 400
    assert message in response.text
    assert response.text.count("field-error") == 1


@pytest.mark.parametrize("kind", ["clients", "services", "taxes", "terms"])
def test_unknown_record_is_404(client, login, kind):
    login("user")
    assert client.get(f"/{kind}/999/edit").status_code == 404


@pytest.mark.parametrize("kind", ["clients", "services", "taxes", "terms"])
def test_record_pages_need_login(client, kind):
    for url in (f"/{kind}", f"/{kind}/new"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_csrf_is_enforced(make_host_app):
    app = make_host_app(WTF_CSRF_ENABLED=True)
    browser = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
    assert browser.post("/login", data={"username": USER[0], "password": USER[1], "csrf_token": token}).status_code == 302
    refused = browser.post("/services/new", data={"name": "Design", "unit_price": "75"})
    assert refused.status_code == 400
    assert rows(app, Service) == []
    page = browser.get("/services/new").text
    form_token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = browser.post("/services/new", data={"name": "Design", "unit_price": "75", "csrf_token": form_token})
    assert accepted.status_code == 302
    assert [s.name for s in rows(app, Service)] == ["Design"]


def test_record_lists_search_by_name_or_code_and_page(app, client, login, demo):
    from host.extensions import db
    from host.models import Client

    with app.app_context():
        for n in range(55):
            db.session.add(Client(code=f"BULK{n:02d}", name=f"Bulk client {n:02d}", country="ES"))
        db.session.commit()
    login("user")
    found = client.get("/clients?q=bird").get_data(as_text=True)
    assert "Amy&#39;s Bird Sanctuary" in found and "Bulk client" not in found
    by_code = client.get("/clients?q=weiskopf").get_data(as_text=True)
    assert "Weiskopf Consulting" in by_code
    literal = client.get("/clients?q=%25").get_data(as_text=True)  # "%" is searched for, not a wildcard
    assert "No clients match" in literal
    first = client.get("/clients").get_data(as_text=True)
    assert "1–50 of 60" in first and "page=2" in first
    assert "56–60 of 60" not in first and "51–60 of 60" in client.get("/clients?page=2").get_data(as_text=True)
