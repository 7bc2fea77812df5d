"""Credit notes: "Credit this invoice" on an issued invoice.

A credit note is an invoice of its own (own number, issued today) whose
``credited_invoice`` is the original and whose ``credit_reason`` says why.
Its lines are copies of the original's chosen lines with the quantity, and
the line discount and charge amounts, negated, so every net, tax and total
is the original's with the opposite sign (a whole credit copies the
invoice-level discounts and charges too, amounts negated; a percent of a
negative subtotal is negative by itself; a part credit keeps only the
percent ones). Plugins see ``InvoiceData.credited``
and push it as their provider's credit document.
"""
from __future__ import annotations

from datetime import date

from host.extensions import db
from host.models import Invoice, InvoiceAdjustment, InvoiceLine

CREDITABLE = ("issued", "paid")


def refusal(original: Invoice) -> str | None:
    """Why ``original`` cannot be credited, or None."""
    if original.credited_invoice_id is not None:
        return "This is a credit note itself; credit the original invoice instead."
    if original.status not in CREDITABLE:
        return f"Only an issued invoice can be credited; this one is {original.status}. A draft can simply be edited."
    return None


def suggested_number(original: Invoice) -> str:
    """``<number>-CN1``, ``-CN2`` ...: the first one no invoice uses yet."""
    n = len(original.credit_notes) + 1
    while True:
        number = f"{original.number}-CN{n}"[:40]
        if not db.session.execute(db.select(Invoice.id).filter_by(number=number)).first():
            return number
        n += 1


def _negated_line(position: int, line: InvoiceLine) -> InvoiceLine:
    return InvoiceLine(
        position=position, service=line.service, description=line.description, quantity=-line.quantity,
        unit_price=line.unit_price, discount_percent=line.discount_percent,
        discount_amount=-(line.discount_amount or 0), charge_percent=line.charge_percent,
        charge_amount=-(line.charge_amount or 0), charge_taxed=line.charge_taxed, taxes=list(line.taxes),
    )


def _negated_adjustment(adjustment: InvoiceAdjustment) -> InvoiceAdjustment:
    return InvoiceAdjustment(
        position=adjustment.position, kind=adjustment.kind, percent=adjustment.percent,
        amount=None if adjustment.amount is None else -adjustment.amount, reason=adjustment.reason,
        taxed=adjustment.taxed,
    )


def make_credit_note(original: Invoice, number: str, reason: str, line_ids: list[int] | None,
                     today: date | None = None) -> Invoice:
    """Add the credit note to the session (the caller commits). ``line_ids``
    None credits the whole invoice; a list credits only those lines."""
    today = today or date.today()
    whole = line_ids is None or set(line_ids) >= {line.id for line in original.lines}
    chosen = [line for line in original.lines if whole or line.id in set(line_ids or ())]
    taxes, adjustments = list(original.taxes), list(original.adjustments)
    note = Invoice(
        number=number, client_id=original.client_id, issue_date=max(today, original.issue_date),
        currency=original.currency, status="issued", payment_term_id=original.payment_term_id,
        notes=f"Credit note for invoice {original.number}: {reason}", credited_invoice=original,
        credit_reason=reason, payment_means=original.payment_means, bank_account_id=original.bank_account_id,
        mandate_reference=original.mandate_reference,
    )
    db.session.add(note)
    with db.session.no_autoflush:
        note.due_date = note.issue_date
        note.taxes = taxes
        note.lines = [_negated_line(position, line) for position, line in enumerate(chosen, start=1)]
        # a part credit keeps the percent discounts and charges (they apply to the credited lines too)
        note.adjustments = [_negated_adjustment(a) for a in adjustments if whole or a.percent is not None]
    return note
