"""``preview_remote_totals``: what QuickBooks will compute for an invoice, before it is created.

QuickBooks (US) takes the line amounts and the discount as sent and computes
the sales tax itself: the base is the taxable lines less their share of the
discount (``ApplyTaxAfterDiscount``), and each component rate of the tax code
gets its own tax line, rounded half up to the cent; the tax is their sum (one
``TaxLine`` per ``TaxRateRef``, as Intuit's responses show). A group such as
Tucson (7.1 % state + 2 % city) can therefore differ by a cent from the same
percent rounded once. The tax is never overridden (see README.md).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from host import InvoiceData, RemoteTaxLine, RemoteTotals

from erp_host_quickbooks.checks import Plan
from erp_host_quickbooks.invoices import discount_line

CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def predict(invoice: InvoiceData, plan: Plan) -> RemoteTotals:
    amounts = [(line, _money(line.net)) for line in invoice.lines]
    subtotal = sum((amount for _, amount in amounts), Decimal(0))
    line = discount_line(invoice)
    discount = Decimal(0)
    if line is not None:
        detail = line["DiscountLineDetail"]
        discount = _money(subtotal * detail["DiscountPercent"] / 100) if detail["PercentBased"] else line["Amount"]
    taxed = [(l, a) for l, a in amounts if any(t.percent > 0 for t in l.taxes)]
    taxable = sum((a for _, a in taxed), Decimal(0))
    base = taxable - _money(discount * taxable / subtotal) if discount and subtotal else taxable
    tax_lines = ()
    if plan.tax_code is not None and taxed:
        tax = next(t for l, _ in taxed for t in l.taxes if t.percent > 0)
        components = [(name, percent, _money(base * percent / 100)) for name, percent in plan.tax_rates]
        detail = ""
        if len(components) > 1:
            detail = "rounding " + " and ".join(f"{p.normalize()} %" for _, p, _ in components) + " separately (" + \
                ", ".join(f"{name} {amount}" for name, _, amount in components) + ")"
        tax_lines = (RemoteTaxLine(name=tax.name, percent=tax.percent, base=base, tax=tax, detail=detail,
                                   amount=sum((amount for _, _, amount in components), Decimal(0))),)
    total = subtotal - discount + sum((t.amount for t in tax_lines), Decimal(0))
    advice = ()
    if len(plan.tax_rates) > 1:
        advice = (f"QuickBooks rounds each rate of the group “{plan.tax_code.get('Name')}” separately. Use a "
                  "single-rate QuickBooks tax of the same percent and name instead of the group, or change the "
                  "line amounts so that both roundings give the same tax.",)
    return RemoteTotals(currency=invoice.currency, total=total, tax_lines=tax_lines,
                        tax_exclusive_total=subtotal - discount, advice=advice)
