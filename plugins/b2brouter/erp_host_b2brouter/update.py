"""Sending an edited invoice to its linked B2BRouter invoice ("Update in B2BRouter").

B2BRouter accepts ``PUT /invoices/{id}`` while the invoice is ``new`` (not
sent yet). The lines are replaced the Rails way: every current line is sent
with ``_destroy`` and the edited lines are added. Once sent, the invoice can
no longer change: the answer says to unlink and create again, or to issue a
credit note in B2BRouter.
"""
from __future__ import annotations

from host import InvoiceData, Result

from erp_host_b2brouter import api_facts, invoices
from erp_host_b2brouter.config import Settings
from erp_host_b2brouter.errors import ApiError

KEPT = ("type", "number", "currency", "contact_id")  # B2BRouter does not change these on an invoice


def refused_state(number: str, state: str) -> Result:
    label = api_facts.STATE_LABELS.get(state, state)
    return Result.failure(
        f"B2BRouter invoice {number} is {label}: B2BRouter no longer accepts changes to it.",
        "To send the edited invoice, unlink it here and create a new B2BRouter invoice (with a new number), "
        "or issue a credit note for it in B2BRouter.",
        sent=False,
    )


def update(invoice: InvoiceData, remote_id: str, settings: Settings, context) -> Result:
    found = invoices.problems(invoice)
    if found:
        return Result.blocked(found)
    client = settings.client(context)
    try:
        data = client.get_invoice(remote_id, include_lines=True)
    except ApiError as error:
        return error.to_result(f"Could not read B2BRouter invoice {remote_id}.", sent=False)
    if data.get("state") != "new":
        return refused_state(str(data.get("number") or remote_id), str(data.get("state")))
    changes = {k: v for k, v in invoices.invoice_payload(invoice, None).items() if k not in KEPT}
    changes["invoice_lines_attributes"] = (
        [{"id": line["id"], "_destroy": True} for line in data.get("lines") or ()] + changes["invoice_lines_attributes"])
    try:
        updated = client.update_invoice(remote_id, changes)
    except ApiError as error:
        return error.to_result(f"B2BRouter did not take the changes to invoice {data.get('number')}.")
    remote = invoices.remote_invoice(updated, settings.invoice_url(updated["id"]))
    return Result.success(f"Updated B2BRouter invoice {remote.number} with this invoice's changes.", remote=remote)
