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

_ROUNDING_NAMES = {"half_up": "round half up", "bankers": "banker's rounding", "truncate": "truncate"}


def _show(value) -> str:
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


def plate(account: dict, calculation: CalculationSettings) -> Message:
    """The configure-page message: ``info`` when all three agree, else one ``warning``."""
    differing = mismatches(account, calculation)
    if not differing:
        name = account.get("name") or f"account {account.get('id')}"
        return Message("info", OK_TEXT, (f"Connected to {name}; calculation settings match this app's.",))
    details = tuple(
        f"{api_facts.SETTINGS_LABELS[field]}: this app uses “{_show(host_value)}”, B2BRouter uses "
        f"“{_show(remote_value)}”. Change it in {api_facts.REMOTE_SETTINGS_PLACE}, or in "
        f"{api_facts.HOST_SETTINGS_PLACE}."
        for field, host_value, remote_value in differing
    )
    return Message("warning", MISMATCH_TEXT, details)
