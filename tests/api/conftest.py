"""Fixtures for the REST API tests: an app with the reference provider, demo
data, and tokens for the admin and the clerk."""
from datetime import datetime, timedelta, timezone

import pytest

from host.extensions import db
from host.models import User
from host.rest import tokens as token_service
from host.testing.reference_provider import GOOD_KEY


@pytest.fixture
def app(make_host_app, reference, second):
    # CSRF on, as in production: the API must not need it
    return make_host_app({"reference": reference, "second": second}, WTF_CSRF_ENABLED=True)


@pytest.fixture
def tokens(app, demo):
    """{"admin", "user", "revoked", "expired"}: bearer tokens."""
    made = {}
    with app.app_context():
        admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar_one()
        clerk = db.session.execute(db.select(User).filter_by(username="clerk")).scalar_one()
        made["admin"] = token_service.create(admin, "admin script")[1]
        made["user"] = token_service.create(clerk, "clerk script")[1]
        row, made["revoked"] = token_service.create(clerk, "old script")
        token_service.revoke(row)
        past = datetime.now(timezone.utc) - timedelta(days=1)
        made["expired"] = token_service.create(admin, "expired script", past)[1]
    return made


class Api:
    """A test client that speaks to /api/v1 with a token."""

    def __init__(self, client, token):
        self.client = client
        self.token = token

    def headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return headers | (extra or {})

    def get(self, path, **kwargs):
        return self.client.get("/api/v1" + path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.client.post("/api/v1" + path, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.client.patch("/api/v1" + path, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs)


@pytest.fixture
def api(app, tokens):
    """``api("user")`` or ``api("admin")``: a client with that token."""
    return lambda who="user": Api(app.test_client(), tokens[who])


@pytest.fixture
def enabled(api):
    """The reference provider configured and enabled (through the API)."""
    admin = api("admin")
    response = admin.post("/providers/reference/configure", json={"settings": {"api_key": GOOD_KEY, "account": "A"}})
    assert response.status_code == 200, response.json
    assert admin.post("/providers/reference/enable").status_code == 200
    return api
