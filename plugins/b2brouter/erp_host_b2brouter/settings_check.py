"""The calculation settings check: the blue or the orange plate.

B2BRouter computes invoice totals itself, with three settings of the issuing
account. When they differ from the host company's, the two systems can
disagree by a cent on the same invoice, so the admin is told which setting
differs, both values, and where each can be changed.
"""
from __future__ import annotations

from host import CalculationSettings, Message

from erp_host_b2brouter import api_facts

OK_TEXT = "B2BRouter is set up correctly"
MISMATCH_TEXT = ("B2BRouter calculates invoices differently from this app, so totals may differ by a cent. "
                 "Make these settings equal:")

UNKNOWN_TEXT = ("B2BRouter uses a calculation setting this app cannot interpret, so it cannot tell whether "
                "totals will agree:")

_ROUNDING_NAMES = {"half_up": "round half up", "bankers": "banker's rounding", "truncate": "truncate"}


def show(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "not set"
    return _ROUNDING_NAMES.get(value, str(value))


def mismatches(account: dict, calculation: CalculationSettings) -> list[tuple[str, object, object]]:
    """``(field, host value, B2BRouter value)`` for each setting that differs."""
    found = []
    for field in api_facts.CALCULATION_FIELDS:
        host_value = getattr(calculation, field)
        remote_value = account.get(field)
        if host_value != remote_value:
            found.append((field, host_value, remote_value))
    return found


def unknown_meanings(account: dict) -> list[str]:
    """The account's calculation settings whose value this plugin cannot interpret (see api_facts)."""
    found = []
    if account.get("rounding_method") not in api_facts.ROUNDING_METHODS:
        found.append(f"{api_facts.SETTINGS_LABELS['rounding_method']} is “{show(account.get('rounding_method'))}”, "
                     f"a value whose meaning is not documented (known: {', '.join(api_facts.ROUNDING_METHODS)}).")
    for field in ("round_before_sum", "apply_taxes_per_line"):
        if not isinstance(account.get(field), bool):
            found.append(f"{api_facts.SETTINGS_LABELS[field]} is “{show(account.get(field))}”, not on or off.")
    return found


def remote_calculation(account: dict) -> CalculationSettings:
    """The account's settings as the host's type (only when :func:`unknown_meanings` is empty)."""
    return CalculationSettings(account["rounding_method"], account["round_before_sum"], account["apply_taxes_per_line"])


def describe(calculation: CalculationSettings) -> str:
    """How B2BRouter computes with these settings, in words (api_facts.CALCULATION_RULE)."""
    per_line = calculation.round_before_sum or calculation.apply_taxes_per_line
    return (f"{_ROUNDING_NAMES[calculation.rounding_method]}, "
            + ("each line's tax rounded, then summed" if per_line else "rounded once per rate"))


def plate(account: dict, calculation: CalculationSettings) -> Message:
    """The configure-page message: ``info`` when all three agree and each has a known meaning, else one ``warning``."""
    unknown = unknown_meanings(account)
    if unknown:
        return Message("warning", UNKNOWN_TEXT, tuple(unknown) + (
            f"Choose a documented value in {api_facts.REMOTE_SETTINGS_PLACE}.",))
    differing = mismatches(account, calculation)
    if not differing:
        name = account.get("name") or f"account {account.get('id')}"
        return Message("info", OK_TEXT, (f"Connected to {name}; calculation settings match this app's.",))
    details = tuple(
        f"{api_facts.SETTINGS_LABELS[field]}: this app uses “{show(host_value)}”, B2BRouter uses "
        f"“{show(remote_value)}”. Change it in {api_facts.REMOTE_SETTINGS_PLACE}, or in "
        f"{api_facts.HOST_SETTINGS_PLACE}."
        for field, host_value, remote_value in differing
    )
    return Message("warning", MISMATCH_TEXT, details)
