"""End to end in Chromium: the real host app, this plugin and the sandbox on loopback."""
from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
import requests

import erp_host_b2brouter
from erp_host_b2brouter.sandbox import MAIN_ACCOUNT
from erp_host_b2brouter.webhook import sign

pytestmark = pytest.mark.browser


def _panel(page):
    return page.locator('.integration-panel[data-provider="b2brouter"]')


def _submit(page, label):
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_configure_push_open_refresh_unlink_and_link_back(sandbox, live_host, browser_page):
    live = live_host(providers={"b2brouter": erp_host_b2brouter})
    page = browser_page
    live.login(page, "admin")

    # Enable with a key and an account ID: the blue plate.
    page.goto(f"{live.url}/settings/integrations/b2brouter")
    form = page.locator("#config-form")
    form.locator("input[name=api_key]").fill("sandbox-key")
    form.locator("input[name=account_id]").fill(str(MAIN_ACCOUNT))
    form.locator("select[name=environment]").select_option("custom")
    form.locator("input[name=custom_base_url]").fill(sandbox.url)
    form.locator("input[name=webhook_secret]").fill("e2e-webhook-secret")
    # this test clicks faster than 120 requests a minute allow in bursts (5 s slices of 9)
    form.locator("input[name=requests_per_minute]").fill("6000")
    form.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    _submit(page, "Enable")
    plate = page.locator("#notices .notice")
    assert plate.count() == 1
    assert plate.get_attribute("data-level") == "info" and "B2BRouter is set up correctly" in plate.inner_text()
    assert "sandbox-key" not in page.content()

    # A calculation setting changed in B2BRouter: the orange plate names it with both values.
    sandbox.control(f"accounts/{MAIN_ACCOUNT}", rounding_method="bankers")
    _submit(page, "Check again")
    plate = page.locator("#notices .notice")
    assert plate.get_attribute("data-level") == "warning"
    text = plate.inner_text()
    assert "Rounding method" in text and "round half up" in text and "banker's rounding" in text
    assert "Invoices and quotes" in text
    sandbox.control(f"accounts/{MAIN_ACCOUNT}", rounding_method="half_up")
    _submit(page, "Check again")
    assert page.locator("#notices .notice").get_attribute("data-level") == "info"

    # Push an invoice: the linked details appear, totals agree.
    page.goto(f"{live.url}/invoices")
    page.get_by_role("link", name="INV-2026-0001").click()
    invoice_url = page.url
    _submit(page, "New B2BRouter invoice")
    panel = _panel(page)
    assert panel.locator(".remote-number").inner_text() == "INV-2026-0001"
    assert panel.locator(".remote-state").inner_text().strip() == "New"  # the state as a word, with its colour
    assert panel.locator(".remote-state .badge-tone-neutral").count() == 1
    assert panel.locator(".total-differs").count() == 0
    remote_link = panel.locator("a.remote-link")
    remote_id = remote_link.inner_text().strip()
    href = remote_link.get_attribute("href")
    assert href == f"{sandbox.url}/invoices/{remote_id}"
    (stored,) = [i for i in sandbox.store.invoices.values() if i["number"] == "INV-2026-0001"]
    assert str(stored["id"]) == remote_id
    assert panel.locator(".remote-total").inner_text().startswith(f'{Decimal(str(stored["totals"]["total"])):,.2f}')

    # Open: the link lands on the (sandbox's) B2BRouter invoice page.
    page.goto(href)
    assert "Invoice INV-2026-0001" in page.locator("h1").inner_text()
    page.goto(invoice_url)

    # Refresh reads the new state and its reason.
    sandbox.control(f"invoices/{remote_id}/state", state="error", errors=["Wrong purchase order"])
    _submit(page, "Refresh")
    state = _panel(page).locator(".remote-state").inner_text()
    assert "Error" in state and "Wrong purchase order" in state

    # A signed webhook moves the state; a forged one is refused. (The customer paid: the event is
    # answered at once and the invoice read back, B2BRouter's state trusted over the event's.)
    sandbox.control(f"invoices/{remote_id}/pay", paid_date="2026-12-01")
    event = json.dumps({"code": "issued_invoice.state_change", "triggered_at": 0,
                        "data": {"invoice_id": int(remote_id), "state": "paid"}}).encode()
    webhook = f"{live.url}/integrations/b2brouter/webhook"
    forged = requests.post(webhook, data=event, timeout=10, headers={"Content-Type": "application/json",
                                                                     "X-B2Brouter-Signature": "t=1,s=00"})
    assert forged.status_code == 401
    good = requests.post(webhook, data=event, timeout=10, headers={
        "Content-Type": "application/json", "X-B2Brouter-Signature": sign("e2e-webhook-secret", event)})
    assert good.status_code == 200
    page.reload()
    assert _panel(page).locator(".remote-state").inner_text().strip().startswith("Paid")

    # Unlink: only the host's link goes.
    _submit(page, "Unlink B2BRouter invoice")
    assert "No B2BRouter invoice is linked" in _panel(page).inner_text()
    assert int(remote_id) in sandbox.store.invoices

    # Link it back through the picker, searching by number.
    _panel(page).get_by_role("link", name="Link B2BRouter invoice").click()
    page.wait_for_load_state()
    page.locator("input[name=q]").fill("INV-2026-0001")
    _submit(page, "Search")
    rows = page.locator("#remote-invoices tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-remote-id") == remote_id
    rows.first.get_by_role("button", name="Link").click()
    page.wait_for_load_state()
    assert re.sub(r"#.*$", "", page.url) == invoice_url
    panel = _panel(page)
    assert panel.locator("a.remote-link").inner_text().strip() == remote_id
    assert panel.locator(".remote-number").inner_text() == "INV-2026-0001"


def test_an_invoice_with_problems_is_blocked_with_every_reason(sandbox, live_host, browser_page):
    live = live_host(providers={"b2brouter": erp_host_b2brouter})
    page = browser_page
    live.login(page, "admin")
    page.goto(f"{live.url}/settings/integrations/b2brouter")
    form = page.locator("#config-form")
    form.locator("input[name=api_key]").fill("sandbox-key")
    form.locator("input[name=account_id]").fill(str(MAIN_ACCOUNT))
    form.locator("select[name=environment]").select_option("custom")
    form.locator("input[name=custom_base_url]").fill(sandbox.url)
    form.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    _submit(page, "Enable")

    page.goto(f"{live.url}/invoices")
    page.get_by_role("link", name="INV-2026-0004").click()
    before = len(sandbox.requests_log())
    _submit(page, "New B2BRouter invoice")
    body = page.locator("body").inner_text()
    assert "has no tax ID" in body and "has no tax;" in body
    assert "No B2BRouter invoice is linked" in _panel(page).inner_text()
    assert len(sandbox.requests_log()) == before
