"""The sandbox itself: web page, validation, knobs, the demo entry point and the CLI."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import requests

from erp_host_b2brouter.sandbox import MAIN_ACCOUNT
from erp_host_b2brouter.sandbox.testing import start


def test_the_sandbox_web_page_shows_the_invoice(sandbox):
    page = requests.get(f"{sandbox.url}/invoices/9000001", headers={"Accept": "text/html"}, timeout=5)
    assert page.status_code == 200 and "Invoice SBX-2025-0001" in page.text and 'id="state">sent<' in page.text
    api = requests.get(f"{sandbox.url}/invoices/9000001", headers={"Accept": "application/json"}, timeout=5)
    assert api.status_code == 401 and api.json() == {"error": {"code": "invalid_api_key", "message": "Missing API key"}}


def test_the_sandbox_validates_like_b2brouter(sandbox):
    response = requests.post(f"{sandbox.url}/accounts/{MAIN_ACCOUNT}/invoices", timeout=5,
                             headers={"X-B2B-API-Key": "sandbox-key"},
                             json={"invoice": {"number": "SBX-2025-0001", "date": "2025-13-01", "contact_id": 1,
                                               "currency": "XYZ", "invoice_lines_attributes": []}})
    assert response.status_code == 422
    assert response.json() == {"errors": ["Number has already been taken", "Date is invalid",
                                          "Currency is not supported", "Contact not found",
                                          "Invoice lines can't be blank"]}
    assert requests.get(f"{sandbox.url}/accounts/{MAIN_ACCOUNT}", timeout=5,
                        headers={"X-B2B-API-Key": "sandbox-key", "X-B2B-API-Version": "1999-01-01"}
                        ).json()["error"]["code"] == "invalid_api_version"
    assert date.fromisoformat(requests.get(f"{sandbox.url}/invoices/9000001", timeout=5,
                                           headers={"X-B2B-API-Key": "sandbox-key"}).json()["invoice"]["date"])


def test_latency_and_failure_knobs(sandbox):
    headers = {"X-B2B-API-Key": "sandbox-key"}
    sandbox.control("knobs", failures=["503", "429", "pass"], retry_after=9)
    url = f"{sandbox.url}/accounts/{MAIN_ACCOUNT}"
    first, second, third = (requests.get(url, headers=headers, timeout=5) for _ in range(3))
    assert first.status_code == 503 and first.json()["error"]["code"] == "internal_server_error"
    assert second.status_code == 429 and second.headers["Retry-After"] == "9"
    assert third.status_code == 200
    assert [r["status"] for r in sandbox.requests_log()] == [503, 429, 200]
    assert all(r.headers["X-B2B-API-Request-Id"] for r in (first, second, third))


def test_accounts_list_is_flat_and_invoices_use_meta(sandbox):
    headers = {"X-B2B-API-Key": "sandbox-key"}
    accounts = requests.get(f"{sandbox.url}/accounts", headers=headers, timeout=5).json()
    assert accounts["total_count"] == 2 and "meta" not in accounts
    listed = requests.get(f"{sandbox.url}/accounts/{MAIN_ACCOUNT}/invoices?limit=900", headers=headers,
                          timeout=5).json()
    assert listed["meta"] == {"total_count": 7, "offset": 0, "limit": 500}


def test_the_seed_is_fixed(sandbox):
    from erp_host_b2brouter.sandbox import Store

    def snapshot(store):
        return [(i["number"], i["state"], i["totals"]["total"]) for i in store.invoices.values()]

    assert snapshot(Store()) == snapshot(Store()) == snapshot(sandbox.store)


def test_the_demo_entry_point_starts_and_stops():
    demo = start(0)
    try:
        assert demo.config["custom_base_url"] == demo.url and demo.config["api_key"] == "sandbox-key"
        assert requests.get(demo.url + "/", headers={"Accept": "text/html"}, timeout=5).status_code == 200
    finally:
        demo.stop()


def test_the_command_line_prints_its_url():
    process = subprocess.Popen([sys.executable, "-m", "erp_host_b2brouter.sandbox", "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = line.split()[3]
        assert url.startswith("http://127.0.0.1:")
        response = requests.get(f"{url}/accounts/{MAIN_ACCOUNT}", headers={"X-B2B-API-Key": "sandbox-key"}, timeout=5)
        assert response.json()["account"]["rounding_method"] == "half_up"
    finally:
        process.terminate()
        process.wait(timeout=10)
