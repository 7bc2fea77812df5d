"""The HTTP client against the request and response shapes of the B2BRouter reference."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import requests
import responses
from responses import matchers

from erp_host_b2brouter import api_facts, client as client_module, invoices
from erp_host_b2brouter.client import Client
from erp_host_b2brouter.errors import ApiError

BASE = "https://api-staging.b2brouter.net"
KEY = "secret-test-key-123"

ACCOUNT = {  # the official WooCommerce fixture (reference §5)
    "id": 211162, "tin_value": "ES01738726H", "tin_scheme": 9920, "name": "WP test", "country": "es",
    "currency": "EUR", "rounding_method": "half_up", "round_before_sum": False, "apply_taxes_per_line": False,
    "archived": False, "created_at": "2025-11-13T09:45:30.000Z",
}
INVOICE = {  # the official WooCommerce "REAL API payload structure" fixture (reference §7)
    "id": 354754, "type": "IssuedInvoice", "number": "INV-ES-2025-00078", "series_code": None, "state": "new",
    "account": {"id": 211162, "name": "WP test"},
    "company": {"id": 27176, "name": "WP test", "tin_value": "ES01738726H", "country": "es"},
    "contact": {"id": 1313321399, "name": "test customer", "email": "c@example.test"},
    "date": "2025-11-20", "due_date": "2025-12-20", "subtotal": 200.0, "total": 200.0, "currency": "EUR",
    "payable_amount": 200.0, "extra_info": "WooCommerce Order #78", "created_at": "2025-11-20T10:14:24.000Z",
}


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def api(sleeps):
    return Client(BASE, KEY, sleep=sleeps)


@pytest.fixture
def mocked():
    with responses.RequestsMock() as rsps:
        yield rsps


HEADERS = {api_facts.HEADER_API_KEY: KEY, api_facts.HEADER_API_VERSION: api_facts.API_VERSION,
           "Accept": "application/json"}


def test_every_call_carries_key_and_pinned_version(api, mocked):
    mocked.get(f"{BASE}/accounts/211162", json={"account": ACCOUNT}, match=[matchers.header_matcher(HEADERS)])
    mocked.post(f"{BASE}/accounts/211162/contacts", json={"contact": {"id": 7, "name": "A"}}, status=201,
                match=[matchers.header_matcher({**HEADERS, "Content-Type": "application/json"})])
    assert api.get_account(211162)["rounding_method"] == "half_up"
    assert api.create_contact(211162, {"name": "A", "email": "a@b.test"})["id"] == 7
    assert api_facts.API_VERSION == "2026-03-02"


def test_account_list_accepts_the_flat_envelope(api, mocked):
    mocked.get(f"{BASE}/accounts", json={"accounts": [ACCOUNT], "total_count": 1, "offset": 0, "limit": 100},
               match=[matchers.query_param_matcher({"offset": "0", "limit": "100"})])
    page = api.list_accounts()
    assert (page.total, page.offset, page.limit, page.items[0]["id"]) == (1, 0, 100, 211162)


def test_invoice_list_sends_filters_and_reads_the_meta_envelope(api, mocked):
    mocked.get(f"{BASE}/accounts/211162/invoices",
               json={"invoices": [INVOICE], "meta": {"total_count": 501, "offset": 500, "limit": 500}},
               match=[matchers.query_param_matcher({
                   "type": "IssuedInvoice", "offset": "500", "limit": "500", "number": "INV-ES-2025-00078",
                   "date_from": "2025-11-01", "date_to": "2025-11-30"})])
    page = api.list_invoices(211162, offset=500, limit=9999, number="INV-ES-2025-00078",
                             date_from=date(2025, 11, 1), date_to=date(2025, 11, 30))
    assert page.total == 501 and page.limit == 500 and page.items[0]["number"] == "INV-ES-2025-00078"


def test_meta_total_is_the_fallback_of_total_count(api, mocked):
    mocked.get(f"{BASE}/accounts/1/invoices", json={"invoices": [], "meta": {"total": 3, "offset": 0, "limit": 25}})
    assert api.list_invoices(1).total == 3


def test_find_by_number_ignores_a_non_exact_match(api, mocked):
    other = dict(INVOICE, number="INV-ES-2025-000789")
    mocked.get(f"{BASE}/accounts/1/invoices", json={"invoices": [other], "meta": {"total_count": 1}})
    assert api.find_invoice_by_number(1, "INV-ES-2025-00078") is None


def test_create_invoice_body_follows_the_reference(api, mocked, make_invoice):
    invoice = make_invoice(discount_percent="5")
    payload = invoices.invoice_payload(invoice, contact_id=1313321399)
    mocked.post(f"{BASE}/accounts/211162/invoices", json={"invoice": INVOICE}, status=201)
    created = api.create_invoice(211162, payload, send_after_import=False)
    assert created["id"] == 354754 and created["total"] == Decimal("200.0")
    sent = json.loads(mocked.calls[0].request.body)
    assert sent["send_after_import"] is False
    body = sent["invoice"]
    assert body["type"] == "IssuedInvoice" and body["number"] == "INV-2025-0100"
    assert (body["date"], body["due_date"], body["currency"], body["contact_id"]) == (
        "2025-11-20", "2025-12-20", "EUR", 1313321399)
    assert body["invoice_lines_attributes"][1] == {
        "description": "Proofreading", "quantity": 2.0, "price": 12.345,
        "taxes_attributes": [{"name": "IVA", "category": "S", "percent": 21.0}]}
    assert body["allowance_charges_attributes"] == [
        {"allowance_charge_indicator": "allowance", "reason": "Discount", "percentage": 5.0}]
    assert body["payment_terms"] == "30 days"


def test_contacts_carry_an_eas_tax_scheme(make_client):
    assert invoices.contact_payload(make_client())["tin_scheme"] == "9920"
    assert invoices.contact_payload(make_client(tax_scheme="VAT", country="DE"))["tin_scheme"] == "9930"
    assert invoices.contact_payload(make_client(tax_scheme="", country="ZZ"))["tin_scheme"] == "9999"
    payload = invoices.contact_payload(make_client())
    assert (payload["integration_code"], payload["country"], payload["is_client"]) == ("SBX-ACME", "es", True)


def test_line_discount_becomes_a_line_allowance(make_invoice, make_line):
    payload = invoices.invoice_payload(make_invoice(lines=[make_line(discount="10")]), 5)
    assert payload["invoice_lines_attributes"][0]["allowance_charges_attributes"] == [
        {"allowance_charge_indicator": "allowance", "percentage": Decimal(10), "reason": "Discount"}]


def _error(api, mocked, status, body, **headers):
    mocked.get(f"{BASE}/invoices/1", json=body, status=status, headers=headers)
    with pytest.raises(ApiError) as caught:
        api.get_invoice(1)
    return caught.value


@pytest.mark.parametrize("status, body, kind, words", [
    (401, {"error": {"code": "invalid_api_key"}}, "auth", "rejected the API key"),
    (403, {"error": {"code": "forbidden", "message": "Forbidden"}}, "forbidden", "not allowed"),
    (404, {"error": {"code": "not_found", "message": "Invoice not found"}}, "not_found", "has no invoice 1"),
    (400, {"error": {"code": "api_version_subdomain_mismatch"}}, "invalid", "environment"),
    (400, {"error": {"code": "invalid_api_version"}}, "invalid", "does not know API version"),
    (409, {"error": "conflict"}, "conflict", "conflicts"),
])
def test_error_statuses_name_their_cause(api, mocked, status, body, kind, words):
    error = _error(api, mocked, status, body, **{"X-B2B-API-Request-Id": "req-42"})
    assert error.kind == kind and error.status == status and words in error.message
    assert error.request_id == "req-42" and json.loads(error.raw) == body
    assert len(mocked.calls) == 1  # 4xx are never retried
    assert error.rejected


@pytest.mark.parametrize("body, expected", [
    ({"errors": ["Number has already been taken", "Date is invalid"]},
     ["Number has already been taken", "Date is invalid"]),
    ({"errors": {"number": ["has already been taken"]}}, ["Number has already been taken"]),
    ({"error": {"code": "validation_failed", "message": "Validation failed: Iban is invalid"}},
     ["Validation failed: Iban is invalid"]),
    ({"message": "Contact can't be blank"}, ["Contact can't be blank"]),
])
def test_validation_errors_are_read_in_every_known_shape(api, mocked, body, expected):
    mocked.post(f"{BASE}/accounts/1/invoices", json=body, status=422, headers={"X-Request-Id": "old-style"})
    with pytest.raises(ApiError) as caught:
        api.create_invoice(1, {"number": "X"}, False)
    error = caught.value
    assert error.kind == "invalid" and list(error.details) == expected
    assert all(text in error.message for text in expected)
    assert error.request_id == "old-style"


def test_get_is_retried_on_5xx_then_succeeds(api, mocked, sleeps):
    mocked.get(f"{BASE}/invoices/1", json={"error": {"code": "x"}}, status=502)
    mocked.get(f"{BASE}/invoices/1", status=503, body="<html>busy</html>")
    mocked.get(f"{BASE}/invoices/1", json={"invoice": INVOICE})
    assert api.get_invoice(1)["id"] == 354754
    assert len(mocked.calls) == 3 and sleeps == [0.5, 1.0]


def test_get_gives_up_after_the_retries(api, mocked, sleeps):
    mocked.get(f"{BASE}/invoices/1", json={"error": "boom"}, status=500)
    with pytest.raises(ApiError) as caught:
        api.get_invoice(1)
    assert caught.value.kind == "server" and "internal error (HTTP 500)" in caught.value.message
    assert len(mocked.calls) == 1 + client_module.GET_RETRIES
    assert not caught.value.rejected


def test_429_is_retried_after_a_short_retry_after(api, mocked, sleeps):
    mocked.get(f"{BASE}/accounts/1", json={"error": {"code": "rate_limit"}}, status=429, headers={"Retry-After": "2"})
    mocked.get(f"{BASE}/accounts/1", json={"account": ACCOUNT})
    assert api.get_account(1)["id"] == 211162
    assert sleeps == [2.0]


@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_over_two_seconds_is_raised_at_once_with_the_wait(api, mocked, sleeps, status):
    """A worker never sleeps on it: the failure carries the wait, so the job is rescheduled."""
    mocked.get(f"{BASE}/accounts/1", json={}, status=status, headers={"Retry-After": "35"})
    with pytest.raises(ApiError) as caught:
        api.get_account(1)
    assert sleeps == [] and caught.value.retry_after == 35.0
    assert caught.value.to_result().retry_after == 35.0


def test_429_with_a_long_retry_after_is_reported_not_waited(api, mocked, sleeps):
    mocked.get(f"{BASE}/accounts/1", json={}, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(ApiError) as caught:
        api.get_account(1)
    assert caught.value.kind == "throttled" and "3600 seconds" in caught.value.message and sleeps == []


def test_retry_after_as_an_http_date_is_honoured(api, mocked, sleeps):
    mocked.get(f"{BASE}/accounts/1", json={}, status=503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    mocked.get(f"{BASE}/accounts/1", json={}, status=503, headers={"Retry-After": "soon"})
    mocked.get(f"{BASE}/accounts/1", json={"account": ACCOUNT})
    assert api.get_account(1)["id"] == 211162
    assert sleeps == [0.0, 1.0]  # a date in the past waits nothing; an unreadable value falls back to backoff


def test_post_is_never_retried(api, mocked, sleeps):
    mocked.post(f"{BASE}/accounts/1/invoices", json={"error": "boom"}, status=500)
    with pytest.raises(ApiError) as caught:
        api.create_invoice(1, {"number": "X"}, False)
    assert len(mocked.calls) == 1 and sleeps == [] and not caught.value.rejected


def test_post_429_is_not_retried_either(api, mocked, sleeps):
    mocked.post(f"{BASE}/accounts/1/invoices", json={}, status=429, headers={"Retry-After": "1"})
    with pytest.raises(ApiError) as caught:
        api.create_invoice(1, {"number": "X"}, False)
    assert len(mocked.calls) == 1 and caught.value.rejected


def test_timeouts_retry_gets_but_not_posts(api, mocked, sleeps):
    mocked.get(f"{BASE}/invoices/1", body=requests.ReadTimeout("slow"))
    mocked.get(f"{BASE}/invoices/1", json={"invoice": INVOICE})
    assert api.get_invoice(1)["state"] == "new"
    mocked.post(f"{BASE}/accounts/1/invoices", body=requests.ReadTimeout("slow"))
    with pytest.raises(ApiError) as caught:
        api.create_invoice(1, {}, False)
    assert caught.value.kind == "timeout" and "did not answer within 30 seconds" in caught.value.message
    assert not caught.value.rejected


def test_connection_errors_name_the_host(api, mocked):
    mocked.get(f"{BASE}/accounts/1", body=requests.ConnectionError("refused"))
    with pytest.raises(ApiError) as caught:
        api.get_account(1)
    assert caught.value.kind == "network" and BASE in caught.value.message


def test_malformed_json_is_a_clear_error(api, mocked):
    mocked.get(f"{BASE}/invoices/1", body="<html>gateway</html>", status=200,
               headers={"X-B2B-API-Request-Id": "r-1"})
    with pytest.raises(ApiError) as caught:
        api.get_invoice(1)
    error = caught.value
    assert error.kind == "malformed" and "not valid JSON" in error.message
    assert error.raw == "<html>gateway</html>" and error.request_id == "r-1"


def test_json_without_the_resource_is_malformed(api, mocked):
    mocked.get(f"{BASE}/invoices/1", json={"unexpected": True})
    with pytest.raises(ApiError) as caught:
        api.get_invoice(1)
    assert caught.value.kind == "malformed" and "no invoice" in caught.value.message


def test_an_echoed_api_key_is_redacted_from_kept_bodies(api, mocked):
    error = _error(api, mocked, 401, {"error": {"code": "invalid_api_key", "message": f"bad key {KEY}"}})
    assert KEY not in error.raw and KEY not in error.message and "[api key]" in error.raw


def test_an_empty_2xx_body_is_accepted(api, mocked):
    mocked.post(f"{BASE}/invoices/send_invoice/1", body="", status=204)
    assert api.request("POST", "/invoices/send_invoice/1", "send") == {}


def test_pdf_download_asks_for_a_pdf_and_returns_its_bytes(api, mocked):
    mocked.get(f"{BASE}/invoices/354754/as/pdf.invoice", body=b"%PDF-1.4 fake", content_type="application/pdf",
               match=[matchers.header_matcher({"Accept": "application/pdf", api_facts.HEADER_API_KEY: KEY})])
    assert api.get_document(354754) == (b"%PDF-1.4 fake", "application/pdf")


def test_pdf_not_generated_yet_is_a_not_found_error(api, mocked):
    mocked.get(f"{BASE}/invoices/354754/as/pdf.invoice", status=404,
               json={"error": {"code": "not_found", "message": "Invoice not found"}})
    with pytest.raises(ApiError) as caught:
        api.get_document(354754)
    assert caught.value.kind == "not_found"


def test_a_download_that_is_not_a_pdf_is_malformed(api, mocked):
    mocked.get(f"{BASE}/invoices/354754/as/pdf.invoice", body="<html>login</html>", content_type="text/html")
    with pytest.raises(ApiError) as caught:
        api.get_document(354754)
    assert caught.value.kind == "malformed" and "got text/html" in caught.value.message
