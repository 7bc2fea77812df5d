"""Payments back from QuickBooks: what the customer paid on an invoice, and when.

QuickBooks has no paid status: ``Balance`` is what is still owed (0 is paid,
between 0 and ``TotalAmt`` partly paid), and the Payments applied to the
invoice are listed in its ``LinkedTxn`` (``TxnType: "Payment"``). The paid
amount is ``TotalAmt - Balance``; the payment date is the latest
``TxnDate`` of those Payments, each read once (a Payment cannot be queried
by invoice) [quickbooks-payments-credits-webhooks.md §1]. The report is
stamped with the invoice's ``MetaData.LastUpdatedTime``, so the host ignores
a report older than the one it holds.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from host import RemoteInvoice

#: Payments read per invoice at most (a long instalment plan): the newest ``LinkedTxn`` entries.
MAX_PAYMENT_READS = 10


def _moment(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def payment_ids(data: dict) -> list[str]:
    return [str(t["TxnId"]) for t in data.get("LinkedTxn") or () if t.get("TxnType") == "Payment" and t.get("TxnId")]


def latest_payment_date(client, data: dict) -> date | None:
    """The newest ``TxnDate`` among the Payments applied to the invoice ``data``."""
    from erp_host_quickbooks.faults import QuickBooksError

    dates = []
    for payment_id in payment_ids(data)[-MAX_PAYMENT_READS:]:
        try:
            payment = client.read("Payment", payment_id)
        except QuickBooksError as error:
            if error.kind == "fault" and ("610" in error.codes or "2500" in error.codes):
                continue  # deleted meanwhile: its amount is back in the balance
            raise
        if payment.get("TxnDate"):
            dates.append(date.fromisoformat(payment["TxnDate"][:10]))
    return max(dates, default=None)


def with_payments(client, data: dict, remote: RemoteInvoice) -> RemoteInvoice:
    """``remote`` with the paid amount, the payment date and the time of the report."""
    total, balance = remote.total, remote.balance
    reported = _moment((data.get("MetaData") or {}).get("LastUpdatedTime"))
    if total is None or balance is None or remote.state == "voided":
        return replace(remote, reported_at=reported)
    paid = abs(total) - abs(balance)
    paid_on = latest_payment_date(client, data) if paid > 0 else None
    return replace(remote, amount_paid=max(paid, Decimal(0)), paid_on=paid_on, reported_at=reported)
