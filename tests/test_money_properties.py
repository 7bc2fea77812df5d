"""Property tests of host.money over random invoices (Hypothesis).

Invoices: 1–30 lines, 1–3 taxes per line among standard rates, a 0 % exempt
rate and a negative withholding; line discounts and charges as percents and
amounts, line charges taxed or not; invoice-level allowances and charges of
both kinds (charges taxed or not); negative lines; the 12 combinations of settings; currencies with 0, 2
and 3 decimals.

The reference rule is re-implemented below in the plainest way (integers of
minor units, no shared code with the host) straight from the documented
text, so a mistake in host.money cannot hide in both.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from host.api import CalculationSettings, TaxData
from host.money import AdjustmentInput, LineInput, compute_totals

RATES = [
    TaxData("VAT 21%", Decimal("21"), "S"),
    TaxData("VAT 10%", Decimal("10"), "AA"),
    TaxData("VAT 4%", Decimal("4"), "AAA"),
    TaxData("Tucson 9.1%", Decimal("9.1"), "S"),
    TaxData("Exempt", Decimal("0"), "E"),
    TaxData("IRPF -15%", Decimal("-15"), "S"),
]
CURRENCIES = {"JPY": 0, "EUR": 2, "USD": 2, "KWD": 3}
SETTINGS = [CalculationSettings(m, b, p) for m in ("half_up", "bankers", "truncate") for b in (False, True)
            for p in (False, True)]
PLAIN_ROUNDING = {"half_up": ROUND_HALF_UP, "bankers": ROUND_HALF_EVEN, "truncate": ROUND_DOWN}


def money(low: int, high: int, places: int = 4):
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-places))


percent = st.integers(0, 10000).map(lambda n: Decimal(n).scaleb(-2))  # 0.00 .. 100.00
lines = st.lists(
    st.builds(
        LineInput,
        quantity=st.integers(-50000, 500000).filter(bool).map(lambda n: Decimal(n).scaleb(-3)),
        unit_price=money(-1_000_000, 100_000_000),
        discount_percent=st.one_of(st.just(Decimal(0)), percent),
        taxes=st.lists(st.sampled_from(RATES), min_size=1, max_size=3, unique=True).map(tuple),
        discount_amount=st.one_of(st.just(Decimal(0)), money(0, 500_000)),
        charge_percent=st.one_of(st.just(Decimal(0)), percent),
        charge_amount=st.one_of(st.just(Decimal(0)), money(0, 500_000)),
        charge_taxed=st.booleans(),
    ),
    min_size=1,
    max_size=30,
)
adjustments = st.lists(
    st.builds(
        AdjustmentInput,
        kind=st.sampled_from(["allowance", "charge"]),
        reason=st.just("Reason"),
        percent=st.one_of(st.none(), percent.map(lambda p: p / 5)),
        amount=money(0, 5_000_000),
        taxed=st.booleans(),
    ).map(lambda a: a if a.percent is None else AdjustmentInput(a.kind, a.reason, a.percent, None, a.taxed)),
    max_size=4,
)


def plain_rule(lines, adjustments, calculation, currency):
    """The documented rule, step by step, in minor units (see host.money's docstring and
    b2brouter-api.md §6). Returns (line nets, untaxed line charges, allowances, charges, untaxed,
    {tax: (base, amount)}, total)."""
    unit = Decimal(1).scaleb(-CURRENCIES[currency])
    method = PLAIN_ROUNDING[calculation.rounding_method]

    def to_units(amount):  # round to the minor unit, as an integer count of units
        return int((amount / unit).quantize(Decimal(1), rounding=method))

    nets, line_untaxed = [], []
    for line in lines:
        amount = line.quantity * line.unit_price
        amount = amount - amount * line.discount_percent / 100 - line.discount_amount
        charge = line.quantity * line.unit_price * line.charge_percent / 100 + line.charge_amount
        if line.charge_taxed:  # taxed with the line, inside its net
            nets.append(to_units(amount + charge))
            line_untaxed.append(0)
        else:  # outside the net and every base, rounded on its own
            nets.append(to_units(amount))
            line_untaxed.append(to_units(charge))
    gs = sum(nets)
    allowances = charges_taxed = charges_untaxed = 0
    for a in adjustments:
        value = to_units(Decimal(gs) * unit * a.percent / 100) if a.percent is not None else to_units(a.amount)
        if a.kind == "allowance":
            allowances += value
        elif a.taxed:
            charges_taxed += value
        else:
            charges_untaxed += value

    def own_base(n):  # n less its rounded share of A plus its rounded share of C (units)
        if gs == 0:
            return n
        return n - to_units(Decimal(n) * allowances / gs * unit) + to_units(Decimal(n) * charges_taxed / gs * unit)

    per_line = calculation.round_before_sum or calculation.apply_taxes_per_line
    result = {}
    for tax in {t for line in lines for t in line.taxes}:
        carrying = [n for line, n in zip(lines, nets) if tax in line.taxes]
        base = own_base(sum(carrying))
        if per_line:
            amount = sum(to_units(Decimal(own_base(n)) * unit * tax.percent / 100) for n in carrying)
        else:
            amount = to_units(Decimal(base) * unit * tax.percent / 100)
        result[tax] = (base, amount)
    total = gs + sum(line_untaxed) - allowances + charges_taxed + charges_untaxed + sum(a for _, a in result.values())
    units = lambda n: Decimal(n) * unit  # noqa: E731
    return ([units(n) for n in nets], [units(n) for n in line_untaxed], units(allowances),
            units(charges_taxed + charges_untaxed),
            units(charges_untaxed), {t: (units(b), units(a)) for t, (b, a) in result.items()}, units(total))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=lines, adjustments=adjustments, calculation=st.sampled_from(SETTINGS),
       currency=st.sampled_from(sorted(CURRENCIES)))
def test_totals_follow_the_documented_rule(lines, adjustments, calculation, currency):
    totals = compute_totals(lines, adjustments, (), calculation, currency)
    unit = Decimal(1).scaleb(-CURRENCIES[currency])

    # every amount is on the currency's minor unit
    amounts = [*totals.line_nets, *totals.line_untaxed_charges, totals.subtotal, totals.tax_exclusive_total, totals.total,
               *(a.amount for a in totals.allowance_charges), *(t.base for t in totals.tax_totals),
               *(t.amount for t in totals.tax_totals)]
    assert all(a == a.quantize(unit) for a in amounts)

    # total = tax-exclusive total + Σ taxes;
    # Σ line nets + Σ untaxed line charges − allowances + charges = tax-exclusive total
    assert totals.total == totals.tax_exclusive_total + sum((t.amount for t in totals.tax_totals), Decimal(0))
    assert (sum(totals.line_nets, Decimal(0)) + sum(totals.line_untaxed_charges, Decimal(0))
            - totals.allowance_total + totals.charge_total) == totals.tax_exclusive_total
    # untaxed line charges are in no tax base, yet keep BR-CO-13: with one VAT rate per line
    # and nothing spread at invoice level, Σ VAT bases + untaxed charges = tax-exclusive total
    if not adjustments and all(len(l.taxes) == 1 and l.taxes[0].percent >= 0 for l in lines):
        assert totals.vat_base_gap == 0

    # exactly what the plain implementation of the documented rule gives
    nets, line_untaxed, allowances, charges, untaxed, taxes, total = plain_rule(lines, adjustments, calculation, currency)
    assert list(totals.line_nets) == nets and list(totals.line_untaxed_charges) == line_untaxed
    assert (totals.allowance_total, totals.charge_total, totals.untaxed_charge_total) == (allowances, charges, untaxed)
    assert {t.tax: (t.base, t.amount) for t in totals.tax_totals} == taxes
    assert totals.total == total
