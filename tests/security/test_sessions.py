"""Logging out, a new password or a new role ends every earlier session (issue 10, item 2)."""
import pytest

from host.extensions import db
from host.models import User


def copy_of_session(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def logged_in(client) -> bool:
    return client.get("/invoices").status_code == 200


def change_user(app, username, change):
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
        change(user)
        db.session.commit()


def test_a_cookie_copied_before_logout_stops_working(app, client, login):
    login("user")
    copy = copy_of_session(app, client)
    assert logged_in(copy)
    client.post("/logout")
    assert not logged_in(copy)
    assert copy.get("/invoices").headers["Location"].startswith("/login")


def test_logout_ends_the_users_other_sessions_too(app, client, login):
    login("user")
    other = app.test_client()
    other.post("/login", data={"username": "clerk", "password": "clerk-demo-pass"})
    assert logged_in(other)
    client.post("/logout")
    assert not logged_in(other)


def test_logging_in_again_after_logout_works(client, login):
    login("user")
    client.post("/logout")
    login("user")
    assert logged_in(client)


@pytest.mark.parametrize("change", [
    pytest.param(lambda user: user.set_password("a-new-password"), id="password"),
    pytest.param(lambda user: setattr(user, "role", "admin"), id="role"),
])
def test_a_new_password_or_role_ends_earlier_sessions(app, client, login, change):
    login("user")
    copy = copy_of_session(app, client)
    change_user(app, "clerk", change)
    assert not logged_in(client)
    assert not logged_in(copy)


def test_saving_a_user_without_changes_keeps_sessions(app, client, login):
    login("user")
    change_user(app, "clerk", lambda user: setattr(user, "role", "user"))
    assert logged_in(client)


def test_another_users_logout_does_not_end_this_session(app, client, login):
    login("user")
    admin = app.test_client()
    admin.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    admin.post("/logout")
    assert logged_in(client)
