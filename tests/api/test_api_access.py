"""Every API operation, from the OpenAPI document: anonymous, revoked and
expired tokens get 401, a user's token gets 403 where only admins may act,
and the session cookie never authenticates."""
import re

import pytest

from host.demo import DEMO_USERS

ADMIN_ONLY = {("post", "/api/v1/providers/{provider}/configure"), ("post", "/api/v1/providers/{provider}/enable"),
              ("post", "/api/v1/providers/{provider}/disable"), ("get", "/api/v1/log")}
PARAMS = {"provider": "reference"}


def operations(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "post", "patch", "put", "delete"):
                yield method, path


def concrete(path):
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS.get(m.group(1), "1"), path)


def call(client, method, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(concrete(path), method=method.upper(), json={} if method != "get" else None, headers=headers)


def test_the_document_lists_every_resource(app):
    paths = {path for _method, path in operations(app)}
    for expected in ("/api/v1/clients", "/api/v1/services", "/api/v1/taxes", "/api/v1/payment-terms",
                     "/api/v1/invoices", "/api/v1/invoices/{invoice_id}/integrations/{provider}/create",
                     "/api/v1/runs", "/api/v1/runs/{run_id}/retry", "/api/v1/providers/{provider}/configure",
                     "/api/v1/log", "/api/v1/jobs/{job_id}"):
        assert expected in paths
    assert len(list(operations(app))) >= 30


@pytest.mark.parametrize("who", ["anonymous", "revoked", "expired", "garbage"])
def test_every_operation_refuses_requests_without_a_valid_token(app, tokens, who):
    client = app.test_client()
    token = {"anonymous": None, "garbage": "erp_not-a-real-token"}.get(who, tokens.get(who))
    for method, path in operations(app):
        response = call(client, method, path, token)
        assert response.status_code == 401, (method, path, response.json)
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        problem = response.json
        assert problem["status"] == 401 and problem["title"] == "Unauthorized"
        if who == "revoked":
            assert "revoked" in problem["detail"]
        if who == "expired":
            assert "expired" in problem["detail"]


def test_admin_only_operations_refuse_a_users_token(app, tokens):
    client = app.test_client()
    for method, path in operations(app):
        response = call(client, method, path, tokens["user"])
        if (method, path) in ADMIN_ONLY:
            assert response.status_code == 403, (method, path)
            assert "admin" in response.json["detail"]
        else:
            assert response.status_code not in (401, 403), (method, path, response.json)


def test_admins_pass_the_role_check_everywhere(app, tokens):
    client = app.test_client()
    for method, path in operations(app):
        response = call(client, method, path, tokens["admin"])
        assert response.status_code not in (401, 403, 500), (method, path, response.json)


def test_a_logged_in_session_cookie_does_not_authenticate_the_api(app, tokens):
    client = app.test_client()
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": "admin", "password": DEMO_USERS["admin"][0],
                                       "csrf_token": csrf}).status_code == 302
    assert client.get("/invoices").status_code == 200  # the session works for pages
    assert client.get("/api/v1/invoices").status_code == 401
    assert client.post("/api/v1/clients", json={"code": "X", "name": "X"}).status_code == 401


def test_no_csrf_token_is_needed_with_a_bearer_token(api):
    response = api("user").post("/clients", json={"code": "NEW", "name": "New client"})
    assert response.status_code == 201, response.json


def test_using_a_token_records_when_it_was_last_used(app, api, tokens):
    from host.extensions import db
    from host.models import ApiToken
    from host.rest.tokens import digest

    assert api("user").get("/clients").status_code == 200
    with app.app_context():
        row = db.session.execute(db.select(ApiToken).filter_by(token_hash=digest(tokens["user"]))).scalar_one()
        assert row.last_used_at is not None
        assert tokens["user"] not in (row.token_hash, row.prefix)  # only the hash is stored
