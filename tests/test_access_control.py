"""Every route refuses anonymous visitors, and admin routes refuse users."""
import pytest

PUBLIC = {"auth.login", "static", "hooks.webhook"}
ADMIN_ONLY_BLUEPRINTS = {"integrations", "company", "bank_accounts"}
ADMIN_ONLY_ENDPOINTS = {"hooks.callback"}
SAMPLE_VALUES = {"invoice_id": 1, "provider": "reference", "name": "ping", "record_id": 1, "kind": "clients", "filename": "style.css"}


def routes(app):
    """The pages' routes; the REST API (tokens, not sessions) is checked in tests/api/test_api_access.py."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        values = {arg: SAMPLE_VALUES.get(arg, 1) for arg in rule.arguments}
        path = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def is_admin_only(endpoint):
    return endpoint.split(".")[0] in ADMIN_ONLY_BLUEPRINTS or endpoint in ADMIN_ONLY_ENDPOINTS


def test_the_route_list_is_not_empty(app):
    endpoints = {endpoint for endpoint, _, _ in routes(app)}
    assert {"invoices.index", "integrations.configure", "invoice_integrations.create", "company.edit"} <= endpoints


def test_anonymous_requests_are_sent_to_login(app, client, demo):
    checked = 0
    for endpoint, method, path in routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(path, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (endpoint, method, path, response.status_code)
        checked += 1
    assert checked > 30


def test_users_are_refused_every_admin_route_and_allowed_the_rest(app, client, login, demo):
    login("user")
    admin_routes = 0
    for endpoint, method, path in routes(app):
        if endpoint in PUBLIC or endpoint == "auth.logout":
            continue
        response = client.open(path, method=method)
        if is_admin_only(endpoint):
            assert response.status_code == 403, (endpoint, method, path, response.status_code)
            admin_routes += 1
        else:
            assert response.status_code != 403, (endpoint, method, path)
    assert admin_routes >= 8


def test_admins_reach_admin_routes(app, client, login):
    login("admin")
    for path in ("/settings/integrations/", "/settings/integrations/reference", "/settings/integrations/log", "/settings/company"):
        assert client.get(path).status_code == 200, path


def test_login_rejects_wrong_password_and_ignores_offsite_next(client):
    assert client.post("/login", data={"username": "admin", "password": "nope"}).status_code == 401
    response = client.post("/login?next=https://evil.example/", data={"username": "admin", "password": "admin-demo-pass"})
    assert response.status_code == 302 and response.headers["Location"] in ("/", "/invoices")


@pytest.fixture
def csrf_client(make_host_app, reference):
    return make_host_app({"reference": reference}, WTF_CSRF_ENABLED=True).test_client()


def test_forms_without_a_csrf_token_are_refused(csrf_client):
    assert csrf_client.post("/login", data={"username": "admin", "password": "admin-demo-pass"}).status_code == 400


def test_webhooks_are_exempt_from_csrf_but_not_from_signatures(csrf_client):
    # not enabled: 404 rather than a CSRF error proves the route is reachable without a token
    assert csrf_client.post("/integrations/reference/webhook", data=b"x").status_code == 404


def test_output_is_escaped(app, client, login):
    login("user")
    client.post("/clients/new", data={"code": "XSS", "name": "<script>alert(1)</script>", "country": "ES"})
    page = client.get("/clients").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_autolink_escapes_and_leaves_sentence_punctuation_outside_links():
    from host.views.messages import autolink

    html = str(autolink("Write to info@belazy.cat. See https://belazy.cat/contact-us/, or <b>not</b>."))
    assert '<a href="mailto:info@belazy.cat">info@belazy.cat</a>.' in html
    assert '<a href="https://belazy.cat/contact-us/" rel="noopener noreferrer">https://belazy.cat/contact-us/</a>,' in html
    assert "&lt;b&gt;not&lt;/b&gt;" in html
