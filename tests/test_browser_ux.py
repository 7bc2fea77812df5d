"""What clerks and admins see, in Chromium: outcomes in view, current statuses,
error pages, one message per fact, the list, the log, the new-invoice form,
pickers, and every page at phone width (390 px) without sideways scrolling.

Screenshots of the main pages at desktop and phone width go to
docs/screenshots/ (see the README)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from host.integrations import admin
from host.integrations.settings import registry
from host.testing.reference_provider import GOOD_KEY, ReferenceProvider

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def enable(host, key: str, **form) -> None:
    with host.app.test_request_context():
        provider = registry().get(key)
        result, errors = admin.configure(provider, {"api_key": GOOD_KEY, "account": "ACC-1", **form}, "admin")
        assert result.ok and not errors
        assert admin.enable(provider, "admin").ok


def in_view(locator) -> bool:
    return locator.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }")


def fits(page) -> int:
    """The page's width: at most the viewport's when nothing scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{'phone' if width <= 400 else 'desktop'}.png"), full_page=True)


def open_invoice(page, host, number: str):
    page.goto(host.url + "/invoices")
    page.locator("table.invoices").get_by_role("link", name=number, exact=True).click()
    expect(page.locator("h1")).to_contain_text(number)


def test_outcomes_in_view_unlink_asks_and_error_pages_use_the_layout(live_host, browser_page):
    reference = ReferenceProvider()
    host = live_host({"reference": reference})
    enable(host, "reference")
    page = browser_page
    page.set_viewport_size(DESKTOP)
    host.login(page, "user")

    # error pages: the app's layout, the reason, the way back
    page.goto(host.url + "/settings/integrations/")
    expect(page.locator(".error-page h1")).to_contain_text("Admins only")
    expect(page.locator("header.topbar nav")).to_be_visible()
    expect(page.locator(".error-page")).not_to_contain_text("read-protected")
    expect(page.locator(".error-page a", has_text="Invoices")).to_be_visible()
    page.goto(host.url + "/invoices/999999")
    expect(page.locator(".error-page h1")).to_contain_text("Not found")
    expect(page.locator(".error-page a", has_text="Invoices")).to_be_visible()

    # New, Refresh, Unlink, Link: the outcome shows in the section, in view
    open_invoice(page, host, "INV-2026-0001")
    panel = page.locator(".integration-panel[data-provider=reference]")
    panel.get_by_role("button", name="New Reference invoice").click()
    outcome = panel.locator(".outcome .plate-success").first
    expect(outcome).to_contain_text("Created Reference invoice 1001")
    assert in_view(outcome)
    panel.get_by_role("button", name="Refresh").click()
    expect(panel.locator(".outcome .plate").first).to_be_visible()
    assert in_view(panel.locator(".outcome .plate").first)

    # Unlink asks first, then says it once
    expect(panel.get_by_role("button", name="Unlink Reference invoice")).to_be_hidden()
    panel.locator("summary", has_text="Unlink").click()
    expect(panel.locator(".unlink-confirm")).to_contain_text("stays as it is")
    panel.get_by_role("button", name="Unlink Reference invoice").click()
    expect(panel.locator(".outcome .plate")).to_have_count(1)
    expect(panel.locator(".outcome .plate")).to_contain_text("Unlinked Reference invoice")
    assert in_view(panel.locator(".outcome .plate"))

    panel.get_by_role("link", name="Link Reference invoice").click()
    page.locator("tr[data-remote-id='1001']").get_by_role("button", name="Link").click()
    outcome = page.locator(".integration-panel[data-provider=reference] .outcome .plate").first
    expect(outcome).to_contain_text("Linked Reference invoice 1001")
    assert in_view(outcome)


def test_configure_pages_show_one_plate_per_fact_and_a_current_status(live_host, browser_page):
    host = live_host({"reference": ReferenceProvider()})
    page = browser_page
    host.login(page, "admin")
    page.goto(host.url + "/settings/integrations/reference")
    expect(page.locator(".last-check")).to_have_text("Not checked yet")
    page.fill("input[name=api_key]", "wrong")
    page.fill("input[name=account]", "ACC-1")
    page.click("#config-form button[type=submit]")
    expect(page.locator(".flash, #notices .plate")).to_have_count(1)
    expect(page.locator("#notices")).to_contain_text("The API key was rejected.")
    page.fill("input[name=api_key]", GOOD_KEY)
    page.fill("input[name=account]", "ACC-1")
    page.fill("input[name=webhook_secret]", "hook-secret")
    page.click("#config-form button[type=submit]")
    page.get_by_role("button", name="Check again").click()
    expect(page.locator("#notices .plate")).to_have_count(1)
    expect(page.locator(".flash")).to_have_count(0)
    expect(page.locator(".last-check")).to_contain_text("UTC")
    # a removable secret's checkbox is its own label, not inside help text
    expect(page.locator(".help input[type=checkbox]")).to_have_count(0)
    expect(page.locator("label.clear-secret")).to_contain_text("Remove the stored webhook secret")
    page.goto(host.url + "/settings/integrations/")
    expect(page.locator("tr[data-provider=reference] .last-check")).to_contain_text("UTC")


def test_the_list_shows_where_each_invoice_went_and_the_log_serves_support(live_host, browser_page):
    reference = ReferenceProvider()
    host = live_host({"reference": reference})
    enable(host, "reference")
    page = browser_page
    page.set_viewport_size(DESKTOP)
    host.login(page, "admin")
    open_invoice(page, host, "INV-2026-0001")
    page.get_by_role("button", name="New Reference invoice").click()
    expect(page.locator(".remote-number")).to_be_visible()
    reference.fail_next = "crash"
    open_invoice(page, host, "INV-2026-0002")
    page.get_by_role("button", name="New Reference invoice").click()
    expect(page.locator(".integration-panel .outcome .plate-error").first).to_be_visible()

    # the list: a badge per provider with the remote number and state, or "not sent"; coloured statuses
    page.goto(host.url + "/invoices")
    sent = page.locator("tr", has=page.get_by_role("link", name="INV-2026-0001", exact=True)).locator(".sent-to .badge")
    expect(sent).to_have_text(re.compile(r"Reference:\s+INV-2026-0001 · new"))
    expect(page.locator("tr", has=page.get_by_role("link", name="INV-2026-0004", exact=True)).locator(".sent-to")).to_contain_text("not sent")
    colours = page.locator("td .badge-issued, td .badge-draft, td .badge-paid").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colours not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    shoot(page, "invoice-list")
    # search by part of the number, then by the client's name
    page.fill("input[name=q]", "0003")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.invoices tbody tr")).to_have_count(1)
    page.fill("input[name=q]", "nordlicht")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.invoices tbody tr")).to_contain_text(["INV-2026-0003"])

    # the log: link to the invoice, titles, colours, UTC, clean messages, filters
    page.goto(host.url + "/settings/integrations/log")
    expect(page.locator("select[name=provider] option[value=reference]")).to_have_text("Reference")
    row = page.locator("tr.event", has=page.locator("td.invoice", has_text="INV-2026-0001")).first
    expect(row.locator("td.when")).to_contain_text("UTC")
    expect(row.locator(".badge-outcome-ok")).to_be_visible()
    assert "rgb(255, 255, 255)" != page.locator(".badge-outcome-failed, .badge-outcome-error").first.evaluate(
        "e => getComputedStyle(e).backgroundColor")
    expect(page.locator("td.message", has_text=".;")).to_have_count(0)
    page.fill("input[name=invoice]", "2026-0002")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tr.event td.invoice")).to_have_text(["INV-2026-0002"] * page.locator("tr.event").count())
    page.locator("tr.event td.invoice a").first.click()
    expect(page.locator("h1")).to_contain_text("INV-2026-0002")
    page.goto(host.url + "/settings/integrations/log?from=2001-01-01&to=2001-01-02")
    expect(page.locator("tr.event")).to_have_count(0)


def test_new_invoice_form_numbers_follows_the_client_and_adds_lines(live_host, browser_page):
    host = live_host({})
    page = browser_page
    page.set_viewport_size(DESKTOP)
    host.login(page, "user")
    page.goto(host.url + "/invoices/new")
    number = page.locator("input[name=number]")
    expect(number).to_have_value("")
    next_number = number.get_attribute("placeholder")
    assert re.fullmatch(r"INV-\d{4}-\d{4}", next_number)
    expect(page.locator("table.lines tbody tr")).to_have_count(1)
    page.select_option("select[name=client]", label="AMY – Amy's Bird Sanctuary")
    expect(page.locator("input[name=currency]")).to_have_value("USD")
    page.select_option("select[name=client]", label="ACME-DE – Acme Übersetzungen GmbH")
    expect(page.locator("input[name=currency]")).to_have_value("EUR")
    page.select_option("select[name=client]", label="AMY – Amy's Bird Sanctuary")
    page.select_option("select[name='lines-0-service']", label="Translation")
    expect(page.locator("textarea[name='lines-0-description']")).to_have_value("Translation")
    page.fill("input[name='lines-0-quantity']", "1000")
    page.get_by_role("button", name="Add line").click()
    page.get_by_role("button", name="Add line").click()
    expect(page.locator("table.lines tbody tr")).to_have_count(3)
    expect(page.locator("input[name='lines-2-quantity']")).to_have_value("")
    page.select_option("select[name='lines-2-service']", label="Design")  # fills the new row too
    expect(page.locator("input[name='lines-2-unit_price']")).to_have_value("75")
    shoot(page, "new-invoice")
    page.get_by_role("button", name="Create invoice").click()
    expect(page.locator("h1")).to_contain_text(next_number)
    expect(page.locator("table.lines tbody tr")).to_have_count(2)
    expect(page.locator("table.totals .total")).to_contain_text("USD")


PAGES = {  # screenshot name: path (the invoice and picker of INV-2026-0001, id 1)
    "invoice-list": "/invoices",
    "invoice": "/invoices/1",
    "picker": "/invoices/1/integrations/reference/pick",
    "new-invoice": "/invoices/new",
    "integrations": "/settings/integrations/",
    "configure": "/settings/integrations/reference",
    "company": "/settings/company",
    "log": "/settings/integrations/log",
}


def test_every_main_page_fits_a_phone_and_screenshots_are_saved(live_host, browser_page):
    reference = ReferenceProvider()
    host = live_host({"reference": reference})
    enable(host, "reference")
    page = browser_page
    host.login(page, "admin")
    page.goto(host.url + "/invoices/1")
    page.get_by_role("button", name="New Reference invoice").click()
    expect(page.locator(".remote-number")).to_be_visible()
    for width in (PHONE, DESKTOP):
        page.set_viewport_size(width)
        for name, path in PAGES.items():
            page.goto(host.url + path)
            expect(page.locator("main h1")).to_be_visible()
            if width is PHONE:
                assert fits(page) <= 390, f"{name} is {fits(page)} px wide at 390 px"
            shoot(page, name)
    # small things: thousands separators; the totals table does not touch the integration box
    page.goto(host.url + "/invoices/1")
    expect(page.locator("td.quantity").first).to_have_text("12,480")
    gap = page.locator(".integration-panel").first.bounding_box()["y"] - (
        page.locator("table.totals").bounding_box()["y"] + page.locator("table.totals").bounding_box()["height"])
    assert gap >= 16
    page.set_viewport_size(PHONE)
    page.goto(host.url + "/invoices")
    assert page.locator("header.topbar").bounding_box()["height"] < 100  # compact navigation
    link = page.locator("table.invoices a", has_text="INV-2026-0002")
    assert link.bounding_box()["x"] + link.bounding_box()["width"] <= 390
    page.goto(host.url + "/invoices/1")  # unlinked, 1001 is offered with its Link button
    page.locator("summary", has_text="Unlink").click()
    page.get_by_role("button", name="Unlink Reference invoice").click()
    page.goto(host.url + PAGES["picker"])
    assert fits(page) <= 390
    button = page.locator("#remote-invoices button", has_text="Link").first
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # not cut off


def test_the_picker_marks_linked_rows_and_asks_before_linking_across_customer_or_currency(live_host, browser_page):
    host = live_host({"reference": ReferenceProvider()})
    enable(host, "reference")
    page = browser_page
    page.set_viewport_size(DESKTOP)
    host.login(page, "user")
    for number in ("INV-2026-0001", "INV-2026-0002"):
        open_invoice(page, host, number)
        page.get_by_role("button", name="New Reference invoice").click()
        expect(page.locator(".remote-number")).to_be_visible()
    page.goto(host.url + "/invoices/1")  # 1001 is free again; 1002 stays linked to INV-2026-0002
    page.locator("summary", has_text="Unlink").click()
    page.get_by_role("button", name="Unlink Reference invoice").click()

    open_invoice(page, host, "INV-2026-0003")  # Nordlicht Media, USD
    page.get_by_role("link", name="Link Reference invoice").click()
    taken = page.locator("tr[data-remote-id='1002']")
    expect(taken.locator(".linked-elsewhere")).to_contain_text("Linked to INV-2026-0002")
    expect(taken.get_by_role("button")).to_have_count(0)
    other = page.locator("tr[data-remote-id='1001']")
    expect(other.get_by_role("button", name="Link anyway")).to_be_hidden()
    other.locator("summary", has_text="Link").click()
    confirm = other.locator(".link-confirm .plate")
    expect(confirm).to_contain_text("another customer (Acme Übersetzungen GmbH, not Nordlicht Media)")
    expect(confirm).to_contain_text("another currency (EUR, this invoice USD)")
    other.get_by_role("button", name="Link anyway").click()
    outcome = page.locator(".integration-panel .outcome")  # the real differences, named
    expect(outcome).to_contain_text("is in EUR")
    expect(outcome).to_contain_text("this invoice is in USD")
    page.goto(host.url + "/invoices/3/integrations/reference/pick")
    expect(page.locator("tr[data-remote-id='1001'] .linked-here")).to_have_text("Linked to this invoice")
