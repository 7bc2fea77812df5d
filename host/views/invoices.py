"""Client invoices: the filtered list, the invoice page, and the new/edit form.

All amounts shown come from :func:`host.invoice_data.totals_for`, so the
pages show exactly what plugins are sent.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload, selectinload

from host import numbering
from host.integrations import invoices as service
from host.integrations import updates
from host.extensions import db
from host.inputs import MAX_PAGE, MAX_ROW_ID, int_arg, search_arg
from host.forms import STATUS_LABELS
from host.invoice_edit import client_currencies, initial_data, offer_choices, save_invoice
from host.invoice_forms import InvoiceForm
from host.invoice_data import plain, totals_for
from host.invoice_filters import INTEGRATION_FILTERS, PAYMENT_FILTERS, InvoiceFilters
from host.models import Client, Company, Invoice, InvoiceLine
from host.money import MINOR_UNIT_EXPONENT
from host.payments import PAYMENT_LABELS

bp = Blueprint("invoices", __name__)
BLANK_LINES = 1  # empty line rows offered under the existing ones ("Add line" adds more)
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


@bp.app_template_filter("grouped")
def grouped(value) -> str:
    """``12480`` → ``12,480``: thousands separators, no trailing zeros."""
    return f"{plain(value):,}"


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
        client=int_arg("client", high=MAX_ROW_ID),
        status=values.get("status", ""),
        date_from=_date_arg("date_from"),
        date_to=_date_arg("date_to"),
        integration=values.get("integration", ""),
        text=search_arg("q") if request.method == "GET" else values.get("q", "").strip()[:200],
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
    providers = bulk_providers()
    return render_template("invoices/index.html", rows=rows, page=page, clients=clients, filters=filters,
                           providers=providers, integration_filters=INTEGRATION_FILTERS,
                           payment_filters=PAYMENT_FILTERS,
                           links=service.links_by_invoice([invoice.id for invoice in page.items], providers))


def _get(invoice_id: int) -> Invoice:
    invoice = db.session.execute(
        db.select(Invoice).where(Invoice.id == invoice_id).options(*INVOICE_LOADING)
    ).unique().scalar_one_or_none()
    if invoice is None:
        abort(404)
    return invoice


@bp.route("/invoices/<int:invoice_id>")
def show(invoice_id: int):
    from host.views.payments import page_context

    invoice = _get(invoice_id)
    company = Company.get()
    return render_template(
        "invoices/show.html",
        invoice=invoice,
        company=company,
        totals=totals_for(invoice, company),
        today=date.today(),
        **page_context(invoice),
    )


@bp.route("/invoices/new", methods=["GET", "POST"])
def new():
    return _edit(Invoice())


@bp.route("/invoices/<int:invoice_id>/edit", methods=["GET", "POST"])
def edit(invoice_id: int):
    return _edit(_get(invoice_id))


def _edit(invoice: Invoice):
    company = Company.get()
    is_new = invoice.id is None
    form = InvoiceForm(data=None if request.method == "POST" else initial_data(invoice, company))
    if request.method != "POST":
        for _ in range(0 if is_new else BLANK_LINES):  # a new form has its one empty row already
            form.lines.append_entry()
        for _ in range(BLANK_ADJUSTMENTS):
            form.adjustments.append_entry()
    choices = offer_choices(form)
    linked = updates.linked_notes(invoice)
    if linked and form.is_submitted() and not request.form.get("confirm_linked"):
        form.form_errors.append("This invoice is linked: read the note above and tick “Save anyway” to save.")
    elif form.is_submitted() and save_invoice(form, invoice, company, choices):
        flash(f"Invoice {invoice.number} {'created' if is_new else 'saved'}.", "success")
        return redirect(url_for("invoices.show", invoice_id=invoice.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "invoices/form.html",
        form=form,
        invoice=invoice,
        is_new=is_new,
        company=company,
        services_by_id=choices.services,
        client_currencies=client_currencies(),
        linked=linked,
        next_number=numbering.preview(company, form.issue_date.data or date.today()) if is_new else None,
    ), status
