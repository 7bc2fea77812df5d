"""Fixtures for the host's own tests (cf. the Flask tutorial's conftest)."""
import pytest

from host.testing.reference_provider import ReferenceProvider


@pytest.fixture
def reference():
    return ReferenceProvider()


@pytest.fixture
def second():
    """A second provider, to prove that a call reaches only the one named."""
    return ReferenceProvider(title="Second")


@pytest.fixture
def app(make_host_app, reference, second):
    return make_host_app({"reference": reference, "second": second}, WTF_CSRF_ENABLED=False)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    from host.demo import DEMO_USERS

    names = {"admin": "admin", "user": "clerk"}

    def do_login(who="user"):
        username = names[who]
        response = client.post("/login", data={"username": username, "password": DEMO_USERS[username][0]})
        assert response.status_code == 302, response.data
        return client

    return do_login


@pytest.fixture
def demo(app):
    from host.demo import load_demo

    with app.app_context():
        load_demo()
