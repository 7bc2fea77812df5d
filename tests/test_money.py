"""host.money against hand-worked examples where each calculation setting moves a cent.

Every expected number is worked out by hand in the comments; none is
computed with the code under test.
"""
from decimal import Decimal as D

import pytest

from host.api import CalculationSettings, TaxData
from host.money import AdjustmentInput, LineInput, compute_totals, quantum, round_money

VAT21 = TaxData("VAT 21%", D("21"), "S")
VAT10 = TaxData("VAT 10%", D("10"), "AA")
IRPF15 = TaxData("IRPF -15%", D("-15"), "S")
JCT10 = TaxData("JCT 10%", D("10"), "S")


def settings(rounding="half_up", round_before_sum=False, per_line=False):
    return CalculationSettings(rounding, round_before_sum, per_line)


def line(quantity, price, *taxes, discount="0", discount_amount="0", charge="0", charge_amount="0", charge_taxed=True):
    return LineInput(D(quantity), D(price), D(discount), tuple(taxes), D(discount_amount), D(charge), D(charge_amount),
                     charge_taxed)


def allowance(percent=None, amount=None, reason="Discount"):
    return AdjustmentInput("allowance", reason, None if percent is None else D(percent), None if amount is None else D(amount))


def charge(percent=None, amount=None, taxed=True, reason="Freight"):
    return AdjustmentInput("charge", reason, None if percent is None else D(percent),
                           None if amount is None else D(amount), taxed)


def totals(lines, calc, invoice_taxes=(), discount="0", currency="EUR", adjustments=()):
    adjustments = ((allowance(discount),) if D(discount) else ()) + tuple(adjustments)
    return compute_totals(lines, adjustments, tuple(invoice_taxes), calc, currency)


def amounts(result):
    return {t.tax.name: (t.base, t.amount) for t in result.tax_totals}


@pytest.mark.parametrize(
    "method, tax, total",
    [
        # net 10.50; tax 10.50 x 21% = 2.205, exactly half a cent
        ("half_up", "2.21", "12.71"),  # half goes up
        ("bankers", "2.20", "12.70"),  # half goes to the even digit (0)
        ("truncate", "2.20", "12.70"),  # digits after the cent dropped
    ],
)
def test_rounding_method_on_an_exact_half(method, tax, total):
    result = totals([line("1", "10.50", VAT21)], settings(method))
    assert amounts(result) == {"VAT 21%": (D("10.50"), D(tax))}
    assert result.total == D(total)


@pytest.mark.parametrize(
    "method, tax, total",
    [
        # net 10.70; tax 10.70 x 21% = 2.247, above the half
        ("half_up", "2.25", "12.95"),
        ("bankers", "2.25", "12.95"),
        ("truncate", "2.24", "12.94"),  # truncate never rounds up
    ],
)
def test_truncate_differs_from_bankers_above_the_half(method, tax, total):
    result = totals([line("1", "10.70", VAT21)], settings(method))
    assert amounts(result)["VAT 21%"][1] == D(tax)
    assert result.total == D(total)


@pytest.mark.parametrize(
    "method, net",
    [
        # 3 x 0.125 = 0.375
        ("half_up", "0.38"),
        ("bankers", "0.38"),  # 0.37|5 -> even neighbour is 0.38
        ("truncate", "0.37"),
    ],
)
def test_line_net_is_rounded_with_the_method(method, net):
    result = totals([line("3", "0.125")], settings(method))
    assert result.line_nets == (D(net),)
    assert result.subtotal == D(net)
    assert result.tax_totals == ()
    assert result.total == D(net)


def test_round_before_sum_rounds_each_line_tax_then_sums():
    # three lines of 1.50 at 21%: each line's tax is 0.315 -> 0.32 (half up)
    # sum of rounded line taxes: 3 x 0.32 = 0.96; total 4.50 + 0.96 = 5.46
    result = totals([line("1", "1.50", VAT21)] * 3, settings(round_before_sum=True))
    assert amounts(result) == {"VAT 21%": (D("4.50"), D("0.96"))}
    assert result.total == D("5.46")


def test_round_after_sum_taxes_the_summed_base_once():
    # same lines, summed base 4.50 x 21% = 0.945 -> 0.95 (one cent less than 0.96)
    # total 4.50 + 0.95 = 5.45
    result = totals([line("1", "1.50", VAT21)] * 3, settings(round_before_sum=False))
    assert amounts(result) == {"VAT 21%": (D("4.50"), D("0.95"))}
    assert result.total == D("5.45")


@pytest.mark.parametrize(
    "round_before_sum, per_line, tax",
    [
        # three lines of 1.50 at 21%: per line 0.315 -> 0.32, summed 0.96; once on 4.50: 0.945 -> 0.95
        (False, True, "0.96"),  # apply taxes per line: computed and rounded per line
        (True, True, "0.96"),  # both on: the same as either one
        (False, False, "0.95"),
    ],
)
def test_apply_taxes_per_line_rounds_each_lines_tax(round_before_sum, per_line, tax):
    result = totals([line("1", "1.50", VAT21)] * 3, settings(round_before_sum=round_before_sum, per_line=per_line))
    assert amounts(result) == {"VAT 21%": (D("4.50"), D(tax))}


def test_each_line_keeps_its_own_taxes_whatever_the_settings():
    # line A 100.00 at 21% -> 21.00; line B 50.00 at 10% -> 5.00; the invoice's tax (21%) is
    # only for lines without taxes; total 150.00 + 26.00 = 176.00
    lines = [line("1", "100", VAT21), line("2", "25", VAT10)]
    for per_line in (True, False):
        result = totals(lines, settings(per_line=per_line), invoice_taxes=[VAT21])
        assert amounts(result) == {"VAT 21%": (D("100.00"), D("21.00")), "VAT 10%": (D("50.00"), D("5.00"))}
        assert result.total == D("176.00")


def test_a_line_without_taxes_takes_the_invoice_taxes():
    # line A 100.00 has no tax -> invoice's 10%: 10.00; line B 50.00 at 21% -> 10.50
    result = totals([line("1", "100"), line("1", "50", VAT21)], settings(), invoice_taxes=[VAT10])
    assert amounts(result) == {"VAT 10%": (D("100.00"), D("10.00")), "VAT 21%": (D("50.00"), D("10.50"))}
    assert result.total == D("170.50")


def test_no_line_taxes_and_no_invoice_taxes_means_no_tax():
    result = totals([line("1", "100")], settings())
    assert result.tax_totals == ()
    assert result.total == D("100.00")


def test_line_discount_is_taken_before_rounding_the_net():
    # 3 x 19.99 = 59.97, less 15% = 59.97 x 0.85 = 50.9745 -> 50.97
    # tax 50.97 x 21% = 10.7037 -> 10.70; total 50.97 + 10.70 = 61.67
    result = totals([line("3", "19.99", VAT21, discount="15")], settings())
    assert result.line_nets == (D("50.97"),)
    assert amounts(result) == {"VAT 21%": (D("50.97"), D("10.70"))}
    assert result.total == D("61.67")


@pytest.mark.parametrize(
    "round_before_sum, tax, total",
    [
        # two lines of 10.00, invoice discount 25%: discount 5.00, each base 7.50
        # on: each line's tax 7.50 x 21% = 1.575 -> 1.58, summed 3.16; 20.00 - 5.00 + 3.16 = 18.16
        (True, "3.16", "18.16"),
        # off: summed base 15.00 x 21% = 3.15; 20.00 - 5.00 + 3.15 = 18.15
        (False, "3.15", "18.15"),
    ],
)
def test_invoice_discount_lowers_every_taxable_base(round_before_sum, tax, total):
    result = totals([line("1", "10", VAT21)] * 2, settings(round_before_sum=round_before_sum), discount="25")
    assert result.subtotal == D("20.00")
    assert result.allowance_total == D("5.00")
    assert amounts(result) == {"VAT 21%": (D("15.00"), D(tax))}
    assert result.total == D(total)


def test_invoice_discount_amount_is_rounded():
    # lines 100.00 and 33.33 -> subtotal 133.33; 10% discount = 13.333 -> 13.33
    # bases 90.000 + 29.997 = 119.997 -> 120.00; tax 120.00 x 21% = 25.20
    # total 133.33 - 13.33 + 25.20 = 145.20
    result = totals([line("1", "100", VAT21), line("1", "33.33", VAT21)], settings(), discount="10")
    assert result.allowance_total == D("13.33")
    assert amounts(result) == {"VAT 21%": (D("120.00"), D("25.20"))}
    assert result.total == D("145.20")


@pytest.mark.parametrize(
    "method, tax, total",
    [
        # JPY has no minor unit: 3 x 333 = 999 yen; tax 999 x 10% = 99.9 yen
        ("half_up", "100", "1099"),
        ("truncate", "99", "1098"),  # Japanese invoices commonly truncate consumption tax
    ],
)
def test_zero_decimal_currency(method, tax, total):
    result = totals([line("3", "333", JCT10)], settings(method), currency="JPY")
    assert result.line_nets == (D("999"),)
    assert amounts(result)["JCT 10%"][1] == D(tax)
    assert result.total == D(total)
    assert str(result.total) == total  # whole yen, no ".00"


def test_zero_decimal_currency_rounds_the_net_to_whole_units():
    # 1 x 1234.5 yen -> half up 1235, bankers 1234 (4 is even)
    assert totals([line("1", "1234.5")], settings("half_up"), currency="JPY").total == D("1235")
    assert totals([line("1", "1234.5")], settings("bankers"), currency="JPY").total == D("1234")


def test_withholding_tax_is_negative():
    # 1000.00 with VAT 21% = 210.00 and IRPF -15% = -150.00; total 1000 + 210 - 150 = 1060.00
    result = totals([line("1", "1000", VAT21, IRPF15)], settings())
    assert amounts(result) == {"VAT 21%": (D("1000.00"), D("210.00")), "IRPF -15%": (D("1000.00"), D("-150.00"))}
    assert result.tax_amount == D("60.00")
    assert result.total == D("1060.00")


@pytest.mark.parametrize(
    "method, vat, irpf, total",
    [
        # net 333.33: VAT 333.33 x 21% = 69.9993, IRPF 333.33 x -15% = -49.9995
        # half up rounds away from zero: 70.00 and -50.00; total 333.33 + 70.00 - 50.00 = 353.33
        ("half_up", "70.00", "-50.00", "353.33"),
        # truncate goes towards zero: 69.99 and -49.99; total 333.33 + 69.99 - 49.99 = 353.33
        ("truncate", "69.99", "-49.99", "353.33"),
    ],
)
def test_withholding_tax_rounds_symmetrically_around_zero(method, vat, irpf, total):
    result = totals([line("1", "333.33", VAT21, IRPF15)], settings(method))
    assert amounts(result)["VAT 21%"][1] == D(vat)
    assert amounts(result)["IRPF -15%"][1] == D(irpf)
    assert result.total == D(total)


def test_tax_totals_are_ordered_by_category_then_rate():
    # category AA sorts before S; within S, -15 before 21
    result = totals([line("1", "10", VAT21, IRPF15), line("1", "10", VAT10)], settings())
    assert [t.tax.name for t in result.tax_totals] == ["VAT 10%", "IRPF -15%", "VAT 21%"]


def test_minor_units():
    assert quantum("EUR") == D("0.01")
    assert quantum("jpy") == D("1")
    assert quantum("KWD") == D("0.001")
    assert round_money(D("-0.125"), "EUR", "half_up") == D("-0.13")
    assert round_money(D("-0.125"), "EUR", "bankers") == D("-0.12")
    assert round_money(D("-0.129"), "EUR", "truncate") == D("-0.12")


def test_invoice_discount_is_spread_per_rate_the_haltr_way():
    # nets 100.05 (21%) and 132.00 (10%): GS 232.05; 10% discount = 23.205 -> 23.21
    # bases: 100.05 - r(100.05 x 23.21 / 232.05) = 100.05 - r(10.0070...) = 100.05 - 10.01 = 90.04
    #        132.00 - r(132.00 x 23.21 / 232.05) = 132.00 - r(13.2026...) = 132.00 - 13.20 = 118.80
    # Σ bases 208.84 = tax-exclusive total 232.05 - 23.21; taxes 90.04 x 21% = 18.9084 -> 18.91,
    # 118.80 x 10% = 11.88; total 208.84 + 30.79 = 239.63
    result = totals([line("1", "100.05", VAT21), line("1", "132", VAT10)], settings(), discount="10")
    assert result.allowance_total == D("23.21")
    assert amounts(result) == {"VAT 21%": (D("90.04"), D("18.91")), "VAT 10%": (D("118.80"), D("11.88"))}
    assert result.tax_exclusive_total == D("208.84")
    assert result.vat_base_gap == D("0")
    assert result.total == D("239.63")


@pytest.mark.parametrize(
    "method, bases, gap",
    [
        # nets 10.00 at 21% and 10.00 at 10%, allowance of 0.05: each share 10 x 0.05 / 20 = 0.025
        ("half_up", "9.97", "0.01"),  # shares 0.03 + 0.03 = 0.06: bases 19.94 against 19.95
        ("bankers", "9.98", "-0.01"),  # shares 0.02 + 0.02 = 0.04: bases 19.96 against 19.95
    ],
)
def test_shares_that_round_apart_leave_a_vat_base_gap(method, bases, gap):
    result = totals([line("1", "10", VAT21), line("1", "10", VAT10)], settings(method),
                    adjustments=[allowance(amount="0.05")])
    assert [t.base for t in result.tax_totals] == [D(bases), D(bases)]
    assert result.tax_exclusive_total == D("19.95")
    assert result.vat_base_gap == D(gap)


def test_taxed_charge_raises_the_base_and_untaxed_charge_does_not():
    # net 100.00 at 21%; taxed freight 10.00 -> base 100 + r(100 x 10 / 100) = 110.00, tax 23.10
    # untaxed deposit 5.00: in the tax-exclusive total only: 100 + 10 + 5 = 115.00; total 138.10
    result = totals([line("1", "100", VAT21)], settings(),
                    adjustments=[charge(amount="10"), charge(amount="5", taxed=False, reason="Deposit")])
    assert amounts(result) == {"VAT 21%": (D("110.00"), D("23.10"))}
    assert result.charge_total == D("15.00")
    assert result.tax_exclusive_total == D("115.00")
    assert result.vat_base_gap == D("0")
    assert result.total == D("138.10")


def test_percent_allowances_and_charges_are_each_rounded_on_the_subtotal():
    # GS 33.33: 2.5% allowance = 0.83325 -> 0.83; 1.5% charge = 0.49995 -> 0.50
    result = totals([line("1", "33.33")], settings(), adjustments=[allowance("2.5"), charge("1.5")])
    assert [(a.kind, a.amount) for a in result.allowance_charges] == [("allowance", D("0.83")), ("charge", D("0.50"))]
    assert result.total == D("33.00")


def test_line_discount_amount_and_charge_percent():
    # 2 x 50.00 = 100.00; less 7.50 discount, plus 3% charge (3.00) = 95.50; tax 21% = 20.055 -> 20.06
    result = totals([line("2", "50", VAT21, discount_amount="7.50", charge="3")], settings())
    assert result.line_nets == (D("95.50"),)
    assert result.total == D("115.56")


def test_an_untaxed_line_charge_is_outside_the_net_and_every_base():
    # 3 x 33.33 = 99.99 at 21 %; untaxed charge 1.5 % of 99.99 = 1.49985 + 2.00 = 3.49985 -> 3.50
    # net 99.99 (the charge is not in it), tax r(99.99 x 21 %) = r(20.9979) = 21.00
    # tax-exclusive 99.99 + 3.50 = 103.49; total 124.49; the VAT base still meets BR-CO-13
    result = totals([line("3", "33.33", VAT21, charge="1.5", charge_amount="2", charge_taxed=False)], settings())
    assert result.line_nets == (D("99.99"),) and result.line_untaxed_charges == (D("3.50"),)
    assert amounts(result) == {"VAT 21%": (D("99.99"), D("21.00"))}
    assert result.tax_exclusive_total == D("103.49") and result.total == D("124.49")
    assert result.vat_base_gap == D("0")


def test_an_untaxed_line_charge_is_not_spread_and_not_in_invoice_percents():
    # lines: 100.00 with an untaxed 10.00 charge, 50.00 with a taxed 10 % charge (5.00) -> nets 100.00, 55.00
    # GS = 155.00 (untaxed line charges are not in it); 10 % allowance = 15.50, spread:
    # base 155.00 - 15.50 = 139.50, VAT 21 % = 29.295 -> 29.30
    # tax-exclusive 155.00 + 10.00 - 15.50 = 149.50; total 178.80
    result = totals([line("1", "100", VAT21, charge_amount="10", charge_taxed=False),
                     line("1", "50", VAT21, charge="10")], settings(), discount="10")
    assert result.line_nets == (D("100.00"), D("55.00")) and result.line_untaxed_charge_total == D("10.00")
    assert [a.amount for a in result.allowance_charges] == [D("15.50")]
    assert amounts(result) == {"VAT 21%": (D("139.50"), D("29.30"))}
    assert result.tax_exclusive_total == D("149.50") and result.total == D("178.80")


def test_negative_lines_and_credit_notes():
    # a returned item: -2 x 30.00 = -60.00 at 21% -> -12.60; with a sale of 20.00 (4.20):
    # total -40.00 - 8.40 = -48.40, a credit note
    result = totals([line("-2", "30", VAT21), line("1", "20", VAT21)], settings())
    assert result.line_nets == (D("-60.00"), D("20.00"))
    assert amounts(result) == {"VAT 21%": (D("-40.00"), D("-8.40"))}
    assert result.total == D("-48.40")
