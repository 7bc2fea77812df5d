"""The invoice page's integration sections: create, link, refresh, unlink."""
import html
from dataclasses import replace
from decimal import Decimal

import pytest

from host.extensions import db
from host.models import IntegrationEvent, Invoice, RemoteLink
from host.testing.jobs import run_due_jobs
from host.testing.reference_provider import GOOD_KEY

ACME = 1  # INV-2026-0001, client with a tax ID
NOTAX = 4  # INV-2026-0004, client without a tax ID


@pytest.fixture
def enabled(client, login, demo):
    login("admin")
    client.post("/settings/integrations/reference", data={"api_key": GOOD_KEY, "account": "A"})
    client.post("/settings/integrations/reference/enable")
    client.post("/logout")
    login("user")
    return client


def page(client, invoice_id=ACME):
    return client.get(f"/invoices/{invoice_id}").get_data(as_text=True)


def post(client, action, invoice_id=ACME, provider="reference", **data):
    response = client.post(f"/invoices/{invoice_id}/integrations/{provider}/{action}", data=data, follow_redirects=True)
    return html.unescape(response.get_data(as_text=True))


def links(app):
    with app.app_context():
        return db.session.execute(db.select(RemoteLink)).scalars().all()


def events(app, **filters):
    with app.app_context():
        return db.session.execute(db.select(IntegrationEvent).filter_by(**filters).order_by(IntegrationEvent.id)).scalars().all()


def test_unlinked_section_offers_new_and_link(enabled):
    html = page(enabled)
    assert "Linked Reference invoice details" in html
    assert "New Reference invoice" in html and "Link Reference invoice" in html
    assert "Linked Second invoice details" not in html  # installed but not enabled


def test_the_unlinked_text_needs_no_article_for_any_title(make_host_app):
    """A scaffolded "Acme Books" once read "Not linked to a Acme Books invoice"."""
    from host.testing.reference_provider import ReferenceProvider

    app = make_host_app({"acme_books": ReferenceProvider(title="Acme Books")}, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    client.post("/settings/integrations/acme_books", data={"api_key": GOOD_KEY, "account": "A"})
    client.post("/settings/integrations/acme_books/enable")
    with app.app_context():
        from host.demo import load_demo

        load_demo()
    text = page(client)
    assert "No Acme Books invoice is linked." in text and "a Acme" not in text


def test_create_links_the_remote_invoice_and_records_history(app, enabled, reference, second):
    html = post(enabled, "create")
    assert "Created Reference invoice 1001." in html
    assert 'href="https://reference.invalid/invoices/1001"' in html
    assert "Unlink Reference invoice" in html and "Refresh" in html
    [link] = links(app)
    assert (link.status, link.remote_id, link.remote_number, link.remote_state) == ("linked", "1001", "INV-2026-0001", "new")
    [event] = events(app, action="create")
    assert (event.outcome, event.username, event.request_id) == ("ok", "clerk", "req-1001")
    assert second.calls == []


def test_blocking_problems_are_listed_at_once_and_nothing_is_reserved(app, enabled, reference):
    html = post(enabled, "create", invoice_id=NOTAX)
    assert "Fix these problems and try again:" in html
    assert "Client Freelance Collective has no tax ID." in html
    assert links(app) == []
    assert events(app, action="create")[0].outcome == "blocked"


def test_a_second_create_for_a_linked_invoice_is_refused(app, enabled, reference):
    post(enabled, "create")
    html = post(enabled, "create")
    assert "already linked to INV-2026-0001" in html
    assert len(reference.invoices) == 1


def test_a_timeout_after_the_remote_created_the_invoice_retries_without_a_duplicate(app, enabled, reference):
    reference.fail_next = "timeout_after_create"
    html = post(enabled, "create")
    assert "Creating in Reference…" in html and "Attempt 1 did not finish (The request timed out" in html
    assert "New Reference invoice" not in html  # nobody can create while the job holds the link
    [link] = links(app)
    assert link.status == "pending" and link.remote_id is None
    first_attempt = link.attempt_id
    assert "still in progress" in post(enabled, "unlink")
    assert run_due_jobs(app) == 1
    html = page(enabled)
    assert "Created Reference invoice 1001." in html
    [link] = links(app)
    assert link.status == "linked" and link.attempt_id == first_attempt
    assert len(reference.invoices) == 1
    assert [e.outcome for e in events(app, action="create")] == ["failed", "queued", "ok"]


def test_a_plugin_crash_is_shown_and_recorded_never_a_500(app, enabled, reference):
    reference.fail_next = "crash"
    response = enabled.post(f"/invoices/{ACME}/integrations/reference/create", follow_redirects=True)
    assert response.status_code == 200
    assert "Unexpected error in the Reference integration (RuntimeError)" in response.get_data(as_text=True)
    [event] = events(app, action="create")
    assert event.outcome == "failed" and "RuntimeError" in event.error_detail
    assert GOOD_KEY not in event.error_detail and "[redacted]" in event.error_detail
    assert "Retry: new Reference invoice" in page(enabled)


def test_a_plugin_returning_the_wrong_type_is_an_error_not_a_crash(app, enabled, reference):
    reference.fail_next = "wrong_type"
    html = post(enabled, "create")
    assert "returned an invalid answer to create_remote_invoice" in html


def test_total_mismatch_warns_on_create_and_on_the_page(app, enabled, reference):
    post(enabled, "create")
    reference.set_state("1001", "sent", total=Decimal("1.00"))
    html = post(enabled, "refresh")
    assert "The Reference total 1.00 EUR differs from this invoice's total 2524.70 EUR." in html
    assert "Check the calculation settings" in html
    assert "total-differs" in html
    assert "sent" in html


def test_a_remote_in_another_currency_or_for_another_customer_says_so(app, enabled, reference):
    post(enabled, "create")
    reference.invoices["1001"] = replace(reference.invoices["1001"], currency="USD", total=Decimal("2700.00"))
    html = post(enabled, "refresh")
    assert "The Reference invoice is in USD (2700.00 USD); this invoice is in EUR (2524.70 EUR)." in html
    assert "check that the right invoice is linked" in html and "Check the calculation settings" not in html
    reference.invoices["1001"] = replace(reference.invoices["1001"], currency="EUR", contact_name="Globex GmbH")
    html = post(enabled, "refresh")
    assert "The Reference invoice is for Globex GmbH, not Acme Übersetzungen GmbH" in html
    assert "Check the calculation settings" not in html


def test_differing_tax_lines_are_named_after_a_push(app, enabled, reference):
    post(enabled, "create")
    tax_line = reference.invoices["1001"].tax_lines[0]
    reference.invoices["1001"] = replace(reference.invoices["1001"], tax_lines=(replace(tax_line, amount=Decimal("403.09")),))
    html = post(enabled, "refresh")
    assert "The Reference taxes differ from this invoice's." in html
    assert "Tax at 19 %: 403.09 EUR there, 403.10 EUR here." in html


def test_picker_lists_searches_and_links(app, enabled, reference, demo):
    post(enabled, "create")  # invoice 1 -> 1001
    post(enabled, "unlink")
    html = enabled.get(f"/invoices/{ACME}/integrations/reference/pick?q=0001").get_data(as_text=True)
    assert 'data-remote-id="1001"' in html
    html = enabled.get(f"/invoices/{ACME}/integrations/reference/pick?q=nothing-like-this").get_data(as_text=True)
    assert "No Reference invoice matches." in html
    html = post(enabled, "link", remote_id="1001")
    assert "Linked Reference invoice 1001." in html
    assert links(app)[0].status == "linked"


def test_linking_one_remote_invoice_to_two_local_invoices_is_refused(app, enabled, reference):
    post(enabled, "create")
    html = post(enabled, "link", invoice_id=2, remote_id="1001")
    assert "already linked to invoice INV-2026-0001" in html
    assert [l.invoice_id for l in links(app)] == [ACME]


def test_linking_an_unknown_remote_invoice_fails_cleanly(app, enabled):
    html = post(enabled, "link", remote_id="424242")
    assert "Reference has no invoice 424242." in html
    assert links(app) == []


def test_unlink_removes_only_the_host_link_and_is_recorded(app, enabled, reference):
    post(enabled, "create")
    html = post(enabled, "unlink")
    assert "Unlinked Reference invoice INV-2026-0001" in html and "New Reference invoice" in html
    assert links(app) == [] and "1001" in reference.invoices
    assert [e.action for e in events(app)][-1] == "unlink"


def test_actions_on_a_disabled_provider_are_refused_with_a_reason(app, client, login, demo):
    login("user")
    html = post(client, "create")
    assert "Reference is not enabled. An admin can enable it in Settings → Integrations." in html
    assert links(app) == []


def test_the_invoice_survives_every_failure_untouched(app, enabled, reference):
    with app.app_context():
        before = db.session.get(Invoice, ACME).updated_at
    reference.fail_next = "crash"
    post(enabled, "create")
    reference.fail_next = "timeout_after_create"
    post(enabled, "create")
    with app.app_context():
        invoice = db.session.get(Invoice, ACME)
        assert invoice.updated_at == before and len(invoice.lines) == 2


def test_a_refusal_naming_an_existing_remote_invoice_opens_the_picker_on_it(app, enabled, reference):
    post(enabled, "create")
    post(enabled, "unlink")
    reference.fail_next = "refuse_existing"
    text = post(enabled, "create")
    assert "already exists in Reference; link it instead." in text
    assert 'href="/invoices/1/integrations/reference/pick?q=INV-2026-0001"' in text
    picker = html.unescape(enabled.get("/invoices/1/integrations/reference/pick?q=INV-2026-0001").get_data(as_text=True))
    assert 'data-remote-id="1001"' in picker
    assert links(app) == [] and len(reference.invoices) == 1


def test_download_streams_the_remote_document_and_records_it(app, enabled, reference):
    post(enabled, "create")
    assert "Download Reference PDF" in page(enabled)
    response = enabled.post(f"/invoices/{ACME}/integrations/reference/document")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=INV-2026-0001.pdf"
    assert response.data.startswith(b"%PDF-1.4") and b"invoice 1001" in response.data
    assert events(app, action="download")[0].outcome == "ok"


def test_download_failure_is_a_message_not_an_error_page(app, enabled, reference):
    post(enabled, "create")
    reference.invoices.clear()  # the remote invoice vanished
    html_text = html.unescape(enabled.post(f"/invoices/{ACME}/integrations/reference/document", follow_redirects=True).get_data(as_text=True))
    assert "Reference has no document for invoice 1001." in html_text
    assert events(app, action="download")[0].outcome == "failed"


def test_a_failed_link_keeps_an_earlier_failed_create_retryable(app, enabled, reference):
    reference.fail_next = "crash"
    post(enabled, "create")
    [before] = links(app)
    post(enabled, "link", remote_id="424242")
    [after] = links(app)
    assert (after.status, after.attempt_id) == ("failed", before.attempt_id)
    assert "Created Reference invoice 1001." in post(enabled, "create")
    assert len(reference.invoices) == 1
    assert links(app)[0].attempt_id == before.attempt_id


def test_a_remote_that_would_total_differently_blocks_the_create(app, enabled, reference):
    # INV-2026-0001: 12480 x 0.12 = 1497.60 and 12480 x 0.05 = 624.00, VAT 19 % on 2121.60:
    # 284.544 -> 284.54 and 118.56 (per line) = 403.10; total 2524.70. The remote adds 0.01 to the tax.
    reference.tax_offset = Decimal("0.01")
    html = post(enabled, "create")
    assert "Not sent: Reference would calculate this invoice differently from this app." in html
    assert "Reference would compute tax 403.11 on VAT 19%, rounding its own way; this invoice says 403.10." in html
    assert "Reference would compute a total of 2524.71 EUR; this invoice says 2524.70 EUR." in html
    assert "What to change: align the reference rounding with this app's." in html
    assert "create_remote_invoice" not in reference.calls
    assert links(app) == []
    assert events(app, action="create")[0].outcome == "blocked"


def test_a_remote_that_agrees_to_the_cent_is_created(app, enabled, reference):
    post(enabled, "create")
    assert reference.calls[-2:] == ["preview_remote_totals", "create_remote_invoice"]
    assert [link.status for link in links(app)] == ["linked"]


def test_saving_the_company_rechecks_every_enabled_provider_and_shows_orange(app, client, enabled, reference, login):
    client.post("/logout")
    login("admin")
    settings = {"name": "Lingua SL", "country": "ES", "currency": "EUR", "rounding_method": "bankers",
                "apply_taxes_per_line": "y"}
    html = client.post("/settings/company", data=settings, follow_redirects=True).get_data(as_text=True)
    assert "Reference checked again: Settings differ." in html
    listing = client.get("/settings/integrations/").get_data(as_text=True)
    assert "settings differ" in listing and 'class="plate plate-warning settings-warning">Settings differ.' in listing
    assert "Rounding method: host bankers, remote half_up" in page(client)
    html = client.post("/settings/company", data={**settings, "rounding_method": "half_up"},
                       follow_redirects=True).get_data(as_text=True)
    assert "settings-warning" not in page(client)
