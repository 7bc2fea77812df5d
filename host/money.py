"""Invoice totals, computed exactly as the company's calculation settings say.

- Every line net (quantity x price less the line discount) is rounded to the
  currency's minor unit first, whatever the settings.
- The invoice-level discount lowers each line's taxable base by its percent.
- ``round_before_sum`` on: each line's tax is rounded, then the line taxes
  of one rate are summed. Off: the taxable base of each rate is summed and
  rounded, and its tax is computed on it and rounded once.
- ``apply_taxes_per_line`` on: each line is taxed with its own taxes. Off:
  the invoice's taxes apply to every line.
- ``rounding_method``: ``half_up`` (half away from zero), ``bankers``
  (half to even) or ``truncate`` (towards zero).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Sequence

from host.api import CalculationSettings, TaxData, TaxTotal

ROUNDING = {"half_up": ROUND_HALF_UP, "bankers": ROUND_HALF_EVEN, "truncate": ROUND_DOWN}
MINOR_UNIT_EXPONENT = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3, "JOD": 3}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    taxes: tuple[TaxData, ...]


@dataclass(frozen=True)
class Totals:
    line_nets: tuple[Decimal, ...]
    line_taxes: tuple[tuple[TaxData, ...], ...]  # the taxes each line was taxed with
    subtotal: Decimal
    discount_amount: Decimal
    tax_totals: tuple[TaxTotal, ...]
    total: Decimal

    @property
    def tax_amount(self) -> Decimal:
        return sum((t.amount for t in self.tax_totals), Decimal(0))


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNIT_EXPONENT.get(currency.upper(), 2))


def round_money(value: Decimal, currency: str, method: str) -> Decimal:
    return value.quantize(quantum(currency), rounding=ROUNDING[method])


def compute_totals(
    lines: Sequence[LineInput],
    invoice_discount_percent: Decimal,
    invoice_taxes: Sequence[TaxData],
    calculation: CalculationSettings,
    currency: str,
) -> Totals:
    def rnd(value: Decimal) -> Decimal:
        return round_money(value, currency, calculation.rounding_method)

    keep = 1 - invoice_discount_percent / HUNDRED
    nets = tuple(rnd(l.quantity * l.unit_price * (1 - l.discount_percent / HUNDRED)) for l in lines)
    subtotal = sum(nets, Decimal(0))
    discount_amount = rnd(subtotal * invoice_discount_percent / HUNDRED)

    line_taxes = tuple(line.taxes if calculation.apply_taxes_per_line else tuple(invoice_taxes) for line in lines)
    bases: dict[TaxData, Decimal] = {}
    line_tax_sums: dict[TaxData, Decimal] = {}
    for taxes, net in zip(line_taxes, nets):
        base = net * keep
        for tax in taxes:
            bases[tax] = bases.get(tax, Decimal(0)) + base
            line_tax_sums[tax] = line_tax_sums.get(tax, Decimal(0)) + rnd(base * tax.percent / HUNDRED)

    tax_totals = []
    for tax, base in bases.items():
        rounded_base = rnd(base)
        if calculation.round_before_sum:
            amount = line_tax_sums[tax]
        else:
            amount = rnd(rounded_base * tax.percent / HUNDRED)
        tax_totals.append(TaxTotal(tax=tax, base=rounded_base, amount=amount))
    tax_totals.sort(key=lambda t: (t.tax.category, t.tax.percent, t.tax.name))
    total = subtotal - discount_amount + sum((t.amount for t in tax_totals), Decimal(0))
    return Totals(nets, line_taxes, subtotal, discount_amount, tuple(tax_totals), total)
