"""History rows are rendered once and kept (host.views.history_rows): a kept
row is never stale, and rows stay escaped."""
from host.extensions import db
from host.integrations import history
from host.models import IntegrationEvent, Invoice
from host.testing.reference_provider import ReferenceProvider
from host.views.history_rows import _rendered


def _record(app, message: str) -> tuple[int, int]:
    with app.app_context():
        invoice = db.session.execute(db.select(Invoice).order_by(Invoice.id)).scalars().first()
        event = history.record("reference", "create", "ok", message, invoice_id=invoice.id, username="clerk",
                               request_id="req-77")
        db.session.commit()
        return invoice.id, event.id


def test_a_kept_row_is_reused_and_escaped(app, demo, login):
    client = login("user")
    invoice_id, _ = _record(app, "Created <b>R-1</b> & sent.")
    first = client.get(f"/invoices/{invoice_id}").get_data(as_text=True)
    hits = _rendered.cache_info().hits
    second = client.get(f"/invoices/{invoice_id}").get_data(as_text=True)
    assert _rendered.cache_info().hits > hits
    assert "Created &lt;b&gt;R-1&lt;/b&gt; &amp; sent." in first and "<b>R-1</b>" not in first
    assert first.count('class="event outcome-ok"') == second.count('class="event outcome-ok"') == 1


def test_a_changed_event_or_invoice_number_is_shown_changed(app, demo, login):
    client = login("admin")
    invoice_id, event_id = _record(app, "First words.")
    assert "First words." in client.get(f"/invoices/{invoice_id}").get_data(as_text=True)
    assert "First words." in client.get("/settings/integrations/log").get_data(as_text=True)
    with app.app_context():
        db.session.get(IntegrationEvent, event_id).message = "Other words."
        db.session.get(Invoice, invoice_id).number = "RENAMED-1"
        db.session.commit()
    page = client.get(f"/invoices/{invoice_id}").get_data(as_text=True)
    log = client.get("/settings/integrations/log").get_data(as_text=True)
    assert "Other words." in page and "First words." not in page
    assert "RENAMED-1" in log and "Other words." in log


def test_an_app_with_other_provider_titles_shows_its_own(make_host_app, app, login):
    from host.demo import load_demo

    other = make_host_app({"reference": ReferenceProvider(title="Renamed Books")}, WTF_CSRF_ENABLED=False)
    with app.app_context():
        load_demo()
    invoice_id, _ = _record(app, "Titled.")
    assert ">Reference</td>" in login("user").get(f"/invoices/{invoice_id}").get_data(as_text=True)
    other_client = other.test_client()
    other_client.post("/login", data={"username": "clerk", "password": "clerk-demo-pass"})
    page = other_client.get(f"/invoices/{invoice_id}").get_data(as_text=True)
    assert ">Renamed Books</td>" in page and ">Reference</td>" not in page
