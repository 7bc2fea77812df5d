"""Jobs in the host: scheduled sync, recovery of lost work, deadlines, limits, webhooks, the jobs CLI.

The app runs jobs synchronously (Huey's immediate mode); real worker
processes are tested with the B2BRouter plugin (plugins/b2brouter/tests/test_b2b_jobs.py).
"""
import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from host.extensions import db
from host.integrations.calls import call
from host.integrations.settings import registry
from host.jobs import recovery, sync
from host.jobs.sync import interval
from host.models import IntegrationEvent, Job, ProviderSetting, RemoteLink
from host.testing.reference_provider import GOOD_KEY

ACME = 1


@pytest.fixture
def enabled(client, login, demo):
    login("admin")
    client.post("/settings/integrations/reference", data={"api_key": GOOD_KEY, "account": "A"})
    client.post("/settings/integrations/reference/enable")
    return client


def _now():
    return datetime.now(timezone.utc)


def _link(app):
    with app.app_context():
        return db.session.execute(db.select(RemoteLink).filter_by(invoice_id=ACME)).scalar_one_or_none()


def _events(app, **filters):
    with app.app_context():
        return [(e.action, e.outcome, e.message) for e in db.session.execute(
            db.select(IntegrationEvent).filter_by(invoice_id=ACME, **filters).order_by(IntegrationEvent.id)).scalars()]


def test_the_scheduled_sync_moves_a_sent_invoice_to_paid_without_a_click(app, enabled, reference):
    enabled.post(f"/invoices/{ACME}/integrations/reference/create")
    link = _link(app)
    assert link.status == "linked" and link.next_sync_at is not None
    reference.set_state("1001", "sent")
    with app.app_context():
        assert sync.enqueue_due(_now() + timedelta(minutes=6)) == 1
    assert _link(app).remote_state == "sent" and not _link(app).remote_final
    reference.set_state("1001", "paid")
    with app.app_context():
        assert sync.enqueue_due(_now() + timedelta(minutes=12)) == 1
    link = _link(app)
    assert (link.remote_state, link.remote_final, link.next_sync_at) == ("paid", True, None)
    assert "paid" in enabled.get(f"/invoices/{ACME}").get_data(as_text=True)
    with app.app_context():  # a final state is never polled again
        assert sync.enqueue_due(_now() + timedelta(days=30)) == 0
    # changes are recorded once each; unchanged polls leave no row
    assert [e[1] for e in _events(app, action="refresh")] == ["ok", "ok"]


def test_nothing_is_synced_before_it_is_due_or_when_the_sync_is_off(app, enabled, reference):
    enabled.post(f"/invoices/{ACME}/integrations/reference/create")
    with app.app_context():
        assert sync.enqueue_due(_now()) == 0
        db.session.get(ProviderSetting, "reference").sync_minutes = 0
        db.session.commit()
        assert sync.enqueue_due(_now() + timedelta(hours=1)) == 0


def test_the_sync_backs_off_as_an_invoice_ages():
    assert interval(timedelta(hours=2), 5) == timedelta(minutes=5)
    assert interval(timedelta(days=2), 5) == timedelta(hours=1)
    assert interval(timedelta(days=10), 5) == timedelta(days=1)


def test_a_job_whose_worker_died_is_resumed_with_a_history_row(app, enabled, reference):
    reference.fail_next = "timeout_after_create"
    enabled.post(f"/invoices/{ACME}/integrations/reference/create")  # rescheduled: the outcome is unknown
    with app.app_context():
        job = db.session.execute(db.select(Job).filter_by(kind="create")).scalar_one()
        stale = _now() - timedelta(minutes=5)
        job.status, job.heartbeat_at, job.started_at, job.worker = "running", stale, stale, "elsewhere:1:t"
        db.session.commit()
        recovery.recover()  # resumed at once (its last heartbeat is long past the wait) and run here
        assert db.session.get(Job, job.id).status == "done"
    assert any("was interrupted" in message for _, outcome, message in _events(app) if outcome == "failed")
    assert _link(app).status == "linked" and len(reference.invoices) == 1


def test_a_lost_message_is_sent_again_by_the_upkeep(app, enabled, reference):
    with app.app_context():
        job = Job(kind="refresh", provider="reference", invoice_id=ACME, not_before=_now() - timedelta(minutes=10),
                  enqueued_at=_now() - timedelta(minutes=10))
        db.session.add(job)
        db.session.commit()
        recovery.recover()  # the queue is idle, so the message was lost: sent again (and run at once here)
        assert db.session.get(Job, job.id).status in ("done", "failed")


def test_a_pending_link_no_job_owns_is_freed_for_a_retry(app, enabled, reference):
    with app.app_context():
        db.session.add(RemoteLink(invoice_id=ACME, provider="reference", status="pending", attempt_id="a" * 32,
                                  updated_at=_now() - timedelta(minutes=10)))
        db.session.commit()
        recovery.recover()
    link = _link(app)
    assert link.status == "failed" and "interrupted" in link.last_error
    enabled.post(f"/invoices/{ACME}/integrations/reference/create")
    assert _link(app).status == "linked" and _link(app).attempt_id == "a" * 32


def test_a_hanging_hook_is_abandoned_at_the_deadline(app, enabled, reference):
    reference.delay = 1.0
    with app.app_context():
        started = time.monotonic()
        from host.testing.invoices import sample_invoice

        result = call(registry().get("reference"), "create_remote_invoice", deadline=0.2,
                      invoice=sample_invoice(), attempt_id="x")
        assert time.monotonic() - started < 0.8
    assert not result.ok and "did not finish within 0.2 seconds" in result.messages[0].text
    assert result.retry_after == app.config["UNKNOWN_OUTCOME_WAIT"]


def test_a_full_rate_limit_comes_back_as_a_retry_after(app, enabled, reference):
    reference.fail_next = "throttled"
    enabled.post(f"/invoices/{ACME}/integrations/reference/create")
    with app.app_context():
        job = db.session.execute(db.select(Job).filter_by(kind="create")).scalar_one()
        assert job.status == "queued" and "request limit" in job.outcome
        seconds = (job.not_before.replace(tzinfo=None) - job.started_at.replace(tzinfo=None)).total_seconds()
        assert 12 <= seconds <= 13.5


def test_webhook_updates_are_applied_by_a_job_and_a_final_state_stays_final(app, enabled, reference):
    import hashlib
    import hmac

    enabled.post(f"/invoices/{ACME}/integrations/reference/create")
    enabled.post("/logout")

    def deliver(state):
        body = f"1001={state}".encode()
        signature = hmac.new(GOOD_KEY.encode(), body, hashlib.sha256).hexdigest()
        return enabled.post("/integrations/reference/webhook", data=body, headers={"X-Signature": signature})

    assert deliver("paid").json["queued"] == 1
    assert (_link(app).remote_state, _link(app).remote_final) == ("paid", True)
    deliver("sent")  # an older event replayed
    assert _link(app).remote_state == "paid"
    with app.app_context():
        assert db.session.execute(db.select(Job).filter_by(kind="webhook")).scalars().all()[-1].status == "done"


def test_jobs_cli_lists_retries_and_drops_failed_jobs(app, enabled, reference):
    from host.jobs.worker import jobs_command

    reference.fail_next = "crash"
    enabled.post(f"/invoices/{ACME}/integrations/reference/create")
    runner = app.test_cli_runner()
    listed = json.loads(runner.invoke(jobs_command, []).output)
    assert [(j["kind"], j["status"], j["invoice"]) for j in listed] == [("create", "failed", "INV-2026-0001")]
    failed_id = listed[0]["id"]
    result = runner.invoke(jobs_command, ["retry", str(failed_id)])
    assert result.exit_code == 0 and f"Job {failed_id} queued again" in result.output
    assert _link(app).status == "linked" and len(reference.invoices) == 1
    assert json.loads(runner.invoke(jobs_command, []).output) == []
    refused = runner.invoke(jobs_command, ["drop", "999"])
    assert refused.exit_code != 0 and "no job 999" in refused.output
    reference.fail_next = "crash"
    enabled.post(f"/invoices/2/integrations/reference/create")
    [failed] = json.loads(runner.invoke(jobs_command, []).output)
    assert runner.invoke(jobs_command, ["drop", str(failed["id"])]).exit_code == 0
    assert json.loads(runner.invoke(jobs_command, ["--status", "failed"]).output) == []


def test_a_scheduled_job_is_listed_as_scheduled(app, enabled, reference):
    from host.jobs.worker import jobs_command

    reference.fail_next = "timeout_after_create"
    enabled.post(f"/invoices/{ACME}/integrations/reference/create")
    [listed] = json.loads(app.test_cli_runner().invoke(jobs_command, []).output)
    assert listed["status"] == "scheduled" and listed["attempts"] == 1


def test_the_worker_command_refuses_a_queue_url_it_cannot_use(tmp_path):
    from host.app import create_app
    from host.jobs.queue import QueueConfigError

    with pytest.raises(QueueConfigError, match="must be a redis:// URL"):
        create_app({"INSTANCE_PATH": str(tmp_path), "QUEUE_URL": "amqp://broker", "SECRET_KEY": "x",
                    "PROVIDER_REGISTRY": None})


def test_the_admin_sets_the_sync_interval_on_the_configure_page(app, enabled):
    page = enabled.get("/settings/integrations/reference").get_data(as_text=True)
    assert 'name="sync_minutes"' in page and 'value="5"' in page
    answer = enabled.post("/settings/integrations/reference/sync", data={"sync_minutes": "15"}, follow_redirects=True)
    assert "checked every 15 minutes" in answer.get_data(as_text=True)
    for bad in ("-1", "abc", "99999", ""):
        answer = enabled.post("/settings/integrations/reference/sync", data={"sync_minutes": bad}, follow_redirects=True)
        assert "from 0 (off) to 1440" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ProviderSetting, "reference").sync_minutes == 15
