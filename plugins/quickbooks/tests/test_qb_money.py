"""Payments back, credit memos, webhooks, the catch-up, fresh look-ups, line discounts, unlink-then-new."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import requests
from host import CreditedInvoice, LinkData
from host.testing import sample_line

from erp_host_quickbooks import webhooks
from erp_host_quickbooks.sandbox.money import VERIFIER_TOKEN, sign

CALIFORNIA_LINE = dict(service="Hours", quantity="2", unit_price="50.00")


def create(plugin, config, context, invoice, attempt_id=None):
    return plugin.create_remote_invoice(invoice=invoice, config=config, context=context,
                                        attempt_id=attempt_id or uuid.uuid4().hex)


def link_of(remote):
    return LinkData(remote.remote_id, remote.number, remote.url, remote.state, remote.total, "a", None)


def text_of(result):
    return " ".join(m.text + " " + " ".join(m.details) for m in result.messages)


def pay(sandbox, remote_id, amount=None, txn_date="2026-11-20"):
    body = {"txn_date": txn_date, **({"amount": amount} if amount is not None else {})}
    requests.post(f"{sandbox.url}/_sandbox/invoices/{remote_id}/payment", json=body, timeout=5).raise_for_status()


def status(plugin, config, context, invoice, remote):
    result = plugin.remote_status(invoice=invoice, link=link_of(remote), config=config, context=context)
    assert result.ok, result.messages
    return result.remote


def test_a_part_then_full_payment_is_reported_with_its_date(plugin, config, connected, sandbox, us_invoice):
    invoice = us_invoice()
    created = create(plugin, config, connected, invoice).remote
    pay(sandbox, created.remote_id, "40.00", "2026-11-20")
    part = status(plugin, config, connected, invoice, created)
    assert (part.amount_paid, part.paid_on, part.state) == (Decimal("40.00"), date(2026, 11, 20), "open")
    assert part.reported_at is not None and not part.final
    pay(sandbox, created.remote_id, None, "2026-11-25")
    whole = status(plugin, config, connected, invoice, created)
    assert (whole.amount_paid, whole.paid_on, whole.state, whole.final) == (whole.total, date(2026, 11, 25), "paid", True)
    assert whole.reported_at >= part.reported_at


def credit_note(us_invoice, number="CN-1"):
    lines = [sample_line(description="Refund of the tour", quantity="-1", unit_price="50.00",
                         taxes=us_invoice().lines[0].taxes, service="Hours")]
    invoice = us_invoice(number=number, lines=lines)
    return invoice.__class__(**{**invoice.__dict__, "credited": CreditedInvoice("T-1", date(2026, 11, 2), "Tour cancelled")})


def test_a_credit_note_becomes_a_credit_memo_with_the_same_checks(plugin, config, connected, sandbox, us_invoice):
    note = credit_note(us_invoice)
    assert note.total < 0
    preview = plugin.preview_remote_totals(invoice=note, config=config, context=connected)
    assert preview.total == note.total
    result = create(plugin, config, connected, note)
    assert result.ok, result.messages
    remote = result.remote
    assert remote.remote_id.startswith("cm-") and remote.total == note.total and "/creditmemo?txnId=" in remote.url
    memo = sandbox.store.get("CreditMemo", remote.remote_id[3:])
    assert memo["TotalAmt"] == -note.total and memo["Line"][0]["Amount"] == Decimal("50.00")
    assert "for invoice T-1" in memo["PrivateNote"] and "Tour cancelled" in memo["CustomerMemo"]["value"]
    again = status(plugin, config, connected, note, remote)
    assert again.remote_id == remote.remote_id and again.total == note.total
    unknown = credit_note(lambda **kw: us_invoice(client_name="Nobody Such", **kw), number="CN-2")
    blocked = create(plugin, config, connected, unknown)
    assert not blocked.ok and "credit memo" in text_of(blocked) and "Nobody Such" in " ".join(blocked.problems)


def test_webhooks_are_verified_in_both_formats_and_read_in_a_job(plugin, config, connected, sandbox, us_invoice):
    config = {**config, "webhook_verifier_token": VERIFIER_TOKEN}
    invoice = us_invoice()
    created = create(plugin, config, connected, invoice).remote
    since = len(sandbox.store.events)
    pay(sandbox, created.remote_id, "25.00")
    for fmt in ("cloudevents", "legacy"):
        delivery = requests.get(f"{sandbox.url}/_sandbox/webhooks", params={"format": fmt, "since": since}, timeout=5).json()
        body = delivery["body"].encode()
        answers = [plugin.handle_webhook(headers={"intuit-signature": delivery["signature"]}, body=body,
                                         config=config, context=connected) for _ in range(3)]
        assert {a.status for a in answers} == {200} and len({a.event_id for a in answers}) == 1  # a replay: same ID
        assert not answers[0].updates  # nothing trusted from the event itself
        assert ["Invoice", created.remote_id] in answers[0].work["entities"]
        read = plugin.process_webhook(work=answers[0].work, config=config, context=connected)
        [update] = [u for u in read.updates if u.remote_id == created.remote_id]
        assert update.amount_paid == Decimal("25.00")
    body = b'[{"type": "qbo.invoice.updated.v1"}]'
    forged = plugin.handle_webhook(headers={"intuit-signature": sign(body, "not-the-token")}, body=body,
                                   config=config, context=connected)
    assert forged.status == 401 and forged.work is None
    unset = plugin.handle_webhook(headers={"intuit-signature": sign(body)}, body=body,
                                  config={**config, "webhook_verifier_token": None}, context=connected)
    assert unset.status == 401


def test_events_of_another_company_are_ignored():
    body = json.dumps([{"id": "e1", "source": "s", "type": "qbo.invoice.updated.v1", "intuitentityid": "7",
                        "intuitaccountid": "other-realm"}]).encode()
    answer = webhooks.handle({"intuit-signature": webhooks.signature("t", body)}, body, "t", "my-realm")
    assert answer.status == 200 and answer.work is None and answer.event_id


def test_the_catch_up_reads_what_changed_since(plugin, config, connected, sandbox, us_invoice):
    invoice = us_invoice()
    created = create(plugin, config, connected, invoice).remote
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    pay(sandbox, created.remote_id)
    answer = plugin.catch_up(since=before, config=config, context=connected)
    [update] = [u for u in answer.updates if u.remote_id == created.remote_id]
    assert update.state == "paid" and update.amount_paid == update.total
    assert plugin.catch_up(since=datetime.now(timezone.utc) + timedelta(minutes=5), config=config,
                           context=connected).updates == ()  # nothing changed since then


def test_a_missing_customer_is_looked_up_again_not_cached(plugin, config, connected, sandbox, us_invoice):
    invoice = us_invoice(client_name="Brand New Customer")
    first = plugin.preview_remote_totals(invoice=invoice, config=config, context=connected)
    assert not first.ok and "Brand New Customer" in " ".join(first.problems)
    requests.post(f"{sandbox.url}/_sandbox/entities/Customer", json={"DisplayName": "Brand New Customer"},
                  timeout=5).raise_for_status()
    second = plugin.preview_remote_totals(invoice=invoice, config=config, context=connected)
    assert not hasattr(second, "problems") or "Brand New Customer" not in " ".join(second.problems)


def test_a_line_discount_is_not_folded_into_an_odd_unit_price(plugin, config, connected, sandbox, us_invoice):
    line = sample_line(service="Hours", description="Tour", quantity="3", unit_price="12.345", discount_percent="5",
                       taxes=us_invoice().lines[0].taxes)
    result = create(plugin, config, connected, us_invoice(lines=[line]))
    assert result.ok, result.messages
    stored = sandbox.store.get("Invoice", result.remote.remote_id)["Line"][0]
    assert "UnitPrice" not in stored["SalesItemLineDetail"] and stored["Amount"] == Decimal("35.18")
    assert stored["Description"] == "Tour (3 × 12.345, less 5 %)"


def test_unlink_then_new_offers_the_existing_invoice(plugin, config, connected, sandbox, us_invoice):
    requests.patch(f"{sandbox.url}/_sandbox/preferences", json={"SalesFormsPrefs": {"CustomTxnNumbers": False}},
                   timeout=5).raise_for_status()
    assert "numbers the invoices itself" in text_of(plugin.validate_config(config=config, context=connected))
    invoice = us_invoice()
    created = create(plugin, config, connected, invoice).remote
    assert created.number != invoice.number  # QuickBooks numbered it: found by the PrivateNote marker
    unlinked = plugin.unlink(invoice=invoice, link=link_of(created), config=config, context=connected)
    assert "stays in QuickBooks" in text_of(unlinked)
    again = create(plugin, config, connected, invoice)
    assert not again.ok and again.sent is False and again.remote.remote_id == created.remote_id
    assert "link it instead" in text_of(again)
    assert sandbox.store.stats.invoice_creates == 1


def test_linking_an_invoice_paid_already_reports_the_payment(plugin, config, connected, sandbox, us_invoice):
    invoice = us_invoice()
    created = create(plugin, config, connected, invoice).remote
    pay(sandbox, created.remote_id, None, "2026-11-21")
    linked = plugin.link(invoice=us_invoice(), remote_id=created.remote_id, config=config, context=connected)
    assert linked.ok and linked.remote.amount_paid == created.total and linked.remote.paid_on == date(2026, 11, 21)
