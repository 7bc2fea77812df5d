"""The sandbox computes like the host for every setting combination (Hypothesis).

host.money is proven against a plain implementation of the documented rule
(tests/test_money_properties.py); here the sandbox's own implementation
(sandbox/calc.py, written separately) must give the same figures on random
EUR invoices, as B2BRouter would when its settings equal the host's.
"""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings, strategies as st

from host import CalculationSettings, TaxData
from host.money import AdjustmentInput, LineInput, compute_totals

from erp_host_b2brouter.sandbox import calc

RATES = [TaxData("IVA", Decimal(21), "S"), TaxData("IVA", Decimal(10), "AA"), TaxData("Exento", Decimal(0), "E"),
         TaxData("IRPF", Decimal(-15), "S")]
COMBINATIONS = [CalculationSettings(m, b, p) for m in ("half_up", "bankers", "truncate") for b in (False, True)
                for p in (False, True)]
amount = st.integers(-100_000, 2_000_000).map(lambda n: Decimal(n).scaleb(-2))
percent = st.integers(0, 5000).map(lambda n: Decimal(n).scaleb(-2))
lines = st.lists(st.builds(
    LineInput, quantity=st.integers(-20, 200).filter(bool).map(Decimal), unit_price=amount,
    discount_percent=st.one_of(st.just(Decimal(0)), percent),
    taxes=st.lists(st.sampled_from(RATES), min_size=1, max_size=2, unique=True).map(tuple),
    discount_amount=st.one_of(st.just(Decimal(0)), amount.map(abs)),
    charge_percent=st.one_of(st.just(Decimal(0)), percent),
    charge_amount=st.one_of(st.just(Decimal(0)), amount.map(abs))), min_size=1, max_size=30)
adjustments = st.lists(st.builds(
    AdjustmentInput, kind=st.sampled_from(["allowance", "charge"]), reason=st.just("Reason"),
    percent=st.none(), amount=amount.map(abs), taxed=st.booleans()), max_size=3)


def sandbox_lines(lines):
    out = []
    for l in lines:
        entries = [{"allowance_charge_indicator": kind, key: value}
                   for kind, key, value in (("allowance", "percentage", l.discount_percent),
                                            ("allowance", "amount", l.discount_amount),
                                            ("charge", "percentage", l.charge_percent),
                                            ("charge", "amount", l.charge_amount)) if value]
        out.append({"quantity": l.quantity, "price": l.unit_price, "allowance_charges_attributes": entries,
                    "taxes_attributes": [{"name": t.name, "category": t.category, "percent": t.percent} for t in l.taxes]})
    return out


@settings(max_examples=200, deadline=None)
@given(lines=lines, adjustments=adjustments, calculation=st.sampled_from(COMBINATIONS))
def test_sandbox_totals_equal_the_hosts(lines, adjustments, calculation):
    host = compute_totals(lines, adjustments, (), calculation, "EUR")
    remote = calc.compute(sandbox_lines(lines), [
        {"allowance_charge_indicator": a.kind, "amount": a.amount, "apply_taxes": a.taxed} for a in adjustments],
        {"rounding_method": calculation.rounding_method, "round_before_sum": calculation.round_before_sum,
         "apply_taxes_per_line": calculation.apply_taxes_per_line})
    assert remote["nets"] == list(host.line_nets)
    assert remote["total"] == host.total
    assert {(t["category"], t["percent"]): (t["base"], t["amount"]) for t in remote["taxes"]} == {
        (t.tax.category, t.tax.percent): (t.base, t.amount) for t in host.tax_totals}
