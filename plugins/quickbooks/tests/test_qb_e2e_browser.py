"""End to end in Chromium: configure, connect through the sandbox's consent
page, create, see what is missing, open, refresh, unlink and link back."""
import re

import pytest
import requests
from playwright.sync_api import expect

from erp_host_quickbooks.sandbox import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.browser


def open_invoice(page, host, number):
    page.goto(host.url + "/invoices")
    page.get_by_role("link", name=number, exact=True).first.click()
    expect(page.locator("h1")).to_contain_text(number)


def test_quickbooks_in_the_browser(live_host, browser_page, sandbox, plugin):
    host = live_host(providers={"quickbooks": plugin})
    page = browser_page
    host.login(page, "admin")

    # configure: the client ID and secret are accepted before any company is connected
    page.goto(host.url + "/settings/integrations/quickbooks")
    page.fill("input[name=client_id]", CLIENT_ID)
    page.fill("input[name=client_secret]", CLIENT_SECRET)
    page.select_option("select[name=environment]", "custom")
    page.fill("input[name=custom_base_url]", sandbox.url)
    page.click("#config-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Connect to QuickBooks to finish")
    expect(page.locator("main")).not_to_contain_text(CLIENT_SECRET)
    expect(page.get_by_role("button", name="Disconnect")).to_have_count(0)  # nothing to disconnect yet
    page.get_by_role("button", name="Enable").click()
    expect(page.locator("main")).to_contain_text("QuickBooks is not connected yet, so it stays disabled")
    expect(page.locator(".actions button.primary")).to_have_text(["Connect to QuickBooks"])
    page.goto(host.url + "/settings/integrations/")
    expect(page.locator("tr[data-provider=quickbooks] .status")).to_have_text("disabled")
    page.goto(host.url + "/settings/integrations/quickbooks")

    # connect through the sandbox's consent page and back, then enable
    page.get_by_role("button", name="Connect to QuickBooks").click()
    page.wait_for_url(re.compile(re.escape(sandbox.url) + r"/connect/oauth2\?"))
    expect(page.locator("body")).to_contain_text("Sandbox Company_US_1")
    page.click("#approve")
    page.wait_for_url(host.url + "/settings/integrations/quickbooks")
    expect(page.locator("main")).to_contain_text("Connected to QuickBooks.")
    expect(page.locator("main")).to_contain_text("Sandbox Company_US_1")
    page.get_by_role("button", name="Enable").click()
    expect(page.locator("main")).to_contain_text("Invoices go to the QuickBooks company “Sandbox Company_US_1”")
    page.reload()  # the status is current without "Check again"
    expect(page.locator("#notices")).not_to_contain_text("Connect to QuickBooks to finish")
    expect(page.locator("#notices")).to_contain_text("Connected to the QuickBooks company")
    expect(page.locator("h1 .status")).to_have_text("enabled")
    expect(page.locator(".actions button.primary")).to_have_count(0)
    expect(page.get_by_role("button", name="Disconnect")).to_have_count(1)
    expect(page.get_by_role("button", name="Reconnect to QuickBooks")).to_have_count(1)
    expect(page.locator(".last-check")).to_contain_text("UTC")

    # an invoice whose client, services, term and tax exist in QuickBooks
    open_invoice(page, host, "INV-2026-0002")
    page.get_by_role("button", name="New QuickBooks Online invoice").click()
    expect(page.locator(".remote-number")).to_have_text("INV-2026-0002")
    expect(page.locator(".remote-state")).to_contain_text("open")
    expect(page.locator(".total-differs")).to_have_count(0)  # QuickBooks computed the same total
    remote_id = page.locator("a.remote-link").inner_text().strip()
    remote_url = page.locator("a.remote-link").get_attribute("href")
    assert remote_url == f"{sandbox.url}/app/invoice?txnId={remote_id}"
    invoice_url = page.url

    # open it in the (fake) QuickBooks web app
    page.goto(remote_url)
    expect(page.locator("h1")).to_contain_text("INV-2026-0002")
    expect(page.locator("#customer")).to_have_text("Amy's Bird Sanctuary")
    page.goto(invoice_url)

    # refresh after the customer paid in QuickBooks
    requests.post(f"{sandbox.url}/_sandbox/invoices/{remote_id}/payment", timeout=5).raise_for_status()
    page.get_by_role("button", name="Refresh").click()
    expect(page.locator(".remote-state")).to_contain_text("paid")
    expect(page.locator(".remote-balance")).to_have_text(re.compile(r"^0(\.0+)?$"))

    # unlink (QuickBooks keeps its invoice), then link back through the picker
    page.locator(".integration-panel summary", has_text="Unlink").click()
    page.get_by_role("button", name="Unlink QuickBooks Online invoice").click()
    expect(page.locator(".integration-panel")).to_contain_text("No QuickBooks Online invoice is linked")
    page.get_by_role("link", name="Link QuickBooks Online invoice").click()
    expect(page.locator(".picker-scope")).to_contain_text("customer “Amy's Bird Sanctuary”")  # says the filter
    page.fill("input[name=q]", "026-000")  # part of the number
    page.get_by_role("button", name="Search").click()
    row = page.locator(f"#remote-invoices tr[data-remote-id='{remote_id}']")
    expect(row).to_contain_text("INV-2026-0002")
    expect(page.locator("#remote-invoices")).not_to_contain_text("Bill's Windsurf Shop")
    row.get_by_role("button", name="Link").click()
    expect(page.locator(".remote-number")).to_have_text("INV-2026-0002")
    assert len([i for i in sandbox.store.entities["Invoice"].values() if i.get("DocNumber") == "INV-2026-0002"]) == 1

    # an invoice whose customer and service do not exist: everything missing, listed at once
    creates = sandbox.store.stats.invoice_creates
    open_invoice(page, host, "INV-2026-0003")
    page.get_by_role("button", name="New QuickBooks Online invoice").click()
    error = page.locator(".integration-panel .outcome .plate-error")  # shown where the user clicked
    expect(error).to_contain_text("No QuickBooks customer has the display name “Nordlicht Media”")
    expect(error).to_contain_text("The service “Project management” does not exist in QuickBooks")
    assert error.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    expect(page.locator(".integration-panel")).to_contain_text("No QuickBooks Online invoice is linked")
    assert sandbox.store.stats.invoice_creates == creates
