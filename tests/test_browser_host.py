"""The host in a real browser (Playwright driving Debian's Chromium)."""
import re

from host.testing.reference_provider import GOOD_KEY, ReferenceProvider


def test_admin_configures_enables_and_a_clerk_pushes_an_invoice(live_host, browser_page, tmp_path):
    reference = ReferenceProvider()
    host = live_host({"reference": reference})
    page = browser_page

    host.login(page, "admin")
    page.click("text=Settings → Integrations")
    row = page.locator("tr[data-provider=reference]")
    assert row.locator(".status").inner_text() == "disabled"
    row.locator("text=Configure").click()
    page.fill("input[name=api_key]", GOOD_KEY)
    page.fill("input[name=account]", "ACC-1")
    page.click("#config-form button[type=submit]")
    assert "Reference is set up correctly" in page.locator(".plate-info").inner_text()
    assert page.locator("input[name=api_key]").get_attribute("value") == ""
    assert GOOD_KEY not in page.content()
    page.click("button:has-text('Enable')")
    assert page.locator("h1 .status").inner_text() == "enabled"
    page.screenshot(path=str(tmp_path / "configure.png"))
    page.click("button:has-text('Log out')")

    host.login(page, "user")
    page.click("text=INV-2026-0001")
    panel = page.locator(".integration-panel[data-provider=reference]")
    assert panel.locator("h2").inner_text() == "Linked Reference invoice details"
    panel.locator("button:has-text('New Reference invoice')").click()
    assert "Created Reference invoice 1001." in panel.locator(".outcome .plate-success").inner_text()
    link = panel.locator("a.remote-link")
    assert link.inner_text() == "1001" and link.get_attribute("href") == "https://reference.invalid/invoices/1001"
    panel.locator("summary:has-text('Unlink')").click()
    panel.locator("button:has-text('Unlink Reference invoice')").click()
    panel.locator("text=Link Reference invoice").click()
    page.fill("input[name=q]", "0001")
    page.click("button:has-text('Search')")
    page.locator("tr[data-remote-id='1001'] button:has-text('Link')").click()
    assert re.search(r"Linked Reference invoice 1001", panel.locator(".outcome .plate-success").first.inner_text())
    assert page.locator(".events .event").count() == 3
    page.screenshot(path=str(tmp_path / "invoice.png"), full_page=True)
    # users don't see the admin menu
    assert page.locator("text=Settings → Integrations").count() == 0
