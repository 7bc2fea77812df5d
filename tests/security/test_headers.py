"""Anti-framing and other security headers; the pages keep working under the
Content-Security-Policy (issue 10, item 11)."""
import re

import pytest


def policy(response) -> dict:
    return {part.split()[0]: part.split()[1:] for part in response.headers["Content-Security-Policy"].split("; ")}


def test_every_page_forbids_framing_and_foreign_content(client):
    response = client.get("/login")
    csp = policy(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_errors_and_static_files_carry_the_headers_too(client):
    assert "frame-ancestors 'none'" in client.get("/no-such-page").headers["Content-Security-Policy"]
    assert client.get("/static/style.css").headers["X-Content-Type-Options"] == "nosniff"


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_when_cookies_are_secure(make_host_app):
    app = make_host_app(SESSION_COOKIE_SECURE=True)
    hsts = app.test_client().get("/login").headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000")


@pytest.mark.parametrize("url", ["/invoices", "/invoices/new", "/invoices/1", "/invoices/1/edit", "/clients",
                                 "/clients/new", "/settings/company", "/settings/integrations/",
                                 "/settings/integrations/reference", "/settings/integrations/log"])
def test_pages_have_no_inline_script_or_style(client, login, demo, url):
    login("admin")
    page = client.get(url).text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", page)


@pytest.mark.browser
def test_choosing_a_service_still_fills_the_line_under_the_policy(live_host, browser_page):
    host = live_host()
    violations = []
    browser_page.on("console", lambda message: violations.append(message.text)
                    if "Content Security Policy" in message.text else None)
    host.login(browser_page, "user")
    browser_page.goto(host.url + "/invoices/new")
    select = browser_page.locator("select.line-service").first
    select.select_option(index=1)
    description = browser_page.locator("textarea.line-description").first.input_value()
    assert description == select.locator("option").nth(1).get_attribute("data-name")
    assert browser_page.locator("input.line-price").first.input_value() != ""
    assert violations == []
