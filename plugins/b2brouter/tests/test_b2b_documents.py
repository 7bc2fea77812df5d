"""Payment means, credit notes, sending, payments and contact updates against the sandbox."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import erp_host_b2brouter as plugin
import pytest
from host import BankAccountData, CreditedInvoice, LinkData, PaymentMeansData

from erp_host_b2brouter import documents, invoices, webhook

SECRET = "sandbox-webhook-secret"


@pytest.fixture
def config(sandbox):
    """Many pushes in one test: a limit the earlier tests of the session have not used up."""
    return sandbox.config(requests_per_minute=100000)


def create(make_invoice, config, context, **overrides):
    result = plugin.create_remote_invoice(invoice=make_invoice(**overrides), config=config, context=context,
                                          attempt_id=overrides.get("number", "a") + "-attempt")
    return result


def stored(sandbox, remote_id):
    return sandbox.store.invoices[int(remote_id)]


def link_of(remote):
    return LinkData(remote.remote_id, remote.number, remote.url, remote.state, remote.total, "x", None)


def credit_note(make_invoice, make_line, original_number="INV-2025-0100", remote_ids=(("b2brouter", "1"),), **kw):
    lines = (make_line(quantity="-3", net="-99.99"),)
    credited = CreditedInvoice(original_number, date(2025, 11, 20), "Returned goods", remote_ids,
                               tuple((p, original_number) for p, _ in remote_ids))
    return make_invoice(number="CN-1", lines=lines, credited=credited, **kw)


def test_payment_means_and_bank_account_are_sent(sandbox, config, context, make_invoice):
    transfer = PaymentMeansData("58", "SEPA credit transfer", BankAccountData("ES9121000418450200051332", "CAIXESBBXXX", "Lingua"))
    result = create(make_invoice, config, context, payment_means=transfer)
    assert result.ok, result.messages
    invoice = stored(sandbox, result.remote.remote_id)
    assert invoice["payment_method"] == 4
    assert invoice["bank_account"] == {"type": "iban", "iban": "ES9121000418450200051332", "bic": "CAIXESBBXXX"}
    debit = PaymentMeansData("59", "SEPA direct debit", None, "MANDATE-7")
    result = create(make_invoice, config, context, number="INV-2025-0101", payment_means=debit)
    invoice = stored(sandbox, result.remote.remote_id)
    assert (invoice["payment_method"], invoice["mandate_reference_identifier"]) == (2, "MANDATE-7")
    card = PaymentMeansData("48", "Bank card")
    payload = invoices.invoice_payload(make_invoice(payment_means=card), 1)
    assert (payload["payment_method"], payload["payment_method_text"]) == (13, "Bank card")


def test_a_spanish_credit_note_is_rectificative_with_negative_quantities(sandbox, config, context, make_invoice, make_line):
    assert create(make_invoice, config, context).ok
    note = credit_note(make_invoice, make_line, total=Decimal("-120.99"))
    payload = invoices.invoice_payload(note, 1)
    assert payload["invoice_lines_attributes"][0]["quantity"] == Decimal(-3)
    assert "is_credit_note" not in payload and payload["amend_reason"] == documents.DEFAULT_AMEND_CODE
    assert (payload["amended_number"], payload["amended_reason"]) == ("INV-2025-0100", "Returned goods")
    result = plugin.create_remote_invoice(invoice=note, config=config, context=context, attempt_id="cn")
    assert result.ok, result.messages
    assert result.remote.total < 0


def test_a_credit_note_elsewhere_is_positive_with_is_credit_note(sandbox, config, context, make_invoice, make_line,
                                                                 make_client):
    german = make_client(code="SBX-GLOBEX", name="Globex GmbH", email="invoices@globex.test", tax_id="DE123456789",
                         tax_scheme="9930", country="DE")
    assert create(make_invoice, config, context, client=german).ok
    note = credit_note(make_invoice, make_line, client=german, total=Decimal("-120.99"))
    payload = invoices.invoice_payload(note, 1)
    assert payload["is_credit_note"] is True and payload["invoice_lines_attributes"][0]["quantity"] == Decimal(3)
    result = plugin.create_remote_invoice(invoice=note, config=config, context=context, attempt_id="cn-de")
    assert result.ok, result.messages
    assert stored(sandbox, result.remote.remote_id)["is_credit_note"] is True
    assert result.remote.total == Decimal("-120.99")  # positive there, negative here as the host keeps it


def test_a_credit_note_whose_original_was_never_sent_is_refused_before_any_call(sandbox, config, context,
                                                                                make_invoice, make_line):
    note = credit_note(make_invoice, make_line, remote_ids=())
    before = len(sandbox.requests_log())
    result = plugin.create_remote_invoice(invoice=note, config=config, context=context, attempt_id="cn-x")
    assert not result.ok and result.sent is False
    assert "was never sent to B2BRouter" in result.messages[0].details[-1]
    assert len(sandbox.requests_log()) == before


def test_send_from_the_host_then_a_payment_marks_it_paid(sandbox, config, context, make_invoice):
    created = create(make_invoice, config, context)
    assert created.remote.state == "new"
    sent = plugin.run_invoice_action(name="send", invoice=make_invoice(), link=link_of(created.remote),
                                     config=config, context=context)
    assert sent.ok and sent.remote.state == "sent", sent.messages
    again = plugin.run_invoice_action(name="send", invoice=make_invoice(), link=link_of(created.remote),
                                      config=config, context=context)
    assert not again.ok and "cannot be sent in state sent" in " ".join(again.messages[0].details)
    sandbox.control(f"invoices/{created.remote.remote_id}/pay", paid_date="2025-12-01")
    status = plugin.remote_status(invoice=make_invoice(), link=link_of(created.remote), config=config, context=context)
    remote = status.remote
    assert (remote.state, remote.final, remote.amount_paid, remote.paid_on) == ("paid", True, remote.total, date(2025, 12, 1))


def test_a_paid_webhook_defers_reading_the_invoice(sandbox, config, context, make_invoice):
    created = create(make_invoice, config, context)
    sandbox.control(f"invoices/{created.remote.remote_id}/pay", paid_date="2025-12-02")
    event = sandbox.served.control(f"invoices/{created.remote.remote_id}/event", method="GET")
    body = json.dumps(event).encode()
    response = plugin.handle_webhook(headers={"x-b2brouter-signature": webhook.sign(SECRET, body)}, body=body,
                                     config=config, context=context)
    assert response.status == 200 and response.updates[0].state == "paid"
    assert response.work == {"invoice_id": created.remote.remote_id} and response.event_id.endswith(str(event["triggered_at"]))
    read = plugin.process_webhook(work=response.work, config=config, context=context)
    assert read.updates[0].amount_paid == created.remote.total and read.updates[0].paid_on == date(2025, 12, 2)


def test_the_contact_is_looked_up_once_and_updated_when_the_client_changes(sandbox, config, context, make_invoice,
                                                                           make_client):
    def contact_calls():
        return [r for r in sandbox.requests_log() if "contacts" in r["path"]]

    create(make_invoice, config, context)
    create(make_invoice, config, context, number="INV-2025-0101")
    assert [r["method"] for r in contact_calls()] == ["GET"]  # the second push asked nothing
    moved = make_client(address="Calle Nueva 9", email="new@acme.test")
    create(make_invoice, config, context, number="INV-2025-0102", client=moved)
    assert [r["method"] for r in contact_calls()] == ["GET", "PUT"]
    contact = next(c for c in sandbox.store.contacts.values() if c["integration_code"] == "SBX-ACME")
    assert (contact["address"], contact["email"]) == ("Calle Nueva 9", "new@acme.test")
    create(make_invoice, config, context, number="INV-2025-0103", client=moved)
    assert len(contact_calls()) == 2


def test_states_are_words_with_colours():
    info = plugin.provider_info()
    assert info.state("new").label == "New" and info.state("paid").tone == "success"
    assert info.state("error").tone == "error" and info.state("sent").label == "Sent"
    assert [a.name for a in info.invoice_actions] == ["send"] and info.invoice_actions[0].states == ("new",)


def test_a_replayed_or_older_event_keeps_the_same_id(sandbox, config, context):
    body = json.dumps({"code": "issued_invoice.state_change", "triggered_at": 1764583200,
                       "data": {"invoice_id": 9000001, "state": "Sent"}}).encode()
    answers = [plugin.handle_webhook(headers={"x-b2brouter-signature": webhook.sign(SECRET, body)}, body=body,
                                     config=config, context=context) for _ in range(3)]
    assert len({a.event_id for a in answers}) == 1 and answers[0].updates[0].state == "sent"
    assert answers[0].updates[0].final is False and answers[0].work is None


def test_a_contact_deleted_in_b2brouter_is_found_again_after_a_refusal(sandbox, config, context, make_invoice):
    assert create(make_invoice, config, context).ok
    sandbox.store.contacts.clear()  # deleted in B2BRouter meanwhile
    refused = create(make_invoice, config, context, number="INV-2025-0101")
    assert not refused.ok and "Contact not found" in " ".join(refused.messages[0].details)
    assert create(make_invoice, config, context, number="INV-2025-0101").ok  # looked up and created afresh
