"""Reading what changed in QuickBooks: for a webhook's entities (in a job) and
for the change-data-capture catch-up. Each changed invoice or credit memo is
read back with its payments; a changed Payment leads to the invoices it is
applied to. Deleted entities (a read that finds nothing) are skipped.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from host import RemoteInvoice

from erp_host_quickbooks import credit_memos
from erp_host_quickbooks.faults import QuickBooksError
from erp_host_quickbooks.invoices import to_remote
from erp_host_quickbooks.payments import with_payments

#: CDC reaches back 30 days; the plugin asks for at most this much [§5].
CDC_WINDOW = timedelta(days=29)
#: The first catch-up (nothing known yet) looks back this far.
FIRST_WINDOW = timedelta(days=1)
#: Overlap with the previous catch-up, against clock skew [§5: "minus a small overlap"].
OVERLAP = timedelta(minutes=2)


def _gone(error: QuickBooksError) -> bool:
    return error.kind == "fault" and ("610" in error.codes or "2500" in error.codes)


def remote_for(client, entity: str, data: dict, home: str) -> RemoteInvoice:
    remote = with_payments(client, data, to_remote(data, client.endpoints, home))
    if entity == "CreditMemo":
        return credit_memos.negative(remote, client.endpoints.web_app)
    return remote


def _read(client, entity: str, entity_id: str) -> dict | None:
    try:
        return client.read(entity, entity_id)
    except QuickBooksError as error:
        if _gone(error):
            return None
        raise


def read_changes(client, pairs, home: str) -> list[RemoteInvoice]:
    """The invoices and credit memos behind ``pairs`` of (entity, id), read afresh."""
    wanted: dict[tuple[str, str], dict | None] = {}
    for entity, entity_id in pairs:
        if entity == "Payment":
            payment = _read(client, "Payment", entity_id) or {}
            for line in payment.get("Line") or ():
                for txn in line.get("LinkedTxn") or ():
                    if txn.get("TxnType") in ("Invoice", "CreditMemo"):
                        wanted.setdefault((txn["TxnType"], str(txn["TxnId"])), None)
        elif entity in ("Invoice", "CreditMemo"):
            wanted.setdefault((entity, entity_id), None)
    found = []
    for entity, entity_id in wanted:
        data = _read(client, entity, entity_id)
        if data is not None:
            found.append(remote_for(client, entity, data, home))
    return found


def since_for_cdc(since: datetime | None, now: datetime | None = None) -> datetime:
    now = now or datetime.now(timezone.utc)
    start = (since - OVERLAP) if since else now - FIRST_WINDOW
    return max(start, now - CDC_WINDOW)


def catch_up(client, since: datetime | None, home: str) -> list[RemoteInvoice]:
    """``GET /cdc`` for Invoice, CreditMemo and Payment since ``since``; the changed ones read back."""
    answer = client.cdc(("Invoice", "CreditMemo", "Payment"), since_for_cdc(since))
    pairs = []
    for block in answer.get("CDCResponse") or ():
        for response in block.get("QueryResponse") or ():
            for entity in ("Invoice", "CreditMemo", "Payment"):
                for row in response.get(entity) or ():
                    if row.get("status") != "Deleted" and row.get("Id"):
                        pairs.append((entity, str(row["Id"])))
    return read_changes(client, pairs, home)
