"""The sandbox's payment means, credit notes, sending, payments and contact updates.

Facts from ``shared/reference/b2brouter-credit-send-payment.md``; where the
real behaviour is [UNKNOWN] the sandbox is strict in the way the reference
infers (said per rule below), so the plugin is tested against the stricter
reading.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from erp_host_b2brouter import api_facts

#: B2BRouter's internal payment_method codes [§3, the captured part of the guide's table].
PAYMENT_METHODS = {1, 2, 3, 4, 7, 10, 11, 12, 13, 14}
CREDIT_FIELDS = ("is_credit_note", "amended_number", "amended_date", "amended_reason", "amend_reason")
PAYMENT_FIELDS = ("payment_method", "payment_method_text", "bank_account", "mandate_reference_identifier")
#: States from which ``send_invoice`` sends [§2: new → sending → sent | error].
SENDABLE = ("new", "error")
#: The contact fields ``PUT /contacts/{id}`` changes [§4, the create fields].
CONTACT_FIELDS = ("name", "email", "tin_value", "tin_scheme", "country", "address", "city", "postalcode",
                  "province", "phone", "language", "payment_method", "terms")


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def extra_problems(store, account_id: int, data: dict) -> list[str]:
    """Refusals for the payment and credit fields of a create [INFERRED strictness]."""
    problems = []
    method = data.get("payment_method")
    if method is not None and method not in PAYMENT_METHODS:
        problems.append("Payment method is not included in the list")
    account = data.get("bank_account")
    if account is not None and (not isinstance(account, dict) or not account.get("iban")):
        problems.append("Bank account iban can't be blank")
    if method == 2 and not data.get("mandate_reference_identifier"):
        problems.append("Mandate reference identifier can't be blank for a direct debit")
    if data.get("is_credit_note") or data.get("amended_number"):
        number = str(data.get("amended_number") or "")
        if not number:
            problems.append("Amended number can't be blank for a credit note")
        elif not any(i["account_id"] == account_id and i["number"] == number for i in store.invoices.values()):
            problems.append(f"Amended number {number} does not match any invoice of this account")
    return problems


def keep_extras(invoice: dict, data: dict) -> None:
    for name in CREDIT_FIELDS + PAYMENT_FIELDS:
        if data.get(name) is not None:
            invoice[name] = data[name]
    invoice.setdefault("paid_date", None)


def extra_json(invoice: dict) -> dict:
    """The extra fields as ``GET /invoices/{id}`` returns them."""
    found = {name: invoice[name] for name in CREDIT_FIELDS + PAYMENT_FIELDS if invoice.get(name) is not None}
    found["is_credit_note"] = bool(invoice.get("is_credit_note"))
    if invoice.get("paid_date"):
        found["paid_date"] = invoice["paid_date"]
    return found


def send(store, invoice: dict) -> list[str] | dict:
    """``POST /invoices/send_invoice/{id}``: problems, or the answer with ``tax_report_ids`` [§2]."""
    if invoice["state"] not in SENDABLE:
        return [f"Invoice cannot be sent in state {invoice['state']}"]
    contact = store.contacts.get(invoice["contact_id"]) or {}
    if not contact.get("email"):
        store.set_state(invoice, "error", errors=["The contact has no email address"])
    else:
        store.set_state(invoice, "sent")
    store.next_tax_report = getattr(store, "next_tax_report", 700000) + 1
    return {"tax_report_ids": [store.next_tax_report]}


def mark_paid(store, invoice: dict, paid_date: str | None = None) -> dict:
    """A payment: the state ``paid`` with its date (``mark_as`` takes ``paid_date`` [§2, CONFIRMED-official])."""
    store.set_state(invoice, "paid")
    invoice["paid_date"] = paid_date or date.today().isoformat()
    return invoice


def update_contact(contact: dict, changes: dict) -> list[str]:
    """``PUT /contacts/{id}``: only the given fields change [§4, partial update INFERRED]."""
    if "name" in changes and not (changes.get("name") or "").strip():
        return ["Name can't be blank"]
    if "email" in changes and not (changes.get("email") or "").strip():
        return ["Email can't be blank"]
    for name in CONTACT_FIELDS:
        if name in changes:
            value = changes[name]
            contact[name] = value.lower() if name == "country" and isinstance(value, str) else value
    contact["updated_at"] = _stamp()
    return []


def webhook_body(invoice: dict) -> dict:
    """The ``issued_invoice.state_change`` event for ``invoice``'s current state [§5]."""
    data = {"invoice_id": invoice["id"], "state": invoice["state"]}
    if invoice.get("errors"):
        data["notes"] = "; ".join(invoice["errors"])
    return {"code": api_facts.WEBHOOK_STATE_CHANGE, "triggered_at": int(datetime.now(timezone.utc).timestamp()),
            "data": data}
