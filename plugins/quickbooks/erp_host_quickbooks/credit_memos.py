"""Credit notes as QuickBooks CreditMemos.

A CreditMemo has the invoice's lines with **positive** amounts (the type
makes it a credit) and references no invoice [quickbooks-payments-credits-
webhooks.md §2], so the original invoice is named in ``PrivateNote`` and
``CustomerMemo``. The host's credit note (negative amounts) is turned into
its positive mirror, which goes through the very same checks as an invoice
(customer, services, term, tax must already exist) and the same payload.
In the host a credit memo's remote ID is ``cm-<Id>`` (QuickBooks numbers
CreditMemos apart from Invoices) and its total is negative.
"""
from __future__ import annotations

from dataclasses import replace

from host import InvoiceData, RemoteInvoice

PREFIX = "cm-"


def is_credit_memo_id(remote_id: str | None) -> bool:
    return bool(remote_id) and str(remote_id).startswith(PREFIX)


def entity_id(remote_id: str) -> str:
    return str(remote_id)[len(PREFIX):] if is_credit_memo_id(remote_id) else str(remote_id)


def positive(invoice: InvoiceData) -> InvoiceData:
    """The credit note with every amount's sign flipped: what the CreditMemo carries."""
    lines = tuple(replace(line, quantity=-line.quantity, net=-line.net, discount_amount=-line.discount_amount,
                          charge_amount=-line.charge_amount) for line in invoice.lines)
    adjustments = tuple(replace(a, amount=-a.amount) for a in invoice.allowance_charges)
    taxes = tuple(replace(t, base=-t.base, amount=-t.amount) for t in invoice.tax_totals)
    return replace(invoice, lines=lines, allowance_charges=adjustments, tax_totals=taxes, subtotal=-invoice.subtotal,
                   tax_exclusive_total=-invoice.tax_exclusive_total, total=-invoice.total, credited=None)


def memo_payload(invoice_body: dict, invoice: InvoiceData) -> dict:
    """The invoice payload made a CreditMemo: no due date or term, the original named."""
    body = {k: v for k, v in invoice_body.items() if k not in ("DueDate", "SalesTermRef")}
    original = invoice.credited.number if invoice.credited else None
    reason = invoice.credited.reason if invoice.credited else ""
    about = f"Credit note {invoice.number}" + (f" for invoice {original}" if original else "")
    body["PrivateNote"] = f"{about} (erp-host){': ' + reason if reason else ''}"[:4000]
    body["CustomerMemo"] = {"value": (about + (f". {reason}" if reason else ""))[:1000]}
    return body


def negative(remote: RemoteInvoice, web_app: str) -> RemoteInvoice:
    """A CreditMemo read back, as the host keeps a credit note: negative, ``cm-`` ID, its own page."""
    def neg(value):
        return -value if value is not None else None

    return replace(remote, remote_id=PREFIX + remote.remote_id, url=f"{web_app}/creditmemo?txnId={remote.remote_id}",
                   total=neg(remote.total), balance=neg(remote.balance),
                   state="credit" if remote.balance else "applied", state_detail=None, final=not remote.balance,
                   tax_lines=tuple(replace(t, amount=-t.amount, base=neg(t.base)) for t in remote.tax_lines))
