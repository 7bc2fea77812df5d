"""Invoice actions (a "Send" button), remote states as words, deferred webhook work and the catch-up."""
import html
from dataclasses import replace
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from host import InvoiceAction, RemoteInvoice, RemoteState, Result, WebhookResponse, hookimpl
from host.extensions import db
from host.jobs import sync
from host.models import IntegrationEvent, Invoice, Job, RemoteLink
from host.testing.jobs import run_due_jobs
from host.testing.reference_provider import GOOD_KEY, ReferenceProvider

ACME = 1


class SendingProvider(ReferenceProvider):
    """The reference provider plus a send action, state words, deferred webhooks and a catch-up."""

    def __init__(self):
        super().__init__(title="Sender")
        self.since_seen = []
        self.changes = []

    @hookimpl
    def provider_info(self):
        info = ReferenceProvider.provider_info(self)
        return replace(info, invoice_actions=(InvoiceAction("send", "Send via Sender", states=("new",)),),
                       remote_states=(RemoteState("new", "New", "neutral"), RemoteState("sent", "Sent", "info"),
                                      RemoteState("paid", "Paid", "success")))

    @hookimpl
    def run_invoice_action(self, name, link):
        if link.remote_id not in self.invoices:
            return Result.failure("Gone.")
        self.invoices[link.remote_id] = replace(self.invoices[link.remote_id], state="sent")
        return Result.success("Sent.", remote=self.invoices[link.remote_id])

    @hookimpl
    def handle_webhook(self, headers, body):
        return WebhookResponse(status=200, work={"remote_id": body.decode()}, event_id="evt-" + body.decode())

    @hookimpl
    def process_webhook(self, work):
        remote = self.invoices[work["remote_id"]]  # read the entity, do not trust the event
        return WebhookResponse(status=200, updates=(remote,))

    @hookimpl
    def catch_up(self, since):
        self.since_seen.append(since)
        return WebhookResponse(status=200, updates=tuple(self.changes))


@pytest.fixture
def sender():
    return SendingProvider()


@pytest.fixture
def app(make_host_app, sender):
    return make_host_app({"sender": sender}, WTF_CSRF_ENABLED=False)


@pytest.fixture
def linked(app, client, login, demo, sender):
    login("admin")
    client.post("/settings/integrations/sender", data={"api_key": GOOD_KEY, "account": "A"})
    client.post("/settings/integrations/sender/enable")
    client.post(f"/invoices/{ACME}/integrations/sender/create")
    run_due_jobs(app)
    [remote_id] = sender.invoices
    return remote_id


def page(client):
    return html.unescape(client.get(f"/invoices/{ACME}").get_data(as_text=True))


def link(app):
    with app.app_context():
        return db.session.execute(db.select(RemoteLink)).scalar_one()


def test_send_button_while_new_then_the_state_as_a_coloured_word(app, client, linked):
    text = page(client)
    assert "Send via Sender" in text and 'badge-tone-neutral" title="new">New<' in text
    client.post(f"/invoices/{ACME}/integrations/sender/action/send")
    run_due_jobs(app)
    assert link(app).remote_state == "sent"
    text = page(client)
    assert "Send via Sender" not in text and 'badge-tone-info" title="sent">Sent<' in text
    with app.app_context():
        assert db.session.execute(db.select(IntegrationEvent).filter_by(action="send")).scalar_one().outcome == "ok"


def test_an_action_not_possible_in_this_state_or_unknown_is_refused(app, client, linked, sender):
    sender.invoices[linked] = replace(sender.invoices[linked], state="sent")
    client.post(f"/invoices/{ACME}/integrations/sender/refresh")
    run_due_jobs(app)
    text = html.unescape(client.post(f"/invoices/{ACME}/integrations/sender/action/send",
                                     follow_redirects=True).get_data(as_text=True))
    assert "is not possible while the Sender invoice is sent" in text
    text = html.unescape(client.post(f"/invoices/{ACME}/integrations/sender/action/nope",
                                     follow_redirects=True).get_data(as_text=True))
    assert "has no action 'nope'" in text
    with app.app_context():
        assert db.session.execute(db.select(Job).filter_by(kind="action")).first() is None


def test_a_webhook_answers_at_once_and_its_job_reads_the_entity(app, client, linked, sender):
    with app.app_context():
        whole = db.session.get(Invoice, ACME)
        from host.invoice_data import totals_for

        total = totals_for(whole).total
    sender.invoices[linked] = replace(sender.invoices[linked], state="paid", final=True, amount_paid=total,
                                      paid_on=date(2026, 12, 4))
    client.post("/logout")
    response = client.post("/integrations/sender/webhook", data=linked.encode())
    assert response.status_code == 200 and response.json["job"]
    run_due_jobs(app)
    assert link(app).remote_state == "paid"
    with app.app_context():
        invoice = db.session.get(Invoice, ACME)
        assert (invoice.payment_state, invoice.paid_on, invoice.payment_source) == ("paid", date(2026, 12, 4), "sender")


def test_the_catch_up_runs_once_per_interval_from_the_last_success(app, client, linked, sender):
    sender.changes = [RemoteInvoice(remote_id=linked, state="sent", amount_paid=Decimal(10), paid_on=date(2026, 12, 3),
                                    reported_at=datetime(2026, 12, 3, 9, tzinfo=timezone.utc))]
    with app.app_context():
        sync.enqueue_due()
        sync.enqueue_due()  # not due again within the interval
        jobs = db.session.execute(db.select(Job).filter_by(kind="catchup")).scalars().all()
        assert len(jobs) == 1 and jobs[0].status == "done"
        first_start = jobs[0].started_at
        invoice = db.session.get(Invoice, ACME)
        assert (invoice.payment_state, invoice.amount_paid) == ("partial", 10)
        jobs[0].created_at = datetime(2020, 1, 1, tzinfo=timezone.utc)
        db.session.commit()
        sync.enqueue_due()
    assert sender.since_seen[0] is None
    assert sender.since_seen[1].replace(tzinfo=None) == first_start.replace(tzinfo=None)
    assert link(app).remote_state == "sent"


def test_a_worker_builds_public_urls_without_a_request(make_host_app):
    """Jobs run outside any request: the webhook and callback URLs come from PUBLIC_URL."""
    from host.integrations.settings import public_url

    app = make_host_app({}, PUBLIC_URL="https://erp.example/")
    with app.app_context():
        assert public_url("hooks.webhook", provider="quickbooks") == "https://erp.example/integrations/quickbooks/webhook"
