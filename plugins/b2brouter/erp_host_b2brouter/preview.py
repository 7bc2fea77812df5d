"""``preview_remote_totals``: what B2BRouter will compute for an invoice, before it is sent.

B2BRouter computes every total itself with the account's three calculation
settings (api_facts.CALCULATION_RULE). The prediction is the host's rule with
the account's settings, read afresh; the advice names each setting that differs.
"""
from __future__ import annotations

from dataclasses import replace

from host import InvoiceData, ProviderContext, RemoteTotals, Result, recalculate

from erp_host_b2brouter import api_facts, invoices, settings_check
from erp_host_b2brouter.client import Client
from erp_host_b2brouter.config import Settings
from erp_host_b2brouter.errors import ApiError


def predict(invoice: InvoiceData, settings: Settings, context: ProviderContext, client: Client) -> RemoteTotals | Result:
    problems = invoices.problems(invoice)
    if problems:
        return Result.blocked(problems)
    try:
        account = client.get_account(settings.account_id)
    except ApiError as error:
        return error.to_result("Could not read the B2BRouter account's calculation settings to check the totals.")
    unknown = settings_check.unknown_meanings(account)
    if unknown:
        return Result.blocked(unknown + [f"Choose a documented value in {api_facts.REMOTE_SETTINGS_PLACE}."],
                              settings_check.UNKNOWN_TEXT)
    remote = settings_check.remote_calculation(account)
    predicted = recalculate(invoice, remote)
    advice = tuple(
        f"make {api_facts.SETTINGS_LABELS[field]} equal: this app uses “{settings_check.show(ours)}”, B2BRouter "
        f"“{settings_check.show(theirs)}” ({api_facts.REMOTE_SETTINGS_PLACE}, or {api_facts.HOST_SETTINGS_PLACE})."
        for field, ours, theirs in settings_check.mismatches(account, context.company.calculation)
    )
    how = settings_check.describe(remote)
    return replace(predicted, advice=advice, tax_lines=tuple(replace(t, detail=how) for t in predicted.tax_lines))
