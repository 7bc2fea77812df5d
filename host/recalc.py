"""An invoice's totals under other calculation settings: what a provider
that follows the host's rule (``host.money``) with its own settings will compute.

Plugins use it in ``preview_remote_totals``, e.g. B2BRouter with the
account's rounding method and flags.
"""
from __future__ import annotations

from host.api import CalculationSettings, InvoiceData, RemoteTaxLine, RemoteTotals
from host.money import AdjustmentInput, LineInput, compute_totals


def recalculate(invoice: InvoiceData, calculation: CalculationSettings) -> RemoteTotals:
    """``invoice``'s totals computed again with ``calculation`` (one tax line per host tax)."""
    totals = compute_totals(
        [
            LineInput(l.quantity, l.unit_price, l.discount_percent, l.taxes, l.discount_amount, l.charge_percent,
                      l.charge_amount, l.charge_taxed)
            for l in invoice.lines
        ],
        [AdjustmentInput(a.kind, a.reason, a.percent, None if a.percent is not None else a.amount, a.taxed)
         for a in invoice.allowance_charges],
        (),
        calculation,
        invoice.currency,
    )
    return RemoteTotals(
        currency=invoice.currency,
        total=totals.total,
        tax_lines=tuple(
            RemoteTaxLine(name=t.tax.name, percent=t.tax.percent, amount=t.amount, base=t.base, tax=t.tax)
            for t in totals.tax_totals
        ),
        tax_exclusive_total=totals.tax_exclusive_total,
    )
