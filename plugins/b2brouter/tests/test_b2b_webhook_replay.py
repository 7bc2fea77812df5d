"""B2BRouter webhooks through the host: each event delivered three times and out of
order is applied once, and an older event never moves a state back (issue 10, item 6)."""
from __future__ import annotations

import json
import time

import pytest

import erp_host_b2brouter
from erp_host_b2brouter.sandbox import MAIN_ACCOUNT
from erp_host_b2brouter.webhook import sign
from host.extensions import db
from host.models import IntegrationEvent, Job, RemoteLink

ACME = 1
SECRET = "replay-webhook-secret"


@pytest.fixture
def host(make_host_app, sandbox):
    app = make_host_app({"b2brouter": erp_host_b2brouter}, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    with app.app_context():
        from host.demo import load_demo

        load_demo()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    client.post("/settings/integrations/b2brouter", data={
        "api_key": "sandbox-key", "account_id": str(MAIN_ACCOUNT), "environment": "custom",
        "custom_base_url": sandbox.url, "requests_per_minute": "600", "webhook_secret": SECRET})
    assert client.post("/settings/integrations/b2brouter/enable").status_code == 302
    client.post(f"/invoices/{ACME}/integrations/b2brouter/create")
    client.post("/logout")
    return app, client


def _link(app):
    with app.app_context():
        return db.session.execute(db.select(RemoteLink).filter_by(invoice_id=ACME)).scalar_one()


def _deliver(client, remote_id, state, triggered_at, signed_at=None):
    body = json.dumps({"code": "issued_invoice.state_change", "triggered_at": triggered_at,
                       "data": {"invoice_id": int(remote_id), "state": state}}).encode()
    return client.post("/integrations/b2brouter/webhook", data=body, headers={
        "Content-Type": "application/json", "X-B2Brouter-Signature": sign(SECRET, body, signed_at)})


def test_each_event_three_times_and_out_of_order_ends_in_the_newest_state(host):
    app, client = host
    remote_id = _link(app).remote_id
    assert remote_id
    now = int(time.time())
    accepted, paid = ("accepted", now + 1), ("paid", now + 2)  # after the create (its state_updated_at)
    order = [paid, accepted, paid, accepted, accepted, paid]
    answers = [_deliver(client, remote_id, state, at, signed_at=now - i) for i, (state, at) in enumerate(order)]
    assert [a.status_code for a in answers] == [200] * 6
    assert sum(a.json["queued"] for a in answers) == 2  # one per event; the replays queue nothing
    link = _link(app)
    assert (link.remote_state, link.remote_final) == ("paid", True)
    with app.app_context():
        assert len(db.session.execute(db.select(Job).filter_by(kind="webhook")).scalars().all()) == 2
        webhook_events = db.session.execute(db.select(IntegrationEvent.message).filter_by(action="webhook")).scalars().all()
    assert webhook_events[0] == "State changed to paid." and len(webhook_events) == 2


def test_a_late_non_final_state_does_not_replace_a_newer_one(host):
    app, client = host
    remote_id = _link(app).remote_id
    now = int(time.time())
    for state, at in (("sent", now + 2), ("sending", now + 1), ("sending", now + 1), ("sent", now + 2)):
        assert _deliver(client, remote_id, state, at).status_code == 200
    assert _link(app).remote_state == "sent"


def test_a_stale_signature_is_refused_without_history(host):
    app, client = host
    remote_id = _link(app).remote_id
    with app.app_context():
        before = db.session.execute(db.select(IntegrationEvent)).scalars().all()
    answer = _deliver(client, remote_id, "paid", int(time.time()), signed_at=int(time.time()) - 301)
    assert answer.status_code == 400
    with app.app_context():
        assert len(db.session.execute(db.select(IntegrationEvent)).scalars().all()) == len(before)
    assert _link(app).remote_state != "paid"


def test_a_webhook_older_than_the_state_a_refresh_read_is_ignored(host, sandbox):
    app, client = host
    remote_id = _link(app).remote_id
    sandbox.control(f"invoices/{remote_id}/state", state="sent")
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    client.post(f"/invoices/{ACME}/integrations/b2brouter/refresh")
    link = _link(app)
    assert link.remote_state == "sent" and link.remote_changed_at is not None  # B2BRouter's state_updated_at
    assert _deliver(client, remote_id, "sending", int(time.time()) - 120).status_code == 200  # delivered late
    assert _link(app).remote_state == "sent"
