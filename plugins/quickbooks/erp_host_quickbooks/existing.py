"""Before creating: a QuickBooks invoice already made from this local invoice?

After an unlink the QuickBooks invoice stays; pushing the local invoice again
must not make a second one. Every invoice the plugin creates carries a marker
in ``PrivateNote`` ("From erp-host invoice <number> (attempt <id>)"). Before
a create the plugin looks for the invoice by ``DocNumber`` (custom numbers
on) or by customer and date with that marker: one made by this very attempt
(a retry whose answer was lost) is linked, any other is offered for linking
instead of creating a second one.
"""
from __future__ import annotations

from host import InvoiceData

from erp_host_quickbooks.query import select

MARKER = "From erp-host invoice {number}"


def private_note(number: str, request_id: str) -> str:
    return f"{MARKER.format(number=number)} (attempt {request_id})"[:4000]


def made_from(row: dict, number: str) -> bool:
    note = row.get("PrivateNote") or ""
    return note == MARKER.format(number=number) or note.startswith(MARKER.format(number=number) + " (")


def find(client, invoice: InvoiceData, customer_id: str, by_number: bool) -> dict | None:
    """The QuickBooks invoice made from ``invoice`` (or numbered like it), if any."""
    if by_number:  # one query; an invoice made from this one carries its number
        rows = client.query(select("Invoice", [("DocNumber", "=", invoice.number)], max_results=5)).get("Invoice", [])
        return rows[0] if rows else None
    rows = client.query(select("Invoice", [("CustomerRef", "=", customer_id),
                                           ("TxnDate", "=", invoice.issue_date.isoformat())],
                               max_results=100)).get("Invoice", [])
    return next((row for row in rows if made_from(row, invoice.number)), None)


def same_attempt(row: dict, request_id: str) -> bool:
    return (row.get("PrivateNote") or "").endswith(f"(attempt {request_id})")
