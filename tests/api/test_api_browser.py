"""The API docs page and the API tokens page in a real browser: Swagger UI renders under the
app's Content-Security-Policy, from the app's own files, and a token made on the page works."""
import re

import pytest
import requests

from host.testing.reference_provider import ReferenceProvider

pytestmark = pytest.mark.browser


def test_docs_render_locally_and_a_token_from_the_page_works(live_host, browser_page):
    host = live_host({"reference": ReferenceProvider()})
    page = browser_page
    refused, outside = [], []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(host.url) else None)

    page.goto(host.url + "/api/v1/docs")
    page.wait_for_selector('[data-path="/api/v1/invoices/{invoice_id}/integrations/{provider}/create"]')
    assert "erp-host" in page.locator(".info .title").inner_text()
    assert refused == [] and outside == []

    host.login(page, "user")
    page.click("text=API tokens")
    page.fill("input[name=name]", "browser test")
    page.click("text=Make a token")
    token = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"erp_[\w-]{43}", token)
    answer = requests.get(host.url + "/api/v1/invoices", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["total"] == 4
    page.goto(host.url + "/settings/tokens/")
    assert page.locator("#new-token").count() == 0  # shown once
