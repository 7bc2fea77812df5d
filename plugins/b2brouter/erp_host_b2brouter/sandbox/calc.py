"""Invoice totals the way the sandbox's B2BRouter computes them.

B2BRouter's exact formulas are not public (reference §6). The sandbox uses
the reading documented there, which is also how erp-host computes:

- each line net (quantity × price / base quantity, less line allowances,
  plus line charges) is rounded to cents first;
- invoice-level allowances/charges change every line's taxable base by the
  same proportion;
- ``round_before_sum`` on: each line's tax is rounded, then summed per rate;
  off: the base of each rate is summed and rounded, then taxed once;
- ``rounding_method``: ``half_up``, ``bankers`` or ``truncate``.

``apply_taxes_per_line`` does not change the sandbox's totals: invoices sent
through the API always carry taxes on each line, so there is no invoice-level
tax list for it to choose. It is stored and reported like the other two.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

ROUNDING = {"half_up": ROUND_HALF_UP, "bankers": ROUND_HALF_EVEN, "truncate": ROUND_DOWN}
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def _adjustment(entries, amount: Decimal) -> Decimal:
    """The net change ``allowance_charges_attributes`` make to ``amount`` (allowances negative)."""
    change = ZERO
    for entry in entries or ():
        value = Decimal(str(entry["percentage"])) * amount / HUNDRED if entry.get("percentage") is not None \
            else Decimal(str(entry.get("amount") or 0))
        change += value if entry.get("allowance_charge_indicator") == "charge" else -value
    return change


def compute(lines: list[dict], allowances: list[dict], settings: dict) -> dict:
    """Totals of one invoice. ``lines`` are the validated ``invoice_lines_attributes``.

    Returns line nets, ``subtotal``, ``allowance_total`` (invoice-level change,
    negative for a discount), ``taxes`` (per rate: base and amount) and ``total``.
    """
    method = ROUNDING[settings["rounding_method"]]

    def rnd(value: Decimal) -> Decimal:
        return value.quantize(CENT, rounding=method)

    nets = []
    for line in lines:
        gross = Decimal(str(line["quantity"])) * Decimal(str(line["price"])) / Decimal(str(line.get("base_quantity") or 1))
        nets.append(rnd(gross + _adjustment(line.get("allowance_charges_attributes"), gross)))
    subtotal = sum(nets, ZERO)
    change = rnd(_adjustment(allowances, subtotal))
    keep = (subtotal + _adjustment(allowances, subtotal)) / subtotal if subtotal else Decimal(1)

    bases: dict[tuple, Decimal] = {}
    line_taxes: dict[tuple, Decimal] = {}
    for line, net in zip(lines, nets):
        base = net * keep
        for tax in line.get("taxes_attributes") or ():
            key = (tax.get("name"), tax.get("category"), Decimal(str(tax["percent"])))
            bases[key] = bases.get(key, ZERO) + base
            line_taxes[key] = line_taxes.get(key, ZERO) + rnd(base * key[2] / HUNDRED)
    taxes = []
    for key, base in bases.items():
        rounded_base = rnd(base)
        amount = line_taxes[key] if settings["round_before_sum"] else rnd(rounded_base * key[2] / HUNDRED)
        taxes.append({"name": key[0], "category": key[1], "percent": key[2], "base": rounded_base, "amount": amount})
    total = subtotal + change + sum((t["amount"] for t in taxes), ZERO)
    return {"nets": nets, "subtotal": subtotal, "allowance_total": change, "taxes": taxes, "total": total}
