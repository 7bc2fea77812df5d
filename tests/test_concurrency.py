"""Concurrent requests never create two remote invoices, and provider locks
exclude each other across connections. Runs on the suite's database: SQLite
locally, and PostgreSQL too in CI (TEST_DATABASE_URL)."""
import threading
import time

import pytest

from host.extensions import db
from host.models import IntegrationEvent, RemoteLink
from host.testing.reference_provider import GOOD_KEY


@pytest.fixture
def enabled_app(app, client, login, demo):
    login("admin")
    client.post("/settings/integrations/reference", data={"api_key": GOOD_KEY, "account": "A"})
    client.post("/settings/integrations/reference/enable")
    return app


def logged_in_client(app):
    client = app.test_client()
    client.post("/login", data={"username": "clerk", "password": "clerk-demo-pass"})
    return client


@pytest.mark.parametrize("requests", [2, 6])
def test_simultaneous_creates_make_one_remote_invoice(enabled_app, reference, requests):
    reference.delay = 0.4  # keep the first request inside the provider while the others arrive
    clients = [logged_in_client(enabled_app) for _ in range(requests)]
    barrier = threading.Barrier(requests)
    statuses = []

    def create(client):
        barrier.wait()
        statuses.append(client.post("/invoices/1/integrations/reference/create").status_code)

    threads = [threading.Thread(target=create, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [302] * requests
    assert len(reference.invoices) == 1
    assert reference.calls.count("create_remote_invoice") == 1
    with enabled_app.app_context():
        [link] = db.session.execute(db.select(RemoteLink)).scalars().all()
        assert link.status == "linked"
        outcomes = [e.outcome for e in db.session.execute(db.select(IntegrationEvent).filter_by(action="create")).scalars()]
        assert outcomes == ["ok"]


def test_provider_locks_exclude_each_other(enabled_app):
    from host.locks import shared_lock

    inside = []
    overlaps = []

    def worker():
        with enabled_app.app_context():
            with shared_lock("reference:token", enabled_app.instance_path):
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(True)
                time.sleep(0.1)
                inside.pop()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert overlaps == []
    assert time.monotonic() - started >= 0.4
