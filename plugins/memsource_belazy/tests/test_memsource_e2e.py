"""End to end in Chromium: the real host app with this provider and the who-am-I sandbox."""
import pytest

import erp_host_memsource_belazy
from erp_host_memsource_belazy.sandbox.testing import running_sandbox

pytestmark = pytest.mark.browser
KEY = "memsource_belazy"


def _click(page, label):
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def _flash(page) -> str:
    return " ".join(page.locator(".flash, #notices .plate").all_inner_texts())


def test_contact_card_request_activate_and_check_connection(live_host, browser_page):
    live = live_host(providers={KEY: erp_host_memsource_belazy})
    page = browser_page
    live.login(page, "admin")

    # The Integrations list: the contact card with a mailto link, enable from the list.
    page.goto(f"{live.url}/settings/integrations/")
    row = page.locator(f'tr[data-provider="{KEY}"]')
    assert "Memsource via BeLazy" in row.inner_text()
    row.get_by_role("button", name="Enable").click()
    page.wait_for_load_state()
    row = page.locator(f'tr[data-provider="{KEY}"]')
    assert row.locator(".status").inner_text() == "Requested from BeLazy"  # the badge says the BeLazy state

    # The configure page: the card links, the status, and "Mark active".
    page.goto(f"{live.url}/settings/integrations/{KEY}")
    assert page.locator('a[href="mailto:info@belazy.cat"]').count() == 1  # the contact text once
    assert page.locator('a[href="https://belazy.cat/contact-us/"]').count() == 1
    assert page.locator('a[href="https://memsource.com/"]').count() == 1
    assert page.locator("h1 .status").inner_text() == "Requested from BeLazy"
    assert page.locator(".actions button.primary").all_inner_texts() == ["Mark active via BeLazy"]
    _click(page, "Mark active via BeLazy")
    assert page.locator("h1 .status").inner_text() == "Active via BeLazy"
    assert "marked by admin" in _flash(page)

    # Without a token the check says BeLazy manages the connection.
    _click(page, "Check connection")
    assert "managed by BeLazy" in _flash(page)

    with running_sandbox() as sandbox:
        # A wrong token is refused on save and never shown back.
        form = page.locator("#config-form")
        form.locator("input[name=phrase_base_url]").fill(sandbox.base_url)
        form.locator("input[name=phrase_api_token]").fill("wrong-token-e2e")
        _click(page, "Save")
        assert "was not accepted" in _flash(page) and "HTTP 401" in _flash(page)
        assert page.locator(".flash, #notices").get_by_text("The Phrase TMS API token was not accepted.").count() == 1  # one plate per fact
        assert "wrong-token-e2e" not in page.content()

        form = page.locator("#config-form")
        form.locator("input[name=phrase_base_url]").fill(sandbox.base_url)
        form.locator("input[name=contact_email]").fill("pm@lingua.example")
        form.locator("input[name=phrase_api_token]").fill(sandbox.token)
        _click(page, "Save")
        assert "token belongs to demo.pm (Lingua Demo SL)" in _flash(page)

        _click(page, "Check connection")
        shown = _flash(page)
        assert "Phrase TMS accepted the API token" in shown
        assert "User: demo.pm (Dana Project)" in shown and "Organisation: Lingua Demo SL" in shown
        assert sandbox.token not in page.content()

    # Every step is in the integration log.
    page.goto(f"{live.url}/settings/integrations/log?provider={KEY}")
    actions = page.locator("tr.event td.action").all_inner_texts()
    for action in ("enable", "action:mark_active", "action:check_connection", "configure"):
        assert action in actions
