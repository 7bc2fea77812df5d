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
    """Click a form's button and wait for the page it leads to (not the one still shown)."""
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def _submit_within_limit(page, label, tries=4):
    """Submit; when the host held the call back to keep to B2BRouter's request rate, wait and submit again."""
    for _ in range(tries):
        _submit(page, label)
        if "at its request limit" not in _panel(page).locator(".outcome").inner_text():
            return
        page.wait_for_timeout(1500)


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

    # Edit while linked: a warning first, then "Update in B2BRouter" while the remote invoice is new.
    page.goto(invoice_url + "/edit")
    warning = page.locator(".linked-warning")
    assert "B2BRouter invoice INV-2026-0001 (new)" in warning.inner_text()
    assert "Update in B2BRouter" in warning.inner_text()
    page.locator("input[name='lines-1-quantity']").fill("10000")
    _submit(page, "Save invoice")
    assert "tick “Save anyway”" in page.locator(".plate-error").inner_text()  # nothing saved yet
    page.locator("input[name='lines-1-quantity']").fill("10000")
    page.locator("input[name=confirm_linked]").check()
    _submit(page, "Save invoice")
    assert _panel(page).locator(".total-differs").count() == 1
    _submit_within_limit(page, "Update in B2BRouter")
    assert "Updated B2BRouter invoice INV-2026-0001" in _panel(page).locator(".outcome").inner_text()
    assert _panel(page).locator(".total-differs").count() == 0
    assert [line["quantity"] for line in stored["lines"]] == [Decimal("12480"), Decimal("10000")]

    # Open: the link lands on the (sandbox's) B2BRouter invoice page.
    page.goto(href)
    assert "Invoice INV-2026-0001" in page.locator("h1").inner_text()
    page.goto(invoice_url)

    # Refresh reads the new state and its reason.
    sandbox.control(f"invoices/{remote_id}/state", state="error", errors=["Wrong purchase order"])
    _submit(page, "Refresh")
    state = _panel(page).locator(".remote-state").inner_text()
    assert "Error" in state and "Wrong purchase order" in state
    _submit_within_limit(page, "Update in B2BRouter")  # no longer new: says what to do instead
    refused = _panel(page).locator(".outcome").inner_text()
    assert "no longer accepts changes" in refused and "credit note" in refused

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
    assert _panel(page).get_by_role("button", name="Update in B2BRouter").count() == 0  # a final state

    # Unlink: only the host's link goes.
    _panel(page).locator("summary", has_text="Unlink").click()  # asks first
    _submit(page, "Unlink B2BRouter invoice")
    assert _panel(page).locator(".outcome .plate").count() == 1  # one message, not the plugin's and the host's
    assert "No B2BRouter invoice is linked" in _panel(page).inner_text()
    assert int(remote_id) in sandbox.store.invoices

    # Link it back through the picker, searching by number.
    page.wait_for_timeout(1100)  # the host keeps to two B2BRouter requests a second
    _panel(page).get_by_role("link", name="Link B2BRouter invoice").click()
    page.wait_for_load_state()
    assert "whole number only" in page.locator(".search-note").inner_text()
    page.locator("input[name=q]").fill("INV-2026")  # part of a number: B2BRouter cannot, and the page says so
    page.wait_for_timeout(1100)  # the host keeps to two B2BRouter requests a second
    _submit(page, "Search")
    assert "finds whole numbers only" in page.locator(".notice").inner_text()
    page.locator("input[name=q]").fill("INV-2026-0001")
    page.wait_for_timeout(1100)
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
