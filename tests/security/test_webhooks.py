"""Webhook replays, late events and refusals (issue 10, items 6 and 7).

The reference provider signs ``<remote id>=<state>[@<unix time>]`` with its
API key. Each event is delivered three times, and out of order: the host
applies it once, never moves a state back, answers 200 to a replay, and
writes no history for a refused call (it counts refusals in its log instead).
"""
import hashlib
import hmac
import logging
from datetime import datetime, timedelta, timezone

import pytest

from host.extensions import db
from host.integrations import webhook_events
from host.models import IntegrationEvent, Job, RemoteLink, WebhookEvent
from host.testing.reference_provider import GOOD_KEY

ACME = 1
URL = "/integrations/reference/webhook"
T0 = 1_800_000_000


@pytest.fixture
def hooked(configured):
    configured.post(f"/invoices/{ACME}/integrations/reference/create")
    configured.post("/logout")
    return configured


def deliver(client, body: str, signature: str | None = None):
    raw = body.encode()
    signature = signature or hmac.new(GOOD_KEY.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(URL, data=raw, headers={"X-Signature": signature})


def link_state(app):
    with app.app_context():
        link = db.session.execute(db.select(RemoteLink).filter_by(invoice_id=ACME)).scalar_one()
        return link.remote_state


def count(app, model, **filters):
    with app.app_context():
        return len(db.session.execute(db.select(model).filter_by(**filters)).scalars().all())


def test_an_event_delivered_three_times_is_applied_once(app, hooked, snapshot):
    answers = [deliver(hooked, f"1001=sent@{T0}") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json["queued"] == 1 and answers[1].json == answers[2].json == {
        "ok": True, "duplicate": True, "queued": 0, "job": None}
    assert link_state(app) == "sent"
    assert count(app, Job, kind="webhook") == 1 and count(app, IntegrationEvent, action="webhook") == 1
    after_first = snapshot()
    deliver(hooked, f"1001=sent@{T0}")
    assert snapshot() == after_first  # a replay changes nothing at all


def test_an_event_without_id_or_time_is_known_by_its_body(app, hooked):
    for _ in range(3):
        assert deliver(hooked, "1001=sent").status_code == 200
    assert count(app, Job, kind="webhook") == 1
    with app.app_context():
        [event] = db.session.execute(db.select(WebhookEvent)).scalars().all()
    assert event.event_id == "sha256:" + hashlib.sha256(b"1001=sent").hexdigest()


@pytest.mark.parametrize("newer, older", [("sent", "accepted"), ("paid", "accepted")])
def test_an_older_event_arriving_late_never_moves_the_state_back(app, hooked, newer, older):
    late, early = f"1001={newer}@{T0 + 60}", f"1001={older}@{T0}"
    for body in (late, early, late, early, early, late):
        assert deliver(hooked, body).status_code == 200
    assert link_state(app) == newer
    assert count(app, Job, kind="webhook") == 2
    with app.app_context():
        messages = [e.message for e in db.session.execute(
            db.select(IntegrationEvent).filter_by(action="webhook").order_by(IntegrationEvent.id)).scalars()]
    assert messages[0] == f"State changed to {newer}."
    assert len(messages) == 2 and messages[1].startswith("Ignored ")


def test_events_in_order_still_move_the_state_forward(app, hooked):
    for at, state in ((T0, "accepted"), (T0 + 5, "sent"), (T0 + 9, "paid")):
        deliver(hooked, f"1001={state}@{at}")
        assert link_state(app) == state


def test_remembered_events_are_pruned_by_the_upkeep_after_the_retention(app, hooked):
    from host import WEBHOOK_EVENT_RETENTION

    deliver(hooked, f"1001=sent@{T0}")
    deliver(hooked, f"1001=paid@{T0 + 1}")
    with app.app_context():
        old = db.session.execute(db.select(WebhookEvent).order_by(WebhookEvent.id)).scalars().first()
        old.received_at = datetime.now(timezone.utc) - WEBHOOK_EVENT_RETENTION - timedelta(minutes=1)
        db.session.commit()
        app.extensions["erp_host_tasks"].upkeep.call_local()
        kept = db.session.execute(db.select(WebhookEvent.event_id)).scalars().all()
    assert kept == [webhook_events.event_key_for_body(f"1001=paid@{T0 + 1}".encode())]


def test_a_hundred_forged_calls_write_no_history_and_few_log_lines(app, hooked, snapshot, caplog, monkeypatch):
    monkeypatch.setattr(webhook_events, "refusals", webhook_events.RefusalLog())  # no count left by other tests
    before = snapshot()
    with caplog.at_level(logging.DEBUG):
        for i in range(100):
            assert deliver(hooked, f"1001=paid@{T0 + i}", signature="0" * 64).status_code == 401
        assert hooked.post("/integrations/nobody/webhook", data=b"x").status_code == 404
        assert hooked.post(URL, data=b"x" * (1024 * 1024 + 1)).status_code == 413
    assert snapshot() == before and link_state(app) != "paid"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) <= 3, [r.getMessage() for r in warnings]
    assert "webhook for reference: 1 call(s) refused" in caplog.text and "401 bad signature" in caplog.text


def test_refusals_are_counted_once_a_minute_per_provider(caplog):
    clock = [1000.0]
    counter = webhook_events.RefusalLog(interval=60, clock=lambda: clock[0])
    with caplog.at_level(logging.WARNING, logger="host.webhooks"):
        for second in range(0, 150):
            clock[0] = 1000.0 + second
            counter.refused("reference", 401, "bad signature", "203.0.113.9")
            counter.refused(webhook_events.UNKNOWN_PROVIDER, 404, "not found", "203.0.113.9")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 6  # at 0 s, 60 s and 120 s, for each of the two
    assert "webhook for reference: 60 call(s) refused in the last 60 s; latest 401 bad signature from 203.0.113.9" in lines
