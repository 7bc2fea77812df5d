"""The sandbox's traffic controls and data file: latency, rate limit, slow create, counters, restarts."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest
import requests

from erp_host_b2brouter.sandbox import MAIN_ACCOUNT, SANDBOX_KEY
from erp_host_b2brouter.sandbox.testing import run_sandbox

HEADERS = {"X-B2B-API-Key": SANDBOX_KEY}


def new_invoice(number: str) -> dict:
    return {"invoice": {"number": number, "date": "2025-11-20", "contact_id": 5000001, "currency": "EUR",
                        "invoice_lines_attributes": [{"description": "Translation", "quantity": 1, "price": 10,
                                                      "taxes_attributes": [{"category": "S", "percent": 21}]}]}}


def create(url: str, number: str, timeout: float = 5) -> requests.Response:
    return requests.post(f"{url}/accounts/{MAIN_ACCOUNT}/invoices", json=new_invoice(number), headers=HEADERS,
                         timeout=timeout)


def test_rate_limit_answers_429_with_retry_after_and_b2brouter_body(sandbox):
    sandbox.control("knobs", rate_limit=2)
    url = f"{sandbox.url}/accounts/{MAIN_ACCOUNT}"
    answers = [requests.get(url, headers=HEADERS, timeout=5) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {"error": {"code": "rate_limit_exceeded", "message": "Rate limit exceeded"}}
    assert 1 <= int(answers[2].headers["Retry-After"]) <= 60
    other_key = requests.get(f"{sandbox.url}/accounts", headers={"X-B2B-API-Key": "other-key"}, timeout=5)
    assert other_key.status_code == 200  # the limit counts per API key
    counters = sandbox.served.control("traffic", method="GET")
    assert counters["counters"]["requests"] == 4 and counters["counters"]["throttled"] == 1


def test_latency_is_added_to_api_requests_only(sandbox):
    sandbox.control("knobs", latency=0.3)
    started = time.monotonic()
    requests.get(f"{sandbox.url}/accounts/{MAIN_ACCOUNT}", headers=HEADERS, timeout=5)
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    requests.get(f"{sandbox.url}/_sandbox", timeout=5)
    assert time.monotonic() - started < 0.3


def test_created_invoices_are_counted_per_type_and_duplicates_listed(sandbox):
    assert create(sandbox.url, "DUP-1").status_code == 201
    assert create(sandbox.url, "DUP-1").status_code == 422  # B2BRouter refuses a number twice
    requests.post(f"{sandbox.url}/accounts/100002/invoices", json=new_invoice("DUP-1"), headers=HEADERS, timeout=5)
    created = sandbox.served.control("created", method="GET")
    assert [(i["type"], i["number"]) for i in created["invoices"]] == [("IssuedInvoice", "DUP-1")]
    assert created["duplicates"] == {}
    traffic = sandbox.served.control("traffic", method="GET")
    assert traffic["counters"]["created"] == {"IssuedInvoice": 1}


def test_slow_create_times_the_client_out_but_the_invoice_appears(sandbox):
    sandbox.control("knobs", slow_create=1.0)
    with pytest.raises(requests.ReadTimeout):
        create(sandbox.url, "SLOW-1", timeout=0.3)
    time.sleep(1.2)
    found = requests.get(f"{sandbox.url}/accounts/{MAIN_ACCOUNT}/invoices", params={"number": "SLOW-1"},
                         headers=HEADERS, timeout=5).json()
    assert found["meta"]["total_count"] == 1


def test_injected_503_with_retry_after_on_one_path(sandbox):
    sandbox.served.control("traffic/inject", {"status": 503, "count": 1, "retry_after": 30, "path": "/invoices"})
    assert requests.get(f"{sandbox.url}/accounts/{MAIN_ACCOUNT}", headers=HEADERS, timeout=5).status_code == 200
    refused = create(sandbox.url, "INJ-1")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    assert refused.json()["error"]["code"] == "service_unavailable"
    assert create(sandbox.url, "INJ-1").status_code == 201


def test_a_sandbox_restarted_on_its_data_file_still_serves_its_invoices(tmp_path):
    data_file = tmp_path / "b2brouter.json"
    with run_sandbox(data_file=data_file) as first:
        remote_id = create(first.url, "KEEP-1").json()["invoice"]["id"]
        first.control("accounts/100001", rounding_method="bankers")
    with run_sandbox(data_file=data_file) as second:
        kept = requests.get(f"{second.url}/invoices/{remote_id}", headers=HEADERS, timeout=5)
        assert kept.status_code == 200 and kept.json()["invoice"]["number"] == "KEEP-1"
        assert requests.get(f"{second.url}/accounts/{MAIN_ACCOUNT}", headers=HEADERS,
                            timeout=5).json()["account"]["rounding_method"] == "bankers"
        assert create(second.url, "KEEP-2").json()["invoice"]["id"] == remote_id + 1  # IDs carry on


def test_command_line_latency_rate_limit_and_data_file(tmp_path):
    data_file = tmp_path / "cli.json"
    process = subprocess.Popen([sys.executable, "-m", "erp_host_b2brouter.sandbox", "--port", "0", "--latency", "0.01",
                                "--rate-limit", "1", "--data-file", str(data_file)], stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().split()[3]
        traffic = requests.get(f"{url}/_sandbox/traffic", timeout=5).json()
        assert (traffic["latency"], traffic["rate_limit"]) == (0.01, 1)
        assert create(url, "CLI-1").status_code == 201
        assert create(url, "CLI-2").status_code == 429
        assert data_file.exists() and "CLI-1" in data_file.read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)
