"""Invoices: list (the list page's filters, incl. "not yet in <provider>"),
read (lines, totals, each provider's link), create, update (a linked invoice only
with confirm_linked, like the page's "Save anyway"; never while it is being pushed).

Input goes through ``InvoiceForm`` and ``host.invoice_edit``, like the page.
"""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.orm import selectinload

from host.extensions import db
from host.invoice_data import totals_for
from host.invoice_edit import edit_refusal, offer_choices, save_invoice
from host.invoice_filters import InvoiceFilters
from host.invoice_forms import InvoiceForm
from host.models import Company, Invoice, InvoiceLine
from host.rest.common import PageArgs, form_data, invalid, page_of, page_schema
from host.rest.errors import API_PREFIX, Problem
from host.rest.invoice_schemas import InvoiceFilterArgs, InvoiceInSchema, InvoiceSchema, InvoiceSummarySchema
from host.rest.invoice_state import integration_states

LIST_LOADING = (selectinload(Invoice.client), selectinload(Invoice.taxes), selectinload(Invoice.adjustments),
                selectinload(Invoice.lines).selectinload(InvoiceLine.taxes))


CREATE_EXAMPLE = {
    "number": "INV-2026-0100", "client_id": 1, "issue_date": "2026-03-01", "payment_term_id": 1, "status": "issued",
    "lines": [{"service_id": 1, "description": "Translation EN>DE, 1,000 words", "quantity": "1000",
               "unit_price": "0.12", "tax_ids": [1]}],
    "adjustments": [{"kind": "allowance", "percent": "5", "reason": "Loyalty discount"}],
}


class ListArgs(InvoiceFilterArgs, PageArgs):
    pass


class UpdateArgs(ma.Schema):
    confirm_linked = ma.fields.Boolean(load_default=False, metadata={
        "description": "Change a linked invoice anyway (its remote copy no longer matches until updated)."})


def get_invoice(invoice_id: int) -> Invoice:
    from host.views.invoices import INVOICE_LOADING

    invoice = db.session.execute(db.select(Invoice).where(Invoice.id == invoice_id).options(*INVOICE_LOADING)
                                 ).unique().scalar_one_or_none()
    if invoice is None:
        raise Problem(404, f"There is no invoice {invoice_id}.")
    return invoice


def _totals(totals) -> dict:
    return {
        "subtotal": totals.subtotal, "allowance_total": totals.allowance_total, "charge_total": totals.charge_total,
        "tax_exclusive_total": totals.tax_exclusive_total, "total": totals.total,
        "taxes": [{"name": t.tax.name, "percent": t.tax.percent, "category": t.tax.category, "base": t.base,
                   "amount": t.amount} for t in totals.tax_totals],
    }


def invoice_json(invoice: Invoice, with_state: bool = True) -> dict:
    """The invoice as ``InvoiceSchema`` dumps it (also the base of an update)."""
    totals = totals_for(invoice, Company.get())
    return {
        "id": invoice.id, "number": invoice.number, "client_id": invoice.client_id, "client": invoice.client,
        "issue_date": invoice.issue_date, "due_date": invoice.due_date, "currency": invoice.currency,
        "status": invoice.status, "payment_term_id": invoice.payment_term_id, "notes": invoice.notes,
        "tax_ids": [t.id for t in invoice.taxes],
        "lines": [{"service_id": l.service_id, "description": l.description, "quantity": l.quantity,
                   "unit_price": l.unit_price, "discount_percent": l.discount_percent,
                   "discount_amount": l.discount_amount, "charge_percent": l.charge_percent,
                   "charge_amount": l.charge_amount, "tax_ids": [t.id for t in l.taxes], "net": net}
                  for l, net in zip(invoice.lines, totals.line_nets)],
        "adjustments": [{"kind": a.kind, "percent": a.percent, "amount": a.amount, "reason": a.reason,
                         "taxed": a.taxed} for a in invoice.adjustments],
        "totals": _totals(totals),
        "integrations": integration_states(invoice, totals.total) if with_state else [],
        "created_at": invoice.created_at, "updated_at": invoice.updated_at,
    }


def _form_values(data: dict) -> dict:
    """API names → the form's names (``client_id`` → ``client``, lines' ``service_id`` → ``service`` …)."""
    values = {"number": data.get("number"), "client": data.get("client_id"), "issue_date": data.get("issue_date"),
              "due_date": data.get("due_date"), "currency": data.get("currency"), "status": data.get("status"),
              "payment_term": data.get("payment_term_id") or 0, "notes": data.get("notes"),
              "taxes": data.get("tax_ids") or []}
    values["lines"] = [{"service": line.get("service_id") or 0, "description": line.get("description"),
                        "quantity": line.get("quantity"), "unit_price": line.get("unit_price"),
                        "discount_percent": line.get("discount_percent"),
                        "discount_amount": line.get("discount_amount"), "charge_percent": line.get("charge_percent"),
                        "charge_amount": line.get("charge_amount"), "taxes": line.get("tax_ids") or []}
                       for line in data.get("lines") or []]
    values["adjustments"] = [{key: adjustment.get(key) for key in ("kind", "percent", "amount", "reason", "taxed")}
                             for adjustment in data.get("adjustments") or []]
    return values


def _save(invoice: Invoice, data: dict) -> Invoice:
    base = {}
    if invoice.id is not None:
        base = invoice_json(invoice, with_state=False)
        base["lines"] = [{k: v for k, v in line.items() if k != "net"} for line in base["lines"]]
    form = InvoiceForm(formdata=form_data(_form_values({**base, **data})), meta={"csrf": False})
    choices = offer_choices(form)
    if not save_invoice(form, invoice, Company.get(), choices):
        raise invalid(form)
    return get_invoice(invoice.id)


def blueprints() -> list[Blueprint]:
    blp = Blueprint("api_invoices", __name__, url_prefix=f"{API_PREFIX}/invoices",
                    description="Invoices: list with filters, read with lines, totals and links, create, update.")
    page = page_schema(InvoiceSummarySchema, "InvoicePage")

    @blp.route("")
    class Invoices(MethodView):
        @blp.arguments(ListArgs, location="query")
        @blp.response(200, page)
        @blp.doc(operationId="list_invoices", summary="List invoices (newest first), with the list page's filters")
        def get(self, args):
            filters = InvoiceFilters(client=args.get("client"), status=args.get("status", ""),
                                     date_from=args.get("date_from"), date_to=args.get("date_to"),
                                     integration=args.get("integration", ""))
            result = page_of(filters.query().options(*LIST_LOADING), args)
            company = Company.get()
            result["items"] = [{"id": i.id, "number": i.number, "client": i.client, "issue_date": i.issue_date,
                                "due_date": i.due_date, "currency": i.currency, "status": i.status,
                                "total": totals_for(i, company).total} for i in result["items"]]
            return result

        @blp.arguments(InvoiceInSchema, example=CREATE_EXAMPLE)
        @blp.response(201, InvoiceSchema)
        @blp.doc(operationId="create_invoice", summary="Create an invoice")
        def post(self, data):
            return invoice_json(_save(Invoice(), data))

    @blp.route("/<int:invoice_id>")
    class InvoiceItem(MethodView):
        @blp.response(200, InvoiceSchema)
        @blp.doc(operationId="read_invoice", summary="Read an invoice: lines, totals, and its state at each provider")
        def get(self, invoice_id):
            return invoice_json(get_invoice(invoice_id))

        @blp.arguments(InvoiceInSchema(partial=True))
        @blp.arguments(UpdateArgs, location="query")
        @blp.response(200, InvoiceSchema)
        @blp.doc(operationId="update_invoice", summary="Change an invoice (fields sent; lines and adjustments, when "
                                                       "sent, replace the old ones); a linked one with confirm_linked")
        def patch(self, data, args, invoice_id):
            invoice = get_invoice(invoice_id)
            refusal = edit_refusal(invoice, args["confirm_linked"])
            if refusal:
                raise Problem(409, refusal, reasons=[refusal])
            return invoice_json(_save(invoice, data))

    return [blp]
