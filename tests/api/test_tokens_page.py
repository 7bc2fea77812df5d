"""The API tokens page: make (shown once, stored hashed, optional expiry), list, revoke; admins revoke anyone's."""
import re

from host.demo import DEMO_USERS
from host.extensions import db
from host.models import ApiToken


def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def logged_in(app, username):
    client = app.test_client()
    client.post("/login", data={"username": username, "password": DEMO_USERS[username][0],
                                "csrf_token": csrf_of(client.get("/login"))})
    return client


def make(client, name, expires_on=""):
    page = client.get("/settings/tokens/")
    return client.post("/settings/tokens/", data={"name": name, "expires_on": expires_on, "csrf_token": csrf_of(page)})


def test_a_new_token_is_shown_once_and_works(app, demo):
    clerk = logged_in(app, "clerk")
    response = make(clerk, "nightly push", "2999-01-01")
    assert response.status_code == 200
    token = re.search(r'id="new-token">(erp_[\w-]+)<', response.get_data(as_text=True)).group(1)
    listing = clerk.get("/settings/tokens/").get_data(as_text=True)
    assert "nightly push" in listing and token not in listing and token[:8] in listing and "2999-01-01" in listing
    api = app.test_client().get("/api/v1/taxes", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    with app.app_context():
        row = db.session.execute(db.select(ApiToken)).scalar_one()
        assert row.token_hash != token and len(row.token_hash) == 64 and row.last_used_at is not None


def test_bad_input_and_missing_csrf_are_refused(app, demo):
    clerk = logged_in(app, "clerk")
    assert make(clerk, "", "").status_code == 400
    past = make(clerk, "old", "2001-01-01")
    assert past.status_code == 400 and "Choose a date after today." in past.get_data(as_text=True)
    assert clerk.post("/settings/tokens/", data={"name": "no csrf"}).status_code == 400
    with app.app_context():
        assert db.session.execute(db.select(ApiToken)).first() is None


def test_users_revoke_their_own_and_admins_anyones(app, demo):
    clerk, admin = logged_in(app, "clerk"), logged_in(app, "admin")
    make(clerk, "clerk token")
    make(admin, "admin token")
    with app.app_context():
        ids = {row.name: row.id for row in db.session.execute(db.select(ApiToken)).scalars()}
    clerk_page = clerk.get("/settings/tokens/")
    assert "admin token" not in clerk_page.get_data(as_text=True)
    refused = clerk.post(f"/settings/tokens/{ids['admin token']}/revoke", data={"csrf_token": csrf_of(clerk_page)})
    assert refused.status_code == 404
    admin_page = admin.get("/settings/tokens/")
    assert "clerk token" in admin_page.get_data(as_text=True)
    revoked = admin.post(f"/settings/tokens/{ids['clerk token']}/revoke", data={"csrf_token": csrf_of(admin_page)})
    assert revoked.status_code == 302
    with app.app_context():
        rows = {row.name: row.revoked_at for row in db.session.execute(db.select(ApiToken)).scalars()}
    assert rows["clerk token"] is not None and rows["admin token"] is None
    assert "revoked" in clerk.get("/settings/tokens/").get_data(as_text=True)
