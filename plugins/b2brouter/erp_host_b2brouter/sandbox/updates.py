"""``PUT /invoices/{id}``: changing an invoice while B2BRouter still allows it.

B2BRouter (a Rails app) takes a partial ``invoice`` object and nested
attributes the Rails way: a line without ``id`` is added, ``{"id": n,
"_destroy": true}`` removes line n; the same for invoice-level allowances and
charges (which have no ids here, so they are replaced when given). Only a
``new`` invoice can be changed; afterwards the answer is 422 with the reason.
"""
from __future__ import annotations

from datetime import datetime, timezone

from erp_host_b2brouter.sandbox import calc
from erp_host_b2brouter.sandbox.store import Invalid, Store, _date, _stamp

CHANGEABLE_STATE = "new"


def _lines(store: Store, invoice: dict, raw, problems: list[str]) -> list[dict]:
    if raw is None:
        return invoice["lines"]
    if not isinstance(raw, list):
        problems.append("Invoice lines are invalid")
        return invoice["lines"]
    dropped = {entry.get("id") for entry in raw if isinstance(entry, dict) and entry.get("_destroy")}
    unknown = dropped - {line["id"] for line in invoice["lines"]}
    if unknown:
        problems.append(f"Invoice line {sorted(unknown, key=str)[0]} not found")
    kept = [line for line in invoice["lines"] if line["id"] not in dropped]
    added = [entry for entry in raw if not (isinstance(entry, dict) and entry.get("_destroy"))]
    new = store._lines(added, problems) if added else []
    lines = kept + new
    if not lines:
        problems.append("Invoice lines can't be blank")
    for position, line in enumerate(lines, start=1):
        line["position"] = position
    return lines


def update_invoice(store: Store, invoice: dict, data: dict) -> dict:
    """Apply ``data`` to ``invoice`` like B2BRouter; raises :class:`Invalid`."""
    if invoice["state"] != CHANGEABLE_STATE:
        raise Invalid([f"Invoice can't be modified in state {invoice['state']}"])
    problems: list[str] = []
    lines = _lines(store, invoice, data.get("invoice_lines_attributes"), problems)
    allowances = invoice["allowances"]
    if "allowance_charges_attributes" in data:
        allowances = store._allowances(data["allowance_charges_attributes"], "Allowance charges", problems)
    issue_date = _date(data["date"], "Date", problems) if "date" in data else invoice["date"]
    due_date = _date(data["due_date"], "Due date", problems, required=False) if "due_date" in data else invoice["due_date"]
    if data.get("currency") and data["currency"] != invoice["currency"]:
        problems.append("Currency can't be changed")
    if data.get("number") and str(data["number"]) != invoice["number"]:
        problems.append("Number can't be changed")
    if problems:
        raise Invalid(problems)
    account = store.accounts[invoice["account_id"]]
    invoice.update(lines=lines, allowances=allowances, date=issue_date, due_date=due_date,
                   totals=calc.compute(lines, allowances, account),
                   extra_info=data.get("extra_info", invoice["extra_info"]),
                   updated_at=_stamp(datetime.now(timezone.utc)))
    return invoice
