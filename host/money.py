"""Invoice totals: the one calculation rule of this app, and what each setting does.

The rule is B2BRouter's, as its open-source ancestor haltr and the reference
(``shared/reference/b2brouter-api.md`` §6) document it, so the host and
B2BRouter agree on every invoice when their settings are equal. ``r(x)``
rounds ``x`` to the currency's minor unit (0, 2 or 3 decimals) with the
company's ``rounding_method``.

1. **Line net** = ``r(quantity × unit price − line discounts + line charges)``.
   Line discounts and charges are a percent of quantity × unit price and/or
   an amount. Each net is rounded once, before anything is summed, whatever
   the settings. Nets may be negative (a returned item, a correction).
   A line's charges are taxed with the line (EN 16931 BT-141 is part of the
   line net BT-131) unless marked untaxed: then they are **not** in the net
   but the line's **untaxed charge** ``r(quantity × unit price × charge % / 100
   + charge amount)``, rounded on its own and in no tax base.
2. **Subtotal** ``GS`` = Σ line nets. ``L`` = Σ untaxed line charges (not in ``GS``).
3. **Invoice-level allowances and charges** are each a percent of ``GS`` or
   an amount, each rounded on its own: ``r(GS × p / 100)`` or ``r(amount)``.
   ``A`` = Σ allowances, ``C`` = Σ taxed charges, ``U`` = Σ untaxed charges.
   Each carries a reason (EN 16931 BT-97/BT-104), sent to the provider.
4. **Tax-exclusive total** (BT-109) = ``GS + L − A + C + U``.
5. **Taxes of a line**: the line's own taxes; a line with none takes the
   invoice's taxes.
6. **Tax base of a rate** (haltr): with ``N`` = Σ nets of the lines carrying
   the rate, ``base = N − r(N × A / GS) + r(N × C / GS)``. Untaxed charges are
   in no base. When ``GS`` is 0 nothing is spread.
7. **Tax amount of a rate**:

   - ``round_before_sum`` on (haltr: "round the VAT of each line, then sum")
     or ``apply_taxes_per_line`` on (the reference's reading: "taxes are
     computed and rounded per invoice line"): each line carrying the rate
     gets its own base ``b = net − r(net × A / GS) + r(net × C / GS)`` and its
     own tax ``r(b × percent / 100)``; the rate's tax is the sum of those.
     The two flags overlap, as the reference warns: either one on gives
     per-line rounding, both on is the same.
   - both off: ``r(base × percent / 100)``, rounded once per rate.
8. **Total** = tax-exclusive total + Σ tax amounts. A negative total makes
   the invoice a credit note.

``rounding_method``: ``half_up`` (half away from zero), ``bankers`` (half to
even) or ``truncate`` (towards zero).

The rule cannot always make the bases add up (EN 16931 BR-CO-13: Σ VAT
bases = tax-exclusive total): a line without a tax, a line with two VAT
rates, or allowance shares that round apart across rates.
:attr:`Totals.vat_base_gap` measures it; e-invoicing providers block on it.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Sequence

from host.api import AllowanceCharge, CalculationSettings, TaxData, TaxTotal

ROUNDING = {"half_up": ROUND_HALF_UP, "bankers": ROUND_HALF_EVEN, "truncate": ROUND_DOWN}
MINOR_UNIT_EXPONENT = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3, "JOD": 3}
HUNDRED = Decimal(100)
ZERO = Decimal(0)
KINDS = ("allowance", "charge")


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    taxes: tuple[TaxData, ...]
    discount_amount: Decimal = ZERO
    charge_percent: Decimal = ZERO
    charge_amount: Decimal = ZERO
    charge_taxed: bool = True  # False: the charges are the line's untaxed charge, outside its net (rule 1)


@dataclass(frozen=True)
class AdjustmentInput:
    """An invoice-level allowance or charge as entered: a percent of the subtotal or an amount."""

    kind: str  # "allowance" or "charge"
    reason: str
    percent: Decimal | None = None
    amount: Decimal | None = None
    taxed: bool = True  # charges only: allowances always lower the tax bases


@dataclass(frozen=True)
class Totals:
    line_nets: tuple[Decimal, ...]
    line_taxes: tuple[tuple[TaxData, ...], ...]  # the taxes each line was taxed with
    subtotal: Decimal  # Σ line nets
    allowance_charges: tuple[AllowanceCharge, ...]  # invoice level, amounts rounded
    tax_totals: tuple[TaxTotal, ...]
    total: Decimal
    line_untaxed_charges: tuple[Decimal, ...] = ()  # per line, 0 when none (rule 1)

    @property
    def line_untaxed_charge_total(self) -> Decimal:
        return sum(self.line_untaxed_charges, ZERO)

    @property
    def allowance_total(self) -> Decimal:
        return sum((a.amount for a in self.allowance_charges if a.kind == "allowance"), ZERO)

    @property
    def charge_total(self) -> Decimal:
        return sum((a.amount for a in self.allowance_charges if a.kind == "charge"), ZERO)

    @property
    def untaxed_charge_total(self) -> Decimal:
        """Σ untaxed invoice-level charges (``U``); untaxed line charges are ``line_untaxed_charge_total``."""
        return sum((a.amount for a in self.allowance_charges if a.kind == "charge" and not a.taxed), ZERO)

    @property
    def tax_exclusive_total(self) -> Decimal:
        return self.subtotal + self.line_untaxed_charge_total - self.allowance_total + self.charge_total

    @property
    def tax_amount(self) -> Decimal:
        return sum((t.amount for t in self.tax_totals), ZERO)

    @property
    def vat_base_gap(self) -> Decimal:
        """Tax-exclusive total − (Σ VAT bases + untaxed charges of invoice and lines); 0 when BR-CO-13 holds.

        Withholdings (negative rates) are not VAT and are left out.
        """
        vat_bases = sum((t.base for t in self.tax_totals if t.tax.percent >= 0), ZERO)
        return self.tax_exclusive_total - vat_bases - self.untaxed_charge_total - self.line_untaxed_charge_total


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNIT_EXPONENT.get(currency.upper(), 2))


def round_money(value: Decimal, currency: str, method: str) -> Decimal:
    return value.quantize(quantum(currency), rounding=ROUNDING[method])


def per_line_rounding(calculation: CalculationSettings) -> bool:
    """Whether taxes are rounded per line (rule 7): either flag on."""
    return calculation.round_before_sum or calculation.apply_taxes_per_line


def compute_totals(
    lines: Sequence[LineInput],
    adjustments: Sequence[AdjustmentInput],
    invoice_taxes: Sequence[TaxData],
    calculation: CalculationSettings,
    currency: str,
) -> Totals:
    def rnd(value: Decimal) -> Decimal:
        return round_money(value, currency, calculation.rounding_method)

    nets, untaxed_line_charges = [], []
    for line in lines:
        gross = line.quantity * line.unit_price
        discount = gross * line.discount_percent / HUNDRED + line.discount_amount
        charge = gross * line.charge_percent / HUNDRED + line.charge_amount
        nets.append(rnd(gross - discount + (charge if line.charge_taxed else ZERO)))
        untaxed_line_charges.append(ZERO if line.charge_taxed else rnd(charge))
    subtotal = sum(nets, ZERO)

    applied = tuple(
        AllowanceCharge(
            kind=a.kind,
            reason=a.reason,
            amount=rnd(subtotal * a.percent / HUNDRED) if a.percent is not None else rnd(a.amount or ZERO),
            percent=a.percent,
            taxed=a.taxed or a.kind == "allowance",
        )
        for a in adjustments
    )
    allowances = sum((a.amount for a in applied if a.kind == "allowance"), ZERO)
    taxed_charges = sum((a.amount for a in applied if a.kind == "charge" and a.taxed), ZERO)

    def spread(net: Decimal) -> Decimal:
        """``net`` less its share of the allowances plus its share of the taxed charges (rule 6)."""
        if not subtotal:
            return net
        return net - rnd(net * allowances / subtotal) + rnd(net * taxed_charges / subtotal)

    line_taxes = tuple(line.taxes or tuple(invoice_taxes) for line in lines)
    rate_nets: dict[TaxData, Decimal] = {}
    line_tax_sums: dict[TaxData, Decimal] = {}
    for taxes, net in zip(line_taxes, nets):
        for tax in taxes:
            rate_nets[tax] = rate_nets.get(tax, ZERO) + net
            line_tax_sums[tax] = line_tax_sums.get(tax, ZERO) + rnd(spread(net) * tax.percent / HUNDRED)

    tax_totals = []
    for tax, rate_net in rate_nets.items():
        base = spread(rate_net)
        amount = line_tax_sums[tax] if per_line_rounding(calculation) else rnd(base * tax.percent / HUNDRED)
        tax_totals.append(TaxTotal(tax=tax, base=base, amount=amount))
    tax_totals.sort(key=lambda t: (t.tax.category, t.tax.percent, t.tax.name))
    charges = sum((a.amount for a in applied if a.kind == "charge"), ZERO)
    tax_exclusive = subtotal + sum(untaxed_line_charges, ZERO) - allowances + charges
    total = tax_exclusive + sum((t.amount for t in tax_totals), ZERO)
    return Totals(tuple(nets), line_taxes, subtotal, applied, tuple(tax_totals), total, tuple(untaxed_line_charges))
