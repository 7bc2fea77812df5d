"""Turning an ``Invoice`` row into totals and into the plain ``InvoiceData`` plugins get."""
from __future__ import annotations

from decimal import Decimal

from host.api import (
    CalculationSettings,
    ClientData,
    CompanyData,
    CreditedInvoice,
    InvoiceData,
    LineData,
    PaymentTermData,
    TaxData,
)
from host.extensions import db
from host.models import Company, Invoice, InvoiceAdjustment, InvoiceLine, RemoteLink, Tax
from host.money import AdjustmentInput, LineInput, Totals, compute_totals


def plain(value) -> Decimal:
    """A Decimal without the database's trailing zeros and never in exponent form."""
    number = Decimal(value)
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def tax_data(tax: Tax) -> TaxData:
    return TaxData(name=tax.name, percent=plain(tax.percent), category=tax.category)


def calculation_settings(company: Company) -> CalculationSettings:
    return CalculationSettings(company.rounding_method, company.round_before_sum, company.apply_taxes_per_line)


def company_data(company: Company) -> CompanyData:
    return CompanyData(
        name=company.name,
        tax_id=company.tax_id,
        country=company.country,
        currency=company.currency,
        address=company.address,
        calculation=calculation_settings(company),
    )


def _number(value) -> Decimal:
    return Decimal(value or 0)


def line_input(line: InvoiceLine) -> LineInput:
    return LineInput(
        _number(line.quantity), _number(line.unit_price), _number(line.discount_percent),
        tuple(tax_data(t) for t in line.taxes), _number(line.discount_amount), _number(line.charge_percent),
        _number(line.charge_amount), bool(line.charge_taxed),
    )


def adjustment_input(adjustment: InvoiceAdjustment) -> AdjustmentInput:
    return AdjustmentInput(
        kind=adjustment.kind,
        reason=adjustment.reason,
        percent=None if adjustment.percent is None else plain(adjustment.percent),
        amount=None if adjustment.amount is None else plain(adjustment.amount),
        taxed=bool(adjustment.taxed),
    )


def totals_for(invoice: Invoice, company: Company | None = None) -> Totals:
    company = company or Company.get()
    return compute_totals(
        [line_input(l) for l in invoice.lines],
        [adjustment_input(a) for a in invoice.adjustments],
        tuple(tax_data(t) for t in invoice.taxes),
        calculation_settings(company),
        invoice.currency,
    )


def invoice_data(invoice: Invoice, company: Company | None = None) -> InvoiceData:
    from host.payment_means import payment_means_data

    company = company or Company.get()
    totals = totals_for(invoice, company)
    client = invoice.client
    term = invoice.payment_term
    return InvoiceData(
        id=invoice.id,
        number=invoice.number,
        status=invoice.status,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        client=ClientData(
            code=client.code,
            name=client.name,
            email=client.email,
            tax_id=client.tax_id,
            tax_scheme=client.tax_scheme,
            country=client.country,
            address=client.address,
            city=client.city,
            postal_code=client.postal_code,
        ),
        lines=tuple(
            LineData(
                service=line.service.name if line.service else None,
                description=line.description,
                quantity=plain(line.quantity),
                unit_price=plain(line.unit_price),
                discount_percent=plain(line.discount_percent or 0),
                taxes=taxes,
                net=net,
                discount_amount=plain(line.discount_amount or 0),
                charge_percent=plain(line.charge_percent or 0),
                charge_amount=plain(line.charge_amount or 0),
                charge_taxed=bool(line.charge_taxed),
                untaxed_charge=untaxed,
            )
            for line, taxes, net, untaxed in zip(invoice.lines, totals.line_taxes, totals.line_nets,
                                                 totals.line_untaxed_charges)
        ),
        payment_term=PaymentTermData(term.name, term.days) if term else None,
        subtotal=totals.subtotal,
        allowance_charges=totals.allowance_charges,
        tax_exclusive_total=totals.tax_exclusive_total,
        tax_totals=totals.tax_totals,
        total=totals.total,
        notes=invoice.notes,
        payment_means=payment_means_data(invoice, company),
        credited=credited_data(invoice),
    )


def credited_data(invoice: Invoice) -> CreditedInvoice | None:
    original = invoice.credited_invoice
    if original is None:
        return None
    links = db.session.execute(
        db.select(RemoteLink).filter_by(invoice_id=original.id, status="linked").order_by(RemoteLink.provider)
    ).scalars().all()
    return CreditedInvoice(
        number=original.number, issue_date=original.issue_date, reason=invoice.credit_reason,
        remote_ids=tuple((l.provider, l.remote_id) for l in links if l.remote_id),
        remote_numbers=tuple((l.provider, l.remote_number) for l in links if l.remote_number),
    )
