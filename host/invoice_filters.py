"""The invoice list's filters, shared by the list page and its bulk actions
("select all N matching this filter" runs the very same query)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from host.extensions import db
from host.inputs import like_pattern
from host.models import INVOICE_STATUSES, Client, Invoice, RemoteLink

INTEGRATION_FILTERS = {"missing": "Not yet in", "failed": "Failed in"}
PAYMENT_FILTERS = {"unpaid": "Not fully paid", "overdue": "Overdue", "partial": "Partially paid", "paid": "Paid"}
OPEN_STATUSES = ("issued", "paid")  # drafts and cancelled invoices are never owed


@dataclass(frozen=True)
class InvoiceFilters:
    client: int | None = None
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    integration: str = ""  # "missing:<provider>" or "failed:<provider>"
    text: str = ""  # part of the number or of the client's name or code
    payment: str = ""  # a PAYMENT_FILTERS key
    today: date | None = None  # "overdue" compares due dates with this day (default: today)

    def args(self) -> dict[str, str]:
        """The filters as query-string values (for links and hidden fields)."""
        return {"client": str(self.client or ""), "status": self.status, "date_from": str(self.date_from or ""),
                "date_to": str(self.date_to or ""), "integration": self.integration, "q": self.text,
                "payment": self.payment}

    @property
    def active(self) -> bool:
        return any(self.args().values())

    def query(self):
        query = db.select(Invoice).order_by(Invoice.issue_date.desc(), Invoice.number.desc())
        if self.client:
            query = query.where(Invoice.client_id == self.client)
        if self.text:
            pattern = like_pattern(self.text)
            clients = db.select(Client.id).where(Client.name.ilike(pattern, escape="\\") | Client.code.ilike(pattern, escape="\\"))
            query = query.where(Invoice.number.ilike(pattern, escape="\\") | Invoice.client_id.in_(clients))
        if self.status in INVOICE_STATUSES:
            query = query.where(Invoice.status == self.status)
        if self.date_from:
            query = query.where(Invoice.issue_date >= self.date_from)
        if self.date_to:
            query = query.where(Invoice.issue_date <= self.date_to)
        query = self._payment(query)
        kind, _, provider = self.integration.partition(":")
        if provider and kind in INTEGRATION_FILTERS:
            linked = db.select(RemoteLink.id).where(RemoteLink.invoice_id == Invoice.id, RemoteLink.provider == provider)
            if kind == "missing":
                query = query.where(~linked.exists())
            else:
                query = query.where(linked.where(RemoteLink.status == "failed").exists())
        return query

    def _payment(self, query):
        if self.payment not in PAYMENT_FILTERS:
            return query
        if self.payment in ("partial", "paid"):
            return query.where(Invoice.payment_state == self.payment)
        query = query.where(Invoice.payment_state != "paid", Invoice.status.in_(OPEN_STATUSES))
        if self.payment == "overdue":
            query = query.where(Invoice.due_date < (self.today or date.today()))
        return query
