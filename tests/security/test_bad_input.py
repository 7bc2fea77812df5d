"""Ordinary bad input is a clear 4xx (or a form error) that changes nothing,
never a 500 (issue 10, items 8 and 9)."""
import pytest

from host.forms import MAX_INVOICE_LINES

HUGE = str(2**70)


@pytest.fixture
def user(client, login, demo):
    return login("user")


def invoice_form(**fields):
    data = {"number": "F-900", "client": "1", "issue_date": "2025-03-01", "status": "draft", "payment_term": "0",
            "lines-0-service": "0", "lines-0-description": "Work", "lines-0-quantity": "1", "lines-0-unit_price": "10"}
    data.update(fields)
    return data


@pytest.mark.parametrize("url", [f"/invoices?page={HUGE}", f"/invoices?client={HUGE}", f"/clients?page={HUGE}",
                                 f"/invoices?client=-{HUGE}", f"/services?page={HUGE}&q=x"])
def test_query_numbers_beyond_64_bits_are_refused(user, url):
    response = user.get(url)
    assert response.status_code == 400
    assert "out of range" in response.text


def test_the_integration_log_refuses_a_page_beyond_64_bits(client, login):
    login("admin")
    assert client.get(f"/settings/integrations/log?page={HUGE}").status_code == 400


@pytest.mark.parametrize("url", [f"/invoices/{HUGE}", f"/clients/{HUGE}/edit", f"/invoices/{HUGE}/integrations/reference/pick"])
def test_ids_beyond_64_bits_are_not_found(user, url):
    assert user.get(url).status_code == 404


NUMBER_FIELDS = ["lines-0-quantity", "lines-0-unit_price", "lines-0-discount_percent", "lines-0-charge_amount",
                 "adjustments-0-percent", "adjustments-0-amount"]


@pytest.mark.parametrize("field, value", [(field, "sNaN") for field in NUMBER_FIELDS] + [
    ("lines-0-unit_price", value) for value in ("NaN", "-sNaN", "Infinity", "-Infinity", "inf")])
def test_nan_and_infinity_are_refused_as_numbers(user, snapshot, field, value):
    before = snapshot()
    response = user.post("/invoices/new", data=invoice_form(**{field: value}))
    assert response.status_code == 400
    assert "NaN and Infinity are not numbers" in response.text
    assert snapshot() == before


@pytest.mark.parametrize("value", ["sNaN", "Infinity"])
def test_nan_is_refused_as_a_service_price_and_a_tax_percent(user, snapshot, value):
    before = snapshot()
    assert user.post("/services/new", data={"name": "S", "unit_price": value}).status_code == 400
    assert user.post("/taxes/new", data={"name": "T", "percent": value, "category": "S"}).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("url, data", [
    ("/clients/new", {"code": "NUL", "name": "Bad\x00Name"}),
    ("/invoices/new", invoice_form(notes="a\x00b")),
    ("/services/new", {"name": "x\x00", "unit_price": "1"}),
])
def test_nul_characters_in_a_form_are_refused(user, snapshot, url, data):
    before = snapshot()
    response = user.post(url, data=data)
    assert response.status_code == 400
    assert "NUL character" in response.text
    assert snapshot() == before


def test_nul_characters_in_a_query_are_refused(user):
    response = user.get("/clients?q=a%00b")
    assert response.status_code == 400
    assert "NUL character" in response.text


def test_a_nul_character_in_the_login_username_is_refused(client, snapshot):
    before = snapshot()
    response = client.post("/login", data={"username": "clerk\x00", "password": "clerk-demo-pass"})
    assert response.status_code == 400
    assert snapshot() == before


def test_an_admin_form_with_a_nul_character_is_refused(client, login, snapshot):
    login("admin")
    before = snapshot()
    response = client.post("/settings/integrations/reference", data={"api_key": "k\x00", "account": "A"})
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("next_url", ["/invoices%0d%0aSet-Cookie:%20x=1", "/invoices%0a", "/a%09b"])
def test_control_characters_in_the_login_next_address_are_refused(client, next_url):
    response = client.post(f"/login?next={next_url}", data={"username": "clerk", "password": "clerk-demo-pass"})
    assert response.status_code == 400
    assert "control characters" in response.text
    assert client.get("/invoices").status_code == 302  # not logged in


def test_a_backslash_next_address_is_not_followed_off_site(client):
    response = client.post("/login?next=/%5Cevil.example", data={"username": "clerk", "password": "clerk-demo-pass"})
    assert response.headers["Location"] == "/invoices"


@pytest.mark.parametrize("number", ["F-1\r\nX-Injected: 1", "F-\n1", "F\t1", "F\u20281"])
def test_an_invoice_number_must_be_one_line(user, snapshot, number):
    before = snapshot()
    response = user.post("/invoices/new", data=invoice_form(number=number))
    assert response.status_code == 400
    assert "one line of text without control characters" in response.text
    assert snapshot() == before


def test_line_breaks_stay_allowed_in_notes_and_descriptions(user):
    response = user.post("/invoices/new", data=invoice_form(notes="line 1\r\nline 2", **{"lines-0-description": "a\nb"}))
    assert response.status_code == 302


@pytest.mark.parametrize("issue_date", ["9999-12-31", "0001-01-01"])
def test_an_issue_date_that_would_overflow_the_due_date_is_refused(user, snapshot, issue_date):
    before = snapshot()
    response = user.post("/invoices/new", data=invoice_form(issue_date=issue_date, payment_term="1"))
    assert response.status_code == 400
    assert "Use a date between 1900 and 2999" in response.text
    assert snapshot() == before


def lines(count: int) -> dict:
    data = {}
    for index in range(count):
        data |= {f"lines-{index}-service": "0", f"lines-{index}-description": f"Line {index}",
                 f"lines-{index}-quantity": "1", f"lines-{index}-unit_price": "1"}
    return data


def test_an_invoice_with_more_than_500_lines_is_refused(user, snapshot):
    before = snapshot()
    response = user.post("/invoices/new", data=invoice_form(**lines(MAX_INVOICE_LINES + 1)))
    assert response.status_code == 400
    assert f"at most {MAX_INVOICE_LINES} lines" in response.text
    assert snapshot() == before


def test_an_invoice_with_500_lines_is_accepted(user):
    assert user.post("/invoices/new", data=invoice_form(**lines(MAX_INVOICE_LINES))).status_code == 302


def test_an_overlong_search_text_is_refused(user):
    response = user.get("/clients?q=" + "x" * 60_000)
    assert response.status_code == 400
    assert "search text is too long" in response.text
