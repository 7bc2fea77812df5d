"""The integration log's filters: provider, outcome, invoice number, dates (UTC)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone

from host.extensions import db
from host.inputs import MAX_SEARCH, like_pattern
from host.models import IntegrationEvent, Invoice



def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class LogFilters:
    provider: str = ""
    outcome: str = ""
    invoice: str = ""  # part of an invoice number
    date_from: date | None = None
    date_to: date | None = None
    invoice_id: int | None = None  # one invoice's events (its integration history)

    @classmethod
    def from_args(cls, args) -> "LogFilters":
        return cls(provider=args.get("provider", ""), outcome=args.get("outcome", ""),
                   invoice=args.get("invoice", "").strip()[:MAX_SEARCH],
                   date_from=_day(args.get("from", "")), date_to=_day(args.get("to", "")))

    def args(self) -> dict[str, str]:
        values = asdict(self)
        return {"provider": self.provider, "outcome": self.outcome, "invoice": self.invoice,
                "from": str(values["date_from"] or ""), "to": str(values["date_to"] or "")}

    def query(self):
        query = db.select(IntegrationEvent).order_by(IntegrationEvent.id.desc())
        if self.provider:
            query = query.where(IntegrationEvent.provider == self.provider)
        if self.outcome:
            query = query.where(IntegrationEvent.outcome == self.outcome)
        if self.invoice_id is not None:
            query = query.where(IntegrationEvent.invoice_id == self.invoice_id)
        if self.invoice:
            numbers = db.select(Invoice.id).where(Invoice.number.ilike(like_pattern(self.invoice), escape="\\"))
            query = query.where(IntegrationEvent.invoice_id.in_(numbers))
        if self.date_from:
            query = query.where(IntegrationEvent.created_at >= datetime.combine(self.date_from, time.min, timezone.utc))
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time.min, timezone.utc)
            query = query.where(IntegrationEvent.created_at < end)
        return query

    def page(self, number: int, per_page: int):
        """One page of the log, newest first."""
        return db.paginate(self.query(), page=number, per_page=per_page, error_out=False)


def invoice_numbers(events) -> dict[int, str]:
    """The numbers of the invoices ``events`` are about, by invoice ID."""
    ids = {event.invoice_id for event in events if event.invoice_id}
    if not ids:
        return {}
    return dict(db.session.execute(db.select(Invoice.id, Invoice.number).where(Invoice.id.in_(ids))).all())
