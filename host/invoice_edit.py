"""Saving an invoice through ``InvoiceForm``'s rules: the invoice page's form
and the REST API both come here, so both accept and refuse the same things.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from host import numbering
from host.extensions import db
from host.forms import options
from host.invoice_forms import InvoiceForm
from host.models import Client, Company, Invoice, InvoiceAdjustment, InvoiceLine, PaymentTerm, RemoteLink, Service, Tax

NUMBER_TAKEN = "Another invoice already uses this number."


@dataclass(frozen=True)
class Choices:
    """What the form's selects offer: services and taxes by ID."""

    services: dict[int, Service]
    taxes: dict[int, Tax]


def initial_data(invoice: Invoice, company: Company) -> dict:
    if invoice.id is None:
        return {"issue_date": date.today(), "currency": company.currency, "status": "draft", "lines": [],
                "adjustments": []}
    return {
        "number": invoice.number,
        "client": invoice.client_id,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "status": invoice.status,
        "payment_term": invoice.payment_term_id or 0,
        "notes": invoice.notes,
        "taxes": [tax.id for tax in invoice.taxes],
        "lines": [
            {
                "service": line.service_id or 0,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "discount_amount": line.discount_amount or None,
                "charge_percent": line.charge_percent or None,
                "charge_amount": line.charge_amount or None,
                "charge_untaxed": not line.charge_taxed,
                "taxes": [tax.id for tax in line.taxes],
            }
            for line in invoice.lines
        ],
        "adjustments": [
            {"kind": a.kind, "percent": a.percent, "amount": a.amount, "reason": a.reason, "taxed": a.taxed}
            for a in invoice.adjustments
        ],
    }


def _set_choices(form: InvoiceForm, services, taxes) -> None:
    clients = db.session.execute(db.select(Client).order_by(Client.code)).scalars().all()
    terms = db.session.execute(db.select(PaymentTerm).order_by(PaymentTerm.days, PaymentTerm.name)).scalars().all()
    form.client.choices = options([(0, "— choose a client —")] + [(c.id, f"{c.code} – {c.name}") for c in clients])
    form.payment_term.choices = options([(0, "— none —")] + [(t.id, t.name) for t in terms])
    form.taxes.choices = options((t.id, t.name) for t in taxes)
    for entry in form.lines:
        entry.form.service.choices = options([(0, "—")] + [(s.id, s.name) for s in services])
        entry.form.taxes.choices = options((t.id, t.name) for t in taxes)


def offer_choices(form: InvoiceForm) -> Choices:
    """Load the clients, terms, services and taxes the form may choose from."""
    services = db.session.execute(db.select(Service).order_by(Service.name)).scalars().all()
    taxes = db.session.execute(db.select(Tax).order_by(Tax.category, Tax.percent.desc(), Tax.name)).scalars().all()
    _set_choices(form, services, taxes)
    return Choices({s.id: s for s in services}, {t.id: t for t in taxes})


def save_invoice(form: InvoiceForm, invoice: Invoice, company: Company, choices: Choices) -> bool:
    """Validate the submitted form and save it onto ``invoice``. False leaves
    the reasons on the form's fields and changes nothing."""
    if not form.validate() or (form.number.data and _number_taken(form, invoice)):
        return False
    _apply(form, invoice, company, choices.services, choices.taxes)
    db.session.add(invoice)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the number was taken between our check and the insert
        form.number.errors = [*form.number.errors, NUMBER_TAKEN]
        return False
    return True


def client_currencies() -> dict[int, str]:
    """Each client's invoice currency (empty: the company's), for the form to follow the chosen client."""
    return dict(db.session.execute(db.select(Client.id, Client.currency)).all())


def edit_refusal(invoice: Invoice, confirmed: bool = False) -> str | None:
    """Why the API will not change ``invoice`` now: it is being pushed to a
    provider, or it is linked to one (whose copy would no longer match) and
    the caller has not ``confirmed`` that it knows, as the page's "Save anyway"."""
    link = db.session.execute(
        db.select(RemoteLink).where(RemoteLink.invoice_id == invoice.id, RemoteLink.status.in_(("linked", "pending")))
        .limit(1)).scalar_one_or_none()
    if link is None:
        return None
    if link.status == "pending":
        return f"A request to {link.provider} for this invoice is in progress; change it once it has finished."
    if confirmed:
        return None
    return (f"This invoice is linked to {link.provider} invoice {link.remote_number or link.remote_id}, which would "
            f"no longer match. Send confirm_linked=true to change it anyway (then POST "
            f".../integrations/{link.provider}/update sends the changes where {link.provider} still accepts them), "
            "or unlink it first.")


def _number_taken(form: InvoiceForm, invoice: Invoice) -> bool:
    query = db.select(Invoice.id).where(Invoice.number == form.number.data)
    if invoice.id is not None:
        query = query.where(Invoice.id != invoice.id)
    if db.session.execute(query).first():
        form.number.errors = [*form.number.errors, NUMBER_TAKEN]
        return True
    return False


def _apply(form: InvoiceForm, invoice: Invoice, company: Company, services: dict, taxes: dict) -> None:
    """Copy the validated form onto the invoice; lines are replaced, blank rows dropped."""
    client = db.session.get(Client, form.client.data)
    invoice.number = form.number.data or invoice.number or numbering.allocate(company, form.issue_date.data)
    invoice.client_id = form.client.data
    invoice.issue_date = form.issue_date.data
    invoice.currency = form.currency.data or (client.currency if client else "") or company.currency
    invoice.status = form.status.data
    invoice.payment_term = db.session.get(PaymentTerm, form.payment_term.data) if form.payment_term.data else None
    invoice.notes = form.notes.data or ""
    invoice.taxes = [taxes[i] for i in form.taxes.data or []]
    invoice.due_date = form.due_date.data or invoice.default_due_date()
    invoice.lines = [
        _line(position, line, services.get(line.service.data), taxes)
        for position, line in enumerate(form.filled_lines(), start=1)
    ]
    invoice.adjustments = [
        InvoiceAdjustment(position=position, kind=a.kind.data, percent=a.percent.data, amount=a.amount.data,
                          reason=a.reason.data, taxed=a.kind.data == "allowance" or bool(a.taxed.data))
        for position, a in enumerate(form.filled_adjustments(), start=1)
    ]


def _line(position: int, line, service: Service | None, taxes: dict) -> InvoiceLine:
    """A line; an empty price or description is taken from the chosen service, an empty quantity is 1."""
    unit_price = line.unit_price.data
    if unit_price is None:
        unit_price = service.unit_price if service else Decimal(0)
    return InvoiceLine(
        position=position,
        service=service,
        description=line.description.data or (service.name if service else ""),
        quantity=line.quantity.data if line.quantity.data is not None else Decimal(1),
        unit_price=unit_price,
        discount_percent=line.discount_percent.data or Decimal(0),
        discount_amount=line.discount_amount.data or Decimal(0),
        charge_percent=line.charge_percent.data or Decimal(0),
        charge_amount=line.charge_amount.data or Decimal(0),
        charge_taxed=not line.charge_untaxed.data,
        taxes=[taxes[i] for i in line.taxes.data or []],
    )
