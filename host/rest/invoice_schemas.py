"""Invoices as the API reads and writes them."""
from __future__ import annotations

import marshmallow as ma

from host.inputs import MAX_ROW_ID
from host.models import ADJUSTMENT_KINDS, INVOICE_STATUSES
from host.rest.common import DecimalString, UtcDateTime, Id
from host.rest.integration_schemas import IntegrationStateSchema

Nullable = {"allow_none": True}
INTEGRATION_PATTERN = r"^(missing|failed):[A-Za-z0-9_.-]{1,60}$"


def _decimal(description: str = "", example: str = "0") -> DecimalString:
    metadata = {"example": example} | ({"description": description} if description else {})
    return DecimalString(allow_none=True, metadata=metadata)


class LineSchema(ma.Schema):
    service_id = Id(**Nullable, metadata={"description": "A service; its name and price fill an empty description and price."})
    description = ma.fields.String(metadata={"maxLength": 2000, "example": "Translation EN>DE"})
    quantity = _decimal("Negative for a returned item; empty is 1.", "1000")
    unit_price = _decimal("Empty: the service's price.")
    discount_percent = _decimal()
    discount_amount = _decimal()
    charge_percent = _decimal()
    charge_amount = _decimal()
    tax_ids = ma.fields.List(Id(), validate=ma.validate.Length(max=20))
    net = DecimalString(dump_only=True, metadata={"description": "The line's net amount, rounded."})


class AdjustmentSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(ADJUSTMENT_KINDS))
    percent = _decimal("A percent of the subtotal, or give amount.")
    amount = _decimal()
    reason = ma.fields.String(required=True, metadata={"maxLength": 200, "example": "Shipping"})
    taxed = ma.fields.Boolean(load_default=True, metadata={"description": "Charges only: false for a charge outside the tax bases."})


class InvoiceInSchema(ma.Schema):
    number = ma.fields.String(required=True, metadata={"maxLength": 40, "example": "INV-2026-0100"})
    client_id = Id(required=True)
    issue_date = ma.fields.Date(required=True)
    due_date = ma.fields.Date(**Nullable, metadata={"description": "Empty: issue date plus the payment term's days."})
    currency = ma.fields.String(metadata={"maxLength": 3, "example": "EUR", "description": "Empty: the company's currency."})
    status = ma.fields.String(load_default="draft", validate=ma.validate.OneOf(INVOICE_STATUSES))
    payment_term_id = Id(**Nullable)
    notes = ma.fields.String(metadata={"maxLength": 5000})
    tax_ids = ma.fields.List(Id(), validate=ma.validate.Length(max=20), metadata={"description": "Invoice-level taxes."})
    lines = ma.fields.List(ma.fields.Nested(LineSchema), metadata={"maxItems": 500})
    adjustments = ma.fields.List(ma.fields.Nested(AdjustmentSchema))


class ClientRefSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()


class TaxTotalSchema(ma.Schema):
    name = ma.fields.String()
    percent = DecimalString()
    category = ma.fields.String()
    base = DecimalString()
    amount = DecimalString()


class TotalsSchema(ma.Schema):
    subtotal = DecimalString()
    allowance_total = DecimalString()
    charge_total = DecimalString()
    tax_exclusive_total = DecimalString()
    taxes = ma.fields.List(ma.fields.Nested(TaxTotalSchema))
    total = DecimalString()


class InvoiceSchema(InvoiceInSchema):
    id = ma.fields.Integer(dump_only=True)
    client = ma.fields.Nested(ClientRefSchema, dump_only=True)
    totals = ma.fields.Nested(TotalsSchema, dump_only=True)
    integrations = ma.fields.List(ma.fields.Nested(IntegrationStateSchema), dump_only=True, metadata={
        "description": "Each enabled provider that takes invoices (and any other the invoice is linked to)."})
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)


class InvoiceSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    client = ma.fields.Nested(ClientRefSchema)
    issue_date = ma.fields.Date()
    due_date = ma.fields.Date()
    currency = ma.fields.String()
    status = ma.fields.String()
    total = DecimalString()


class InvoiceFilterArgs(ma.Schema):
    client = ma.fields.Integer(validate=ma.validate.Range(1, MAX_ROW_ID), metadata={"description": "A client's ID."})
    status = ma.fields.String(validate=ma.validate.OneOf(INVOICE_STATUSES))
    date_from = ma.fields.Date(metadata={"description": "Issued on or after."})
    date_to = ma.fields.Date(metadata={"description": "Issued on or before."})
    integration = ma.fields.String(validate=ma.validate.Regexp(INTEGRATION_PATTERN), metadata={
        "description": "missing:<provider> (not yet in the provider) or failed:<provider> (its last push failed).",
        "example": "missing:b2brouter"})
