"""Invoice totals the way B2BRouter is documented to compute them (haltr's rules).

Written from the reference (``b2brouter-api.md`` §6) on its own, not shared
with the host, so the end-to-end tests see the differences a user would:

- each line net (quantity × price / base quantity, less line allowances,
  plus line charges, percentages of the line amount) is rounded first;
- each invoice-level allowance or charge is rounded on its own
  (percentages of the sum of line nets ``GS``);
- the taxable base of a rate is ``N − round(N × A / GS) + round(N × C / GS)``
  (``N``: nets of the lines with that rate, ``A``: allowances, ``C``: charges
  with ``apply_taxes``; a charge without it is in no base);
- ``round_before_sum`` on ("round the VAT of each line, then sum") or
  ``apply_taxes_per_line`` on (taxes computed and rounded per line): each
  line's own base (its net less its rounded share) is taxed and rounded, then
  summed per rate; both off: the rate's base is taxed and rounded once;
- ``rounding_method``: ``half_up``, ``bankers`` or ``truncate``.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

ROUNDING = {"half_up": ROUND_HALF_UP, "bankers": ROUND_HALF_EVEN, "truncate": ROUND_DOWN}
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def _sign(entry: dict) -> int:
    return 1 if entry.get("allowance_charge_indicator") == "charge" else -1


def _value(entry: dict, of: Decimal) -> Decimal:
    if entry.get("percentage") is not None:
        return Decimal(str(entry["percentage"])) * of / HUNDRED
    return Decimal(str(entry.get("amount") or 0))


def compute(lines: list[dict], allowances: list[dict], settings: dict) -> dict:
    """Totals of one invoice. ``lines`` are the validated ``invoice_lines_attributes``.

    Returns line nets, ``subtotal``, ``allowance_total`` (invoice-level change,
    negative for a discount), ``taxes`` (per rate: base and amount) and ``total``.
    """
    method = ROUNDING[settings["rounding_method"]]
    per_line = bool(settings["round_before_sum"] or settings["apply_taxes_per_line"])

    def rnd(value: Decimal) -> Decimal:
        return value.quantize(CENT, rounding=method)

    nets = []
    for line in lines:
        gross = Decimal(str(line["quantity"])) * Decimal(str(line["price"])) / Decimal(str(line.get("base_quantity") or 1))
        change = sum((_sign(e) * _value(e, gross) for e in line.get("allowance_charges_attributes") or ()), ZERO)
        nets.append(rnd(gross + change))
    subtotal = sum(nets, ZERO)

    document_allowances = ZERO
    taxed_charges = ZERO
    change = ZERO
    for entry in allowances or ():
        amount = rnd(_value(entry, subtotal))
        change += _sign(entry) * amount
        if _sign(entry) < 0:
            document_allowances += amount
        elif entry.get("apply_taxes", True):
            taxed_charges += amount

    def base_of(net: Decimal) -> Decimal:
        if not subtotal:
            return net
        return net - rnd(net * document_allowances / subtotal) + rnd(net * taxed_charges / subtotal)

    nets_per_rate: dict[tuple, Decimal] = {}
    line_taxes: dict[tuple, Decimal] = {}
    for line, net in zip(lines, nets):
        for tax in line.get("taxes_attributes") or ():
            key = (tax.get("name"), tax.get("category"), Decimal(str(tax["percent"])))
            nets_per_rate[key] = nets_per_rate.get(key, ZERO) + net
            line_taxes[key] = line_taxes.get(key, ZERO) + rnd(base_of(net) * key[2] / HUNDRED)
    taxes = []
    for key, rate_nets in nets_per_rate.items():
        base = base_of(rate_nets)
        amount = line_taxes[key] if per_line else rnd(base * key[2] / HUNDRED)
        taxes.append({"name": key[0], "category": key[1], "percent": key[2], "base": base, "amount": amount})
    total = subtotal + change + sum((t["amount"] for t in taxes), ZERO)
    return {"nets": nets, "subtotal": subtotal, "allowance_total": change, "taxes": taxes, "total": total}
