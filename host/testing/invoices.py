"""Building ``InvoiceData`` for plugin tests, totals computed as the host does."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from host.api import CalculationSettings, ClientData, InvoiceData, LineData, PaymentTermData, TaxData
from host.money import AdjustmentInput, LineInput, compute_totals

NET_30 = PaymentTermData("Net 30", 30)
HOST_DEFAULTS = CalculationSettings("half_up", False, True)
VAT_21 = TaxData(name="IVA 21%", percent=Decimal(21), category="S")
DEMO_CLIENT = ClientData(
    code="ACME-DE", name="Acme Übersetzungen GmbH", email="billing@acme.example", tax_id="DE123456789",
    tax_scheme="VAT", country="DE", address="Hauptstraße 5", city="Berlin", postal_code="10115",
)


def sample_line(description="Translation EN>DE", quantity="1000", unit_price="0.12", discount_percent="0",
                taxes=(VAT_21,), service="Translation", discount_amount="0", charge_percent="0",
                charge_amount="0", charge_taxed=True) -> dict:
    return dict(service=service, description=description, quantity=Decimal(quantity),
                unit_price=Decimal(unit_price), discount_percent=Decimal(discount_percent), taxes=tuple(taxes),
                discount_amount=Decimal(discount_amount), charge_percent=Decimal(charge_percent),
                charge_amount=Decimal(charge_amount), charge_taxed=charge_taxed)


def sample_invoice(
    number: str = "INV-TEST-0001",
    client: ClientData = DEMO_CLIENT,
    lines: list[dict] | None = None,
    currency: str = "EUR",
    issue_date: date = date(2026, 11, 2),
    payment_term: PaymentTermData | None = NET_30,
    discount_percent: str = "0",
    adjustments: tuple[AdjustmentInput, ...] = (),
    calculation: CalculationSettings = HOST_DEFAULTS,
    invoice_id: int = 1,
    **client_overrides,
) -> InvoiceData:
    """An invoice with one 21% line unless told otherwise; ``client_overrides``
    replace client fields (e.g. ``tax_id=""``). A ``discount_percent`` becomes
    an invoice-level allowance with the reason "Discount", before ``adjustments``."""
    lines = [sample_line()] if lines is None else lines
    client = replace(client, **client_overrides) if client_overrides else client
    if Decimal(discount_percent):
        adjustments = (AdjustmentInput("allowance", "Discount", percent=Decimal(discount_percent)), *adjustments)
    totals = compute_totals(
        [LineInput(l["quantity"], l["unit_price"], l["discount_percent"], l["taxes"], l["discount_amount"],
                   l["charge_percent"], l["charge_amount"], l.get("charge_taxed", True)) for l in lines],
        adjustments, (), calculation, currency,
    )
    return InvoiceData(
        id=invoice_id,
        number=number,
        status="issued",
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=payment_term.days if payment_term else 0),
        currency=currency,
        client=client,
        lines=tuple(LineData(net=net, untaxed_charge=untaxed, **line)
                    for line, net, untaxed in zip(lines, totals.line_nets, totals.line_untaxed_charges)),
        payment_term=payment_term,
        subtotal=totals.subtotal,
        allowance_charges=totals.allowance_charges,
        tax_exclusive_total=totals.tax_exclusive_total,
        tax_totals=totals.tax_totals,
        total=totals.total,
    )
