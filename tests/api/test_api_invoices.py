"""Invoices through the API: filters, totals, link state, create and update through the page's form rules."""
from host.extensions import db
from host.models import Client, Service, Tax


def ids(app):
    with app.app_context():
        client = db.session.execute(db.select(Client).filter_by(code="ACME-DE")).scalar_one().id
        service = db.session.execute(db.select(Service).filter_by(name="Translation")).scalar_one().id
        tax = db.session.execute(db.select(Tax).filter_by(name="IVA 21%")).scalar_one().id
    return client, service, tax


def new_invoice(app, number="API-0001", **extra):
    client, service, tax = ids(app)
    return {"number": number, "client_id": client, "issue_date": "2026-03-01",
            "lines": [{"service_id": service, "quantity": "1000", "tax_ids": [tax]}], **extra}


def test_create_reads_back_lines_totals_and_provider_state(app, enabled):
    response = enabled().post("/invoices", json=new_invoice(app))
    assert response.status_code == 201, response.json
    invoice = response.json
    line = invoice["lines"][0]
    assert (line["description"], line["unit_price"], line["net"]) == ("Translation", "0.12", "120")  # from the service
    assert invoice["totals"]["total"] == "145.2" and invoice["totals"]["taxes"][0]["amount"] == "25.2"
    assert invoice["status"] == "draft" and invoice["due_date"] == "2026-03-01"
    assert [(s["provider"], s["link"], s["job"]) for s in invoice["integrations"]] == [("reference", None, None)]
    assert enabled().get(f"/invoices/{invoice['id']}").json == invoice


def test_invalid_invoice_lists_each_field_with_the_forms_message(app, api):
    body = new_invoice(app, due_date="2026-02-01")
    body["lines"].append({"description": "", "quantity": "0"})
    body["adjustments"] = [{"kind": "charge", "reason": "Shipping"}]
    response = api().post("/invoices", json=body)
    assert response.status_code == 422
    errors = response.json["errors"]
    assert errors["due_date"] == ["The due date cannot be before the issue date."]
    assert errors["lines[1].quantity"] == ["The quantity cannot be 0."]
    assert errors["adjustments[0].amount"] == ["Give either a percent or an amount."]
    assert api().get("/invoices").json["total"] == 4


def test_a_taken_number_and_an_unknown_client_are_refused(app, api):
    assert api().post("/invoices", json=new_invoice(app, number="INV-2026-0001")).json["errors"]["number"] == [
        "Another invoice already uses this number."]
    response = api().post("/invoices", json=new_invoice(app, client_id=99999))
    assert response.status_code == 422 and "client" in response.json["errors"]


def test_update_changes_only_what_is_sent_and_replaces_lines(app, api):
    invoice = api().post("/invoices", json=new_invoice(app)).json
    changed = api().patch(f"/invoices/{invoice['id']}", json={"notes": "Thanks", "status": "issued"}).json
    assert (changed["notes"], changed["status"], changed["totals"]["total"]) == ("Thanks", "issued", "145.2")
    lines = [{"description": "Rush fee", "quantity": "1", "unit_price": "10"}]
    changed = api().patch(f"/invoices/{invoice['id']}", json={"lines": lines}).json
    assert [l["description"] for l in changed["lines"]] == ["Rush fee"] and changed["totals"]["total"] == "10"


def test_a_linked_invoice_changes_only_when_confirmed(app, enabled, reference):
    invoice_id = 1
    assert enabled().post(f"/invoices/{invoice_id}/integrations/reference/create").status_code == 202
    refused = enabled().patch(f"/invoices/{invoice_id}", json={"notes": "late change"})
    assert refused.status_code == 409
    assert "confirm_linked=true" in refused.json["detail"] and "unlink it first" in refused.json["detail"]
    assert enabled().get(f"/invoices/{invoice_id}").json["notes"] != "late change"
    changed = enabled().patch(f"/invoices/{invoice_id}?confirm_linked=true", json={"notes": "late change"})
    assert changed.status_code == 200 and changed.json["notes"] == "late change"
    link = next(s for s in changed.json["integrations"] if s["provider"] == "reference")["link"]
    assert link["status"] == "linked"  # still linked: the remote copy is updated with .../update


def test_an_invoice_being_pushed_is_not_changed_even_when_confirmed(app, enabled):
    from host.extensions import db
    from host.models import RemoteLink

    with app.app_context():
        db.session.add(RemoteLink(invoice_id=1, provider="reference", status="pending", attempt_id="a-pending"))
        db.session.commit()
    refused = enabled().patch("/invoices/1?confirm_linked=true", json={"notes": "during the push"})
    assert refused.status_code == 409 and "in progress" in refused.json["detail"]


def test_list_filters_like_the_list_page(app, enabled):
    everything = enabled().get("/invoices").json
    assert everything["total"] == 4 and everything["items"][0]["total"]
    first = next(i for i in everything["items"] if i["id"] == 1)
    enabled().post(f"/invoices/{first['id']}/integrations/reference/create")
    missing = enabled().get("/invoices?integration=missing:reference").json
    assert missing["total"] == 3 and first["id"] not in [i["id"] for i in missing["items"]]
    by_client = enabled().get(f"/invoices?client={first['client']['id']}").json["items"]
    assert {i["client"]["id"] for i in by_client} == {first["client"]["id"]}
    assert enabled().get("/invoices?date_from=2999-01-01").json["total"] == 0
    assert enabled().get("/invoices?integration=sideways:reference").status_code == 422
    assert enabled().get("/invoices?limit=0").status_code == 422
