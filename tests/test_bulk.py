"""Bulk runs from the invoice list: selection, filters, progress, blocked, cancel, retry."""
import re

import pytest

from host.extensions import db
from host.models import BulkRun, RemoteLink
from host.testing.reference_provider import GOOD_KEY


@pytest.fixture
def enabled(client, login, demo):
    login("admin")
    client.post("/settings/integrations/reference", data={"api_key": GOOD_KEY, "account": "A"})
    client.post("/settings/integrations/reference/enable")
    client.post("/logout")
    login("user")
    return client


def _links(app):
    with app.app_context():
        return {l.invoice_id: l.status for l in db.session.execute(db.select(RemoteLink)).scalars()}


def _run_page(client, response):
    assert response.status_code == 302 and "/runs/" in response.headers["Location"]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _count(page, name):
    return int(re.search(rf'class="count-{name}">(\d+)<', page).group(1))


def test_the_list_offers_selection_filters_and_bulk_actions(enabled):
    page = enabled.get("/invoices").get_data(as_text=True)
    assert page.count('name="invoice"') == 4
    assert "Select all 4 invoices matching" in page
    assert 'value="create:reference">Push to Reference' in page and 'value="refresh:reference">Refresh from Reference' in page
    assert 'value="missing:reference"' in page and 'value="failed:reference"' in page


def test_push_selected_invoices_lists_blocked_ones_with_every_reason(app, enabled, reference):
    response = enabled.post("/invoices/bulk", data={"action": "create:reference", "invoice": ["1", "2", "4"]})
    page = _run_page(enabled, response)
    assert (_count(page, "total"), _count(page, "done"), _count(page, "blocked"), _count(page, "queued")) == (3, 2, 1, 0)
    assert "Client Freelance Collective has no tax ID." in page  # invoice 4's reason
    assert _links(app) == {1: "linked", 2: "linked"}
    assert "Retry failed" not in page  # blocked invoices are not retried


def test_all_matching_the_filter_takes_every_invoice_not_yet_in_the_provider(app, enabled, reference):
    enabled.post("/invoices/1/integrations/reference/create")
    listed = enabled.get("/invoices?integration=missing:reference").get_data(as_text=True)
    assert "INV-2026-0001" not in listed and "Select all 3 invoices matching this filter" in listed
    response = enabled.post("/invoices/bulk", data={"action": "create:reference", "all_matching": "1",
                                                    "integration": "missing:reference"})
    page = _run_page(enabled, response)
    assert _count(page, "total") == 3
    assert enabled.get("/invoices?integration=missing:reference").get_data(as_text=True).count('name="invoice"') == 1


def test_failed_ones_are_filtered_and_retried_in_the_same_run(app, enabled, reference):
    reference.fail_next = "crash"
    response = enabled.post("/invoices/bulk", data={"action": "create:reference", "invoice": ["1", "2"]})
    page = _run_page(enabled, response)
    assert _count(page, "failed") == 1 and "Retry failed" in page
    failed = enabled.get("/invoices?integration=failed:reference").get_data(as_text=True)
    assert failed.count('name="invoice"') == 1
    run_url = response.headers["Location"]
    page = enabled.post(run_url + "/retry", follow_redirects=True).get_data(as_text=True)
    assert "Queued 1 failed invoice(s) again." in page
    assert (_count(page, "done"), _count(page, "failed")) == (2, 0)
    assert len(reference.invoices) == 2


def test_cancel_drops_queued_jobs_and_frees_their_reservations(app, enabled, reference):
    reference.fail_next = "timeout_after_create"  # the first one is rescheduled, so it is still queued
    response = enabled.post("/invoices/bulk", data={"action": "create:reference", "invoice": ["1"]})
    page = _run_page(enabled, response)
    assert _count(page, "queued") == 1 and "Cancel the rest" in page
    page = enabled.post(response.headers["Location"] + "/cancel", follow_redirects=True).get_data(as_text=True)
    assert "Cancelled 1 invoice(s)" in page and _count(page, "cancelled") == 1
    assert _links(app) == {}  # the reservation made for the run is gone: a new push may start


def test_refresh_in_bulk_and_the_progress_endpoint(app, enabled, reference):
    enabled.post("/invoices/1/integrations/reference/create")
    reference.set_state("1001", "sent")
    response = enabled.post("/invoices/bulk", data={"action": "refresh:reference", "invoice": ["1", "2"]})
    _run_page(enabled, response)
    answer = enabled.get(response.headers["Location"] + "/progress").json
    assert answer["busy"] is False and 'class="count-done">1<' in answer["html"]
    assert "This invoice is not linked yet." in answer["html"]
    with app.app_context():
        assert db.session.execute(db.select(RemoteLink)).scalar_one().remote_state == "sent"


def test_bad_bulk_requests_say_what_to_do(app, enabled):
    page = enabled.post("/invoices/bulk", data={"action": "create:reference"}, follow_redirects=True).get_data(as_text=True)
    assert "Select at least one invoice" in page
    page = enabled.post("/invoices/bulk", data={"action": "nonsense", "invoice": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "Choose what to do" in page
    page = enabled.post("/invoices/bulk", data={"action": "create:second", "invoice": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "Second is not enabled" in page
    with app.app_context():
        assert db.session.execute(db.select(BulkRun)).first() is None


def test_runs_are_listed_in_the_integration_log(app, client, login, enabled, reference):
    enabled.post("/invoices/bulk", data={"action": "create:reference", "invoice": ["1"]})
    enabled.post("/logout")
    login("admin")
    page = client.get("/settings/integrations/log").get_data(as_text=True)
    assert "Bulk runs" in page and "1 done, 0 failed, 0 blocked, 0 queued of 1" in page
