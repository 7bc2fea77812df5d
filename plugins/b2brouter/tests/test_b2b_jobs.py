"""B2BRouter work on the real job queue: real ``erp-host worker`` processes on
Huey's SQLite and Redis storages, against the sandbox."""
from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import expect

import erp_host_b2brouter
from erp_host_b2brouter.sandbox import MAIN_ACCOUNT
from host.extensions import db
from host.models import IntegrationEvent, Job, RemoteLink
from host.testing.pytest_plugin import skip_or_fail
from host.testing.workers import start_workers, wait_until

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
ACME = 1  # INV-2026-0001


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request):
    if request.param == "sqlite":
        return ""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - no server to test against
        skip_or_fail(f"Redis not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


@pytest.fixture
def host(make_host_app, sandbox, queue_url):
    """The host with B2BRouter enabled against the sandbox and jobs going to a real queue."""
    app = make_host_app({"b2brouter": erp_host_b2brouter}, WTF_CSRF_ENABLED=False, QUEUE_IMMEDIATE=False,
                        QUEUE_URL=queue_url, UNKNOWN_OUTCOME_WAIT=4.0)
    app.extensions["erp_host_queue"].flush()
    client = app.test_client()
    with app.app_context():
        from host.demo import load_demo

        load_demo()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    client.post("/settings/integrations/b2brouter", data={
        "api_key": "sandbox-key", "account_id": str(MAIN_ACCOUNT), "environment": "custom",
        "custom_base_url": sandbox.url, "requests_per_minute": "600"})
    assert client.post("/settings/integrations/b2brouter/enable").status_code == 302
    return app, client


@pytest.fixture
def workers(host, tmp_path):
    app, _ = host
    running = []

    def start(count=1, **env):
        started = start_workers(app, tmp_path, count=count, **env)
        running.append(started)
        return started

    yield start
    for started in running:
        started.stop()


def _link(app, invoice_id=ACME):
    with app.app_context():
        return db.session.execute(db.select(RemoteLink).filter_by(invoice_id=invoice_id)).scalar_one_or_none()


def _job(app, invoice_id=ACME):
    with app.app_context():
        return db.session.execute(db.select(Job).filter_by(invoice_id=invoice_id).order_by(Job.id.desc())).scalars().first()


def _numbered(sandbox, number):
    return [i for i in sandbox.store.invoices.values() if i["number"] == number]


def test_a_slow_provider_does_not_hold_the_click(host, workers, sandbox):
    app, client = host
    sandbox.control("knobs", latency=2.5)  # four requests: about 10 s at B2BRouter
    running = workers()
    started = time.monotonic()
    response = client.post(f"/invoices/{ACME}/integrations/b2brouter/create", follow_redirects=True)
    answered_in = time.monotonic() - started
    page = response.get_data(as_text=True)
    assert answered_in < 2.0, answered_in
    assert "Creating in B2BRouter…" in page and "data-poll=" in page
    assert _link(app).status == "pending"
    panel = client.get(f"/invoices/{ACME}/integrations/b2brouter/panel").json
    assert panel["busy"] is True
    # the link is settled a moment before its job is marked done: wait for the section, as the page does
    wait_until(lambda: client.get(f"/invoices/{ACME}/integrations/b2brouter/panel").json["busy"] is False, timeout=40)
    assert _link(app).status == "linked"
    assert len(_numbered(sandbox, "INV-2026-0001")) == 1
    assert "INV-2026-0001" in running.output()  # the worker logs what it does


def test_a_long_retry_after_reschedules_the_job_and_the_worker_moves_on(host, workers, sandbox):
    app, client = host
    sandbox.control("knobs", failures=["429"], retry_after=120)
    workers()
    client.post(f"/invoices/{ACME}/integrations/b2brouter/create")
    job = wait_until(lambda: (j := _job(app)) and j.attempts == 1 and j.status == "queued" and j)
    with app.app_context():
        waits = (job.not_before.replace(tzinfo=None) - job.started_at.replace(tzinfo=None)).total_seconds()
    assert 115 <= waits <= 125
    assert _link(app).status == "pending"  # still reserved: nobody can create meanwhile
    assert "trying again at" in client.get(f"/invoices/{ACME}").get_data(as_text=True)
    # the worker is free: another invoice goes through at once
    client.post("/invoices/2/integrations/b2brouter/create")
    wait_until(lambda: (_link(app, 2) or RemoteLink(status="")).status == "linked", timeout=30)
    assert app.extensions["erp_host_queue"].scheduled_count() >= 1


def test_a_worker_killed_mid_push_leaves_one_remote_invoice_and_a_consistent_history(host, workers, sandbox):
    app, client = host
    # the invoice POST takes 4 s at B2BRouter, then lands
    sandbox.control("traffic", slow_create=4)
    first = workers()
    client.post(f"/invoices/{ACME}/integrations/b2brouter/create")
    wait_until(lambda: _job(app).status == "running", timeout=30)
    time.sleep(2)  # the checks and look-ups are done: the POST is in flight at B2BRouter
    first.kill()
    assert _job(app).status == "running" and _link(app).status == "pending"
    workers()  # a restarted worker finds the dead one's job and resumes it
    wait_until(lambda: _link(app).status == "linked", timeout=60)
    assert len(_numbered(sandbox, "INV-2026-0001")) == 1
    assert [r["method"] for r in sandbox.requests_log()].count("POST") == 2  # contact + invoice, once each
    wait_until(lambda: _job(app).status == "done", timeout=10)  # the link is committed just before the job ends
    with app.app_context():
        history = [(e.action, e.outcome, e.message) for e in db.session.execute(
            db.select(IntegrationEvent).filter_by(invoice_id=ACME).order_by(IntegrationEvent.id)).scalars()]
        assert history[0][1] == "failed" and "interrupted" in history[0][2]
        assert history[-1][:2] == ("create", "ok") and "earlier attempt" in history[-1][2]
        assert db.session.get(Job, _job(app).id).status == "done"


def test_sigterm_finishes_the_job_in_hand(host, workers, sandbox):
    app, client = host
    sandbox.control("knobs", latency=1)
    running = workers()
    client.post(f"/invoices/{ACME}/integrations/b2brouter/create")
    wait_until(lambda: _job(app).status == "running", timeout=30)
    running.stop()
    assert running.processes[0].returncode == 0
    assert _link(app).status == "linked" and _job(app).status == "done"


def test_a_retry_while_the_first_create_is_still_processing_creates_one_invoice(make_host_app, sandbox,
                                                                                 monkeypatch):
    """The create times out while B2BRouter is still processing it. The job waits past the
    client's read timeout before looking again, and a click meanwhile is refused."""
    from erp_host_b2brouter import client as client_module
    from host.testing.jobs import run_due_jobs

    monkeypatch.setattr(client_module, "DEFAULT_TIMEOUT", (2.0, 0.5))
    app = make_host_app({"b2brouter": erp_host_b2brouter}, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    with app.app_context():
        from host.demo import load_demo

        load_demo()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    client.post("/settings/integrations/b2brouter", data={
        "api_key": "sandbox-key", "account_id": str(MAIN_ACCOUNT), "environment": "custom",
        "custom_base_url": sandbox.url, "requests_per_minute": "600"})
    client.post("/settings/integrations/b2brouter/enable")
    sandbox.control("traffic", slow_create=1.5)
    client.post(f"/invoices/{ACME}/integrations/b2brouter/create")
    job = _job(app)
    with app.app_context():
        waits = (job.not_before.replace(tzinfo=None) - job.started_at.replace(tzinfo=None)).total_seconds()
    assert job.status == "queued" and waits >= 5.5  # read timeout 0.5 s + 5 s
    page = client.post(f"/invoices/{ACME}/integrations/b2brouter/create", follow_redirects=True).get_data(as_text=True)
    assert "in progress" in page
    wait_until(lambda: _numbered(sandbox, "INV-2026-0001"), timeout=10)  # the first POST lands
    assert run_due_jobs(app) == 1
    assert _link(app).status == "linked"
    assert len(_numbered(sandbox, "INV-2026-0001")) == 1


@pytest.mark.browser
def test_the_invoice_section_updates_itself_when_the_job_ends(live_host, browser_page, sandbox, tmp_path):
    live = live_host({"b2brouter": erp_host_b2brouter}, QUEUE_IMMEDIATE=False, WTF_CSRF_ENABLED=False)
    client = live.app.test_client()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    client.post("/settings/integrations/b2brouter", data={
        "api_key": "sandbox-key", "account_id": str(MAIN_ACCOUNT), "environment": "custom",
        "custom_base_url": sandbox.url, "requests_per_minute": "600"})
    client.post("/settings/integrations/b2brouter/enable")
    sandbox.control("knobs", latency=1)
    running = start_workers(live.app, tmp_path)
    try:
        page = browser_page
        live.login(page, "user")
        page.goto(f"{live.url}/invoices/{ACME}")
        panel = page.locator('.integration-panel[data-provider="b2brouter"]')
        panel.get_by_role("button", name="New B2BRouter invoice").click()
        expect(panel.locator(".job-running")).to_contain_text("Creating in B2BRouter…")
        url_after_click = page.url
        # no reload: the section is replaced in place when the worker is done
        expect(page.locator('.integration-panel[data-provider="b2brouter"] .remote-number')).to_have_text(
            "INV-2026-0001", timeout=30000)
        expect(page.locator('.integration-panel[data-provider="b2brouter"] .outcome')).to_contain_text(
            "created in B2BRouter")
        assert page.url == url_after_click
    finally:
        running.stop()
