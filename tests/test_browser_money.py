"""Money coming back and documents going out, in Chromium, against both bundled sandboxes:
a QuickBooks payment marks the invoice paid without a click, a B2BRouter invoice sent from
the invoice page reaches Sent then Paid, a credit note is pushed to both providers."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

erp_host_b2brouter = pytest.importorskip("erp_host_b2brouter")
erp_host_quickbooks = pytest.importorskip("erp_host_quickbooks")

from erp_host_b2brouter.sandbox.testing import run_sandbox  # noqa: E402
from erp_host_b2brouter.webhook import sign  # noqa: E402
from erp_host_quickbooks.sandbox.money import VERIFIER_TOKEN  # noqa: E402
from erp_host_quickbooks.sandbox.testing import approve, start_sandbox  # noqa: E402

QB = "QuickBooks Online"
B2B_SECRET = "sandbox-webhook-secret"


@pytest.fixture(scope="module")
def sandboxes():
    quickbooks = start_sandbox()
    with run_sandbox() as b2brouter:
        yield {"quickbooks": quickbooks, "b2brouter": b2brouter}
    quickbooks.stop()


@pytest.fixture
def host(live_host, sandboxes):
    """The live host with both providers configured and enabled, QuickBooks connected first (as an admin would)."""
    from host.integrations import admin
    from host.integrations.settings import registry

    sandboxes["quickbooks"].store.reset()
    sandboxes["b2brouter"].store.reset()
    live = live_host(providers={"quickbooks": erp_host_quickbooks, "b2brouter": erp_host_b2brouter})
    forms = {"quickbooks": {**sandboxes["quickbooks"].config, "webhook_verifier_token": VERIFIER_TOKEN},
             "b2brouter": {**{k: str(v) for k, v in sandboxes["b2brouter"].config().items() if v is not False},
                           "requests_per_minute": "6000"}}  # these tests click in bursts
    with live.app.test_request_context(base_url=live.url):
        for key, form in forms.items():
            provider = registry().get(key)
            result, errors = admin.configure(provider, form, "admin")
            assert result.ok and not errors, (result.messages, errors)
            if key == "quickbooks":  # QuickBooks is enabled once a company is connected
                started = admin.run_action(provider, "connect", {}, "admin")
                assert admin.callback(provider, approve(started.redirect_url), "admin").ok
            assert admin.enable(provider, "admin").ok
    return live


def open_invoice(page, live, number):
    page.goto(live.url + "/invoices")
    page.get_by_role("link", name=number, exact=True).first.click()
    expect(page.locator("h1")).to_contain_text(number)


def panel(page, key):
    return page.locator(f'.integration-panel[data-provider="{key}"]')


def push(page, key, title):
    panel(page, key).get_by_role("button", name=f"New {title} invoice").click()
    expect(panel(page, key).locator(".remote-link")).to_be_visible()
    return panel(page, key).locator(".remote-link").inner_text().strip()


def test_a_quickbooks_payment_marks_the_invoice_paid_without_a_click(host, sandboxes, browser_page):
    from host.jobs import sync

    page, sandbox = browser_page, sandboxes["quickbooks"]
    host.login(page, "user")
    open_invoice(page, host, "INV-2026-0002")
    expect(page.locator(".payment-state")).to_have_text("Unpaid")
    remote_id = push(page, "quickbooks", QB)
    since = len(sandbox.store.events)

    # part of it paid in QuickBooks: its webhook (signed, CloudEvents) reaches the host, a job reads the invoice
    requests.post(f"{sandbox.url}/_sandbox/invoices/{remote_id}/payment", json={"amount": "100.00",
                  "txn_date": "2026-11-28"}, timeout=5).raise_for_status()
    delivered = requests.post(f"{sandbox.url}/_sandbox/webhooks/deliver", timeout=15, json={
        "url": f"{host.url}/integrations/quickbooks/webhook", "since": since}).json()
    assert delivered["status"] == 200
    page.reload()
    expect(page.locator(".payment-state")).to_have_text("Partially paid")
    expect(page.locator(".amount-paid")).to_contain_text("100.00")
    expect(page.locator(".payment-source")).to_contain_text(f"reported by {QB}")

    # the rest paid, no webhook: the scheduled sync brings it in
    requests.post(f"{sandbox.url}/_sandbox/invoices/{remote_id}/payment", json={"txn_date": "2026-11-30"},
                  timeout=5).raise_for_status()
    with host.app.app_context():
        sync.enqueue_due(datetime.now(timezone.utc) + timedelta(hours=1))
    page.reload()
    expect(page.locator(".payment-state")).to_have_text("Paid")
    expect(page.locator(".paid-on")).to_have_text("2026-11-30")
    expect(page.locator("h1 .badge")).to_have_text("Paid")
    expect(page.locator(".payment-history")).to_contain_text(QB)


def test_a_b2brouter_invoice_sent_from_the_invoice_page_reaches_sent_then_paid(host, sandboxes, browser_page):
    page, sandbox = browser_page, sandboxes["b2brouter"]
    host.login(page, "user")
    open_invoice(page, host, "INV-2026-0001")
    remote_id = push(page, "b2brouter", "B2BRouter")
    state = panel(page, "b2brouter").locator(".remote-state")
    expect(state).to_have_text("New")
    panel(page, "b2brouter").get_by_role("button", name="Send via B2BRouter").click()
    expect(state).to_have_text("Sent")
    expect(state.locator(".badge-tone-info")).to_have_count(1)
    expect(panel(page, "b2brouter").get_by_role("button", name="Send via B2BRouter")).to_have_count(0)
    assert sandbox.store.invoices[int(remote_id)]["state"] == "sent"

    # the customer pays; B2BRouter's signed state-change webhook arrives (twice: a replay changes nothing)
    sandbox.control(f"invoices/{remote_id}/pay", paid_date="2026-12-01")
    event = json.dumps(sandbox.served.control(f"invoices/{remote_id}/event", method="GET")).encode()
    for _ in range(2):
        answer = requests.post(f"{host.url}/integrations/b2brouter/webhook", data=event, timeout=10, headers={
            "Content-Type": "application/json", "X-B2Brouter-Signature": sign(B2B_SECRET, event)})
        assert answer.status_code == 200
    page.reload()
    expect(state).to_have_text("Paid")
    expect(state.locator(".badge-tone-success")).to_have_count(1)
    expect(page.locator(".payment-state")).to_have_text("Paid")
    expect(page.locator(".paid-on")).to_have_text("2026-12-01")


def test_a_credit_note_is_pushed_to_both_providers(host, sandboxes, browser_page):
    page = browser_page
    host.login(page, "user")
    open_invoice(page, host, "INV-2026-0002")
    push(page, "quickbooks", QB)
    push(page, "b2brouter", "B2BRouter")

    page.get_by_role("link", name="Credit this invoice").click()
    page.fill("input[name=reason]", "Brochure cancelled")
    page.get_by_role("button", name="Create credit note").click()
    expect(page.locator("h1")).to_contain_text("Credit note INV-2026-0002-CN1")
    expect(page.locator(".credit-of")).to_contain_text("Brochure cancelled")

    memo_id = push(page, "quickbooks", QB)
    assert memo_id.startswith("cm-")
    memo = sandboxes["quickbooks"].store.get("CreditMemo", memo_id[3:])
    assert memo["TotalAmt"] > 0 and "for invoice INV-2026-0002" in memo["PrivateNote"]
    expect(panel(page, "quickbooks").locator(".total-differs")).to_have_count(0)

    note_id = push(page, "b2brouter", "B2BRouter")
    stored = sandboxes["b2brouter"].store.invoices[int(note_id)]
    assert stored["is_credit_note"] is True and stored["amended_number"] == "INV-2026-0002"
    assert stored["amended_reason"] == "Brochure cancelled"
    expect(panel(page, "b2brouter").locator(".total-differs")).to_have_count(0)

    page.get_by_role("link", name="INV-2026-0002", exact=True).click()
    expect(page.locator("#credit-notes")).to_contain_text("INV-2026-0002-CN1")
