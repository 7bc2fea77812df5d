"""Unlink while a push is in flight is refused; the push then finishes cleanly (issue 10, item 5).

Before, unlink deleted the pending reservation: the push crashed with
``ObjectDeletedError`` (a 500), leaving a remote invoice with no link and no history.
"""
import html

from host.extensions import db
from host.models import IntegrationEvent, RemoteLink
from host.testing.jobs import run_due_jobs
from host.testing.reference_provider import GOOD_KEY

ACME = 1


def links(app):
    with app.app_context():
        return [(l.status, l.remote_id) for l in db.session.execute(db.select(RemoteLink)).scalars()]


def test_unlink_refuses_a_pending_link_and_the_push_still_links_its_invoice(app, client, login, demo, reference):
    login("admin")
    client.post("/settings/integrations/reference", data={"api_key": GOOD_KEY, "account": "A"})
    client.post("/settings/integrations/reference/enable")
    reference.fail_next = "timeout_after_create"  # the push is still in flight: its job will look again
    client.post(f"/invoices/{ACME}/integrations/reference/create")
    assert links(app) == [("pending", None)]
    response = client.post(f"/invoices/{ACME}/integrations/reference/unlink", follow_redirects=True)
    assert response.status_code == 200
    assert "still in progress. Unlink once it has finished." in html.unescape(response.get_data(as_text=True))
    assert links(app) == [("pending", None)]
    assert run_due_jobs(app) == 1
    assert links(app) == [("linked", "1001")] and len(reference.invoices) == 1
    with app.app_context():
        actions = [e.action for e in db.session.execute(db.select(IntegrationEvent).filter_by(invoice_id=ACME)).scalars()]
    assert "create" in actions and "unlink" not in actions
