"""The PDF download changes nothing on GET; a cross-site link cannot trigger it (issue 10, item 12).

Downloading calls the provider and writes the history, so it is a POST with
the CSRF token. ``SameSite=Lax`` cookies travel with a cross-site top-level
GET, which is why a GET must not do it.
"""
import re

from host.demo import DEMO_USERS
from host.testing.reference_provider import GOOD_KEY

ACME = 1
DOCUMENT = f"/invoices/{ACME}/integrations/reference/document"


def linked(client, login):
    login("admin")
    client.post("/settings/integrations/reference", data={"api_key": GOOD_KEY, "account": "A"})
    client.post("/settings/integrations/reference/enable")
    client.post(f"/invoices/{ACME}/integrations/reference/create")
    return client


def test_a_cross_site_get_of_the_download_calls_no_provider_and_writes_nothing(app, client, login, demo, reference, snapshot):
    linked(client, login)
    before, calls = snapshot(), list(reference.calls)
    response = client.get(DOCUMENT, headers={"Referer": "https://evil.example/", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 405
    assert snapshot() == before and reference.calls == calls


def token(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_the_download_is_a_post_form_with_the_csrf_token(make_host_app, reference):
    from host.demo import load_demo

    csrf_app = make_host_app({"reference": reference}, WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        load_demo()
    browser = csrf_app.test_client()
    browser.post("/login", data={"username": "admin", "password": DEMO_USERS["admin"][0],
                                 "csrf_token": token(browser, "/login")})
    settings = token(browser, "/settings/integrations/reference")
    browser.post("/settings/integrations/reference", data={"api_key": GOOD_KEY, "account": "A", "csrf_token": settings})
    browser.post("/settings/integrations/reference/enable", data={"csrf_token": settings})
    browser.post(f"/invoices/{ACME}/integrations/reference/create", data={"csrf_token": settings})
    page = browser.get(f"/invoices/{ACME}").get_data(as_text=True)
    form = re.search(rf'<form method="post" action="{DOCUMENT}">(.*?)</form>', page, re.S)
    assert form and 'name="csrf_token"' in form.group(1) and "Download Reference PDF" in form.group(1)
    calls = list(reference.calls)
    assert browser.post(DOCUMENT).status_code == 400  # a forged cross-site POST has no token
    assert reference.calls == calls
    response = browser.post(DOCUMENT, data={"csrf_token": token(browser, f"/invoices/{ACME}")})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert reference.calls[-1] == "remote_document"
