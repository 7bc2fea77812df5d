"""The sandbox's QuickBooks limits, slow create, counters and data file."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from erp_host_quickbooks import endpoints, tokens
from erp_host_quickbooks.sandbox.testing import approve, start_sandbox

SAMPLES = Path(__file__).parent / "samples"
INVOICE = {"Line": [{"DetailType": "SalesItemLineDetail", "Amount": 100.0,
                     "SalesItemLineDetail": {"ItemRef": {"name": "Services", "value": "1"}}}],
           "CustomerRef": {"value": "1"}}


def bearer(context) -> dict:
    return {"Authorization": f"Bearer {tokens.load(context)['access_token']}", "Accept": "application/json"}


@pytest.fixture
def api(sandbox, connected):
    """The API base URL and headers of a connected company, counters and rate windows emptied."""
    sandbox.served.control("traffic/reset")
    return f"{sandbox.url}/v3/company/{sandbox.store.realm_id}", bearer(connected)


def test_quickbooks_production_limits_are_the_defaults(sandbox):
    traffic = sandbox.served.control("traffic", method="GET")
    assert (traffic["rate_limit"], traffic["rate_window"], traffic["concurrency_limit"]) == (500, 60.0, 10)


def test_the_plugin_throttles_a_custom_base_url_as_the_sandbox_limits_it(sandbox):
    """Intuit's own sandbox allows 10 a second, which the shared throttle turns into 5 a
    second (no rolling second may exceed 10); the bundled sandbox enforces production's limits."""
    traffic = sandbox.served.control("traffic", method="GET")
    limits = endpoints.for_config(sandbox.config).limits
    assert (limits.requests, limits.period, limits.concurrent) == (
        traffic["rate_limit"], traffic["rate_window"], traffic["concurrency_limit"])


def test_over_the_rate_limit_answers_intuits_throttle_fault(sandbox, api):
    base, headers = api
    requests.post(f"{sandbox.url}/_sandbox/knobs", json={"rate_limit": 2}, timeout=5).raise_for_status()
    answers = [requests.get(f"{base}/preferences", headers=headers, timeout=5) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    documented = json.loads((SAMPLES / "fault_429_throttle_exceeded.json").read_text())
    assert answers[2].json()["Fault"] == documented["Fault"]
    assert "Retry-After" not in answers[2].headers and answers[2].headers["intuit_tid"]
    other_realm = requests.get(f"{sandbox.url}/v3/company/1234/preferences", headers=headers, timeout=5)
    assert other_realm.status_code == 403  # limits count per realm: this one was admitted, then refused access
    counters = requests.get(f"{sandbox.url}/_sandbox/stats", timeout=5).json()["traffic"]
    assert counters["requests"] == 4 and counters["throttled"] == 1


def test_more_concurrent_requests_than_allowed_are_throttled(sandbox, api):
    base, headers = api
    sandbox.served.control("traffic", {"concurrency_limit": 2, "latency": 0.6})
    statuses = []

    def call():
        statuses.append(requests.get(f"{base}/preferences", headers=headers, timeout=10).status_code)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 429]


def test_a_retry_during_a_slow_create_gets_the_same_invoice(sandbox, api):
    base, headers = api
    sandbox.served.control("traffic", {"slow_create": 1.0})
    url = f"{base}/invoice?requestid=attempt-1&minorversion=75"
    with pytest.raises(requests.ReadTimeout):
        requests.post(url, json=INVOICE, headers=headers, timeout=0.3)
    retry = requests.post(url, json=INVOICE, headers=headers, timeout=10)
    assert retry.status_code == 200
    created = sandbox.served.control("created", method="GET")
    assert [i["id"] for i in created["invoices"]] == [retry.json()["Invoice"]["Id"]]
    assert sandbox.served.control("traffic", method="GET")["counters"]["created"] == {"Invoice": 1}


def test_duplicates_are_listed_by_doc_number(sandbox, api):
    base, headers = api
    for _ in range(2):
        requests.post(f"{base}/invoice?include=allowduplicatedocnum", json={**INVOICE, "DocNumber": "D-1"},
                      headers=headers, timeout=5).raise_for_status()
    assert sandbox.served.control("created", method="GET")["duplicates"] == {"Invoice": {"D-1": 2}}


def test_a_restarted_sandbox_keeps_its_invoices_and_tokens(tmp_path, plugin):
    from host.testing import make_context

    data_file = tmp_path / "quickbooks.json"
    first = start_sandbox(data_file=data_file)
    try:
        context = make_context("quickbooks")
        config = first.plugin_config()
        started = plugin.run_action(name="connect", params={}, config=config, context=context)
        assert plugin.handle_callback(params=approve(started.redirect_url), config=config, context=context).ok
        base = f"/v3/company/{first.store.realm_id}"
        made = requests.post(first.url + base + "/invoice", json=INVOICE, headers=bearer(context), timeout=5).json()
    finally:
        first.stop()
    second = start_sandbox(data_file=data_file)
    try:
        again = requests.get(f"{second.url}{base}/invoice/{made['Invoice']['Id']}", headers=bearer(context), timeout=5)
        assert again.status_code == 200 and again.json()["Invoice"]["TotalAmt"] == 100
    finally:
        second.stop()


def test_command_line_limits_and_latency():
    process = subprocess.Popen([sys.executable, "-m", "erp_host_quickbooks.sandbox", "--port", "0", "--latency", "0.02",
                                "--rate-limit", "50", "--concurrency-limit", "3"], stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().split()[3]
        knobs = requests.get(f"{url}/_sandbox/knobs", timeout=5).json()
        assert (knobs["latency"], knobs["rate_limit"], knobs["concurrency_limit"]) == (0.02, 50, 3)
    finally:
        process.terminate()
        process.wait(timeout=10)
