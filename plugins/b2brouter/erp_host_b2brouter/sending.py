"""Sending a New invoice from the host, and the states shown as words with colours.

``POST /invoices/send_invoice/{id}`` "sends an invoice to the customer and
generates tax reports" [credit-send-payment §2, CONFIRMED-official]; the
documented answer is ``{"tax_report_ids": [...]}``, the legacy one a 204
with no body: both are accepted. The invoice is read back afterwards, so
the host shows the state B2BRouter reports (``sending``, ``sent`` or
``error`` with its reason), never an assumed one.
"""
from __future__ import annotations

from host import InvoiceAction, Message, RemoteState, Result

from erp_host_b2brouter import api_facts

SEND = InvoiceAction("send", "Send via B2BRouter", states=("new",))

TONES = {
    "new": "neutral", "sending": "info", "sent": "info", "read": "info", "issued": "info",
    "accepted": "success", "registered": "success", "paid": "success", "closed": "success",
    "allegedly_paid": "warning", "error": "error", "refused": "error",
    "cancelled": "neutral", "annulled": "neutral",
}
#: Short words for the state badge (``api_facts.STATE_LABELS`` are longer, for messages).
WORDS = {"new": "New", "error": "Error", "read": "Read"}
REMOTE_STATES = tuple(
    RemoteState(key, WORDS.get(key, label), TONES.get(key, "neutral"))
    for key, label in api_facts.STATE_LABELS.items()
)


def send(client, remote_id: str, read_back) -> Result:
    """Send invoice ``remote_id``; ``read_back()`` returns the fresh ``RemoteInvoice`` or a failed Result."""
    from erp_host_b2brouter.errors import ApiError

    try:
        answer = client.send_invoice(remote_id)
    except ApiError as error:
        return error.to_result(f"B2BRouter did not send invoice {remote_id}.")
    fresh = read_back()
    if isinstance(fresh, Result):
        return fresh
    reports = answer.get("tax_report_ids") if isinstance(answer, dict) else None
    extra = f" Tax reports: {', '.join(str(r) for r in reports)}." if reports else ""
    label = api_facts.STATE_LABELS.get(fresh.state or "", fresh.state or "unknown")
    if fresh.state == "error":
        return Result(ok=True, remote=fresh, messages=(
            Message("warning", f"B2BRouter could not send the invoice: {label}.",
                    (fresh.state_detail,) if fresh.state_detail else ()),))
    return Result.success(f"Sent to B2BRouter; its state is now {label}.{extra}", remote=fresh)
