"""Client invoices: the filtered list, the invoice page, and the new/edit form.

All amounts shown come from :func:`host.invoice_data.totals_for`, so the
pages show exactly what plugins are sent.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from host.extensions import db
from host.inputs import MAX_PAGE, int_arg
from host.forms import STATUS_LABELS, InvoiceForm, options
from host.invoice_data import totals_for
from host.invoice_filters import INTEGRATION_FILTERS, PAYMENT_FILTERS, InvoiceFilters
from host.models import (
    Client,
    Company,
    Invoice,
    InvoiceAdjustment,
    InvoiceLine,
    PaymentTerm,
    Service,
    Tax,
)
from host.money import MINOR_UNIT_EXPONENT
from host.payments import PAYMENT_LABELS

bp = Blueprint("invoices", __name__)
BLANK_LINES = 3  # empty line rows offered under the existing ones
BLANK_ADJUSTMENTS = 2  # empty discount/charge rows offered under the existing ones
PAGE_SIZE = 50
# What the invoice page and form show, in three statements whatever the number
# of lines: the invoice with its client, term, lines and their services; the
# invoice's taxes; the lines' taxes. (Joining the many-to-many taxes instead
# makes SQLite scan the whole association table.)
INVOICE_LOADING = (
    joinedload(Invoice.client),
    joinedload(Invoice.payment_term),
    selectinload(Invoice.taxes),
    joinedload(Invoice.lines).options(joinedload(InvoiceLine.service), selectinload(InvoiceLine.taxes)),
)


@bp.app_template_filter("money")
def money(value: Decimal, currency: str) -> str:
    """``1234.5`` in EUR → ``1,234.50``: as many decimals as the currency's minor unit."""
    digits = MINOR_UNIT_EXPONENT.get(currency.upper(), 2)
    return f"{Decimal(value):,.{digits}f}"


@bp.app_context_processor
def statuses():
    return {"status_labels": STATUS_LABELS, "payment_labels": PAYMENT_LABELS}


def _date_arg(name: str) -> date | None:
    value = request.values.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        flash(f"Ignored the filter “{value}”: dates look like 2025-01-31.", "warning")
        return None


def list_filters() -> InvoiceFilters:
    """The invoice list's filters from the query string (or a bulk form's fields)."""
    values = request.values
    return InvoiceFilters(
        client=int_arg("client"),
        status=values.get("status", ""),
        date_from=_date_arg("date_from"),
        date_to=_date_arg("date_to"),
        integration=values.get("integration", ""),
        payment=values.get("payment", ""),
    )


def bulk_providers() -> list:
    """Enabled providers that can take invoices in bulk (create or refresh)."""
    from host.integrations.settings import is_enabled, registry

    return [p for p in registry().loaded()
            if is_enabled(p.key) and (p.implements("create_remote_invoice") or p.implements("remote_status"))]


@bp.route("/")
@bp.route("/invoices")
def index():
    filters = list_filters()
    query = filters.query().options(
        selectinload(Invoice.client),
        selectinload(Invoice.taxes),
        selectinload(Invoice.adjustments),
        selectinload(Invoice.lines).selectinload(InvoiceLine.taxes),
    )
    page = db.paginate(query, page=int_arg("page", 1, MAX_PAGE), per_page=PAGE_SIZE, error_out=False)
    company = Company.get()
    rows = [(invoice, totals_for(invoice, company).total) for invoice in page.items]
    clients = db.session.execute(db.select(Client).order_by(Client.code)).scalars().all()
    return render_template("invoices/index.html", rows=rows, page=page, clients=clients, filters=filters,
                           providers=bulk_providers(), integration_filters=INTEGRATION_FILTERS,
                           payment_filters=PAYMENT_FILTERS)


def _get(invoice_id: int) -> Invoice:
    invoice = db.session.execute(
        db.select(Invoice).where(Invoice.id == invoice_id).options(*INVOICE_LOADING)
    ).unique().scalar_one_or_none()
    if invoice is None:
        abort(404)
    return invoice


@bp.route("/invoices/<int:invoice_id>")
def show(invoice_id: int):
    from host.integrations.settings import registry
    from host.views.payments import page_context

    invoice = _get(invoice_id)
    company = Company.get()
    titles = {p.key: (p.info.title if p.info else p.key) for p in registry().loaded()}
    return render_template(
        "invoices/show.html",
        invoice=invoice,
        company=company,
        totals=totals_for(invoice, company),
        today=date.today(),
        provider_titles=titles,
        **page_context(invoice),
    )


@bp.route("/invoices/new", methods=["GET", "POST"])
def new():
    return _edit(Invoice())


@bp.route("/invoices/<int:invoice_id>/edit", methods=["GET", "POST"])
def edit(invoice_id: int):
    return _edit(_get(invoice_id))


def _initial_data(invoice: Invoice, company: Company) -> dict:
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
                "taxes": [tax.id for tax in line.taxes],
            }
            for line in invoice.lines
        ],
        "adjustments": [
            {"kind": a.kind, "percent": a.percent, "amount": a.amount, "reason": a.reason, "taxed": a.taxed}
            for a in invoice.adjustments
        ],
    }


def _choices(form: InvoiceForm, services, taxes) -> None:
    clients = db.session.execute(db.select(Client).order_by(Client.code)).scalars().all()
    terms = db.session.execute(db.select(PaymentTerm).order_by(PaymentTerm.days, PaymentTerm.name)).scalars().all()
    form.client.choices = options([(0, "— choose a client —")] + [(c.id, f"{c.code} – {c.name}") for c in clients])
    form.payment_term.choices = options([(0, "— none —")] + [(t.id, t.name) for t in terms])
    form.taxes.choices = options((t.id, t.name) for t in taxes)
    for entry in form.lines:
        entry.form.service.choices = options([(0, "—")] + [(s.id, s.name) for s in services])
        entry.form.taxes.choices = options((t.id, t.name) for t in taxes)


def _edit(invoice: Invoice):
    company = Company.get()
    is_new = invoice.id is None
    form = InvoiceForm(data=None if request.method == "POST" else _initial_data(invoice, company))
    if request.method != "POST":
        for _ in range(BLANK_LINES):
            form.lines.append_entry()
        for _ in range(BLANK_ADJUSTMENTS):
            form.adjustments.append_entry()
    services = db.session.execute(db.select(Service).order_by(Service.name)).scalars().all()
    taxes = db.session.execute(db.select(Tax).order_by(Tax.category, Tax.percent.desc(), Tax.name)).scalars().all()
    _choices(form, services, taxes)

    if form.validate_on_submit() and not _number_taken(form, invoice):
        _apply(form, invoice, company, {s.id: s for s in services}, {t.id: t for t in taxes})
        db.session.add(invoice)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # the number was taken between our check and the insert
            form.number.errors = [*form.number.errors, "Another invoice already uses this number."]
        else:
            flash(f"Invoice {invoice.number} {'created' if is_new else 'saved'}.", "success")
            return redirect(url_for("invoices.show", invoice_id=invoice.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "invoices/form.html",
        form=form,
        invoice=invoice,
        is_new=is_new,
        company=company,
        services_by_id={s.id: s for s in services},
    ), status


def _number_taken(form: InvoiceForm, invoice: Invoice) -> bool:
    query = db.select(Invoice.id).where(Invoice.number == form.number.data)
    if invoice.id is not None:
        query = query.where(Invoice.id != invoice.id)
    if db.session.execute(query).first():
        form.number.errors = [*form.number.errors, "Another invoice already uses this number."]
        return True
    return False


def _apply(form: InvoiceForm, invoice: Invoice, company: Company, services: dict, taxes: dict) -> None:
    """Copy the validated form onto the invoice; lines are replaced, blank rows dropped."""
    invoice.number = form.number.data
    invoice.client_id = form.client.data
    invoice.issue_date = form.issue_date.data
    invoice.currency = form.currency.data or company.currency
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
        taxes=[taxes[i] for i in line.taxes.data or []],
    )
