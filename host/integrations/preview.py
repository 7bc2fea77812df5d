"""Before a remote invoice is created: the provider's predicted totals against ours, to the cent.

Any difference in the total or in a tax line blocks the push with both
figures and the provider's advice, so nothing is sent that the remote would
total differently. A provider that cannot predict (``Result`` with
``ok=False``) blocks the push too, with its own reasons.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from host.api import InvoiceData, RemoteTaxLine, RemoteTotals, Result
from host.integrations.calls import call, provider_title
from host.plugins import Provider


def differences(invoice: InvoiceData, remote: RemoteTotals, title: str) -> list[str]:
    """Every figure ``remote`` has that differs from ``invoice``'s, in words."""
    cur = invoice.currency
    if remote.currency.upper() != cur.upper():
        return [f"{title} would keep this invoice in {remote.currency}; this invoice is in {cur}."]
    found = []
    ours = {t.tax: t for t in invoice.tax_totals}
    theirs: dict = {}
    for line in remote.tax_lines:
        theirs.setdefault(line.tax, []).append(line)
    for tax, total in ours.items():
        lines = theirs.pop(tax, [])
        amount = sum((line.amount for line in lines), Decimal(0))
        how = "; ".join(line.detail for line in lines if line.detail)
        if not lines and total.amount == 0:
            continue  # e.g. an exempt rate: no tax line is no tax
        if not lines:
            found.append(f"{title} would compute no tax line for {tax.name}; this invoice says {total.amount} {cur}.")
        elif amount != total.amount:
            found.append(f"{title} would compute tax {amount} on {tax.name}{', ' + how if how else ''}; "
                         f"this invoice says {total.amount}.")
        elif all(line.base is not None for line in lines) and len(lines) == 1 and lines[0].base != total.base:
            found.append(f"{title} would tax a base of {lines[0].base} for {tax.name}; this invoice says {total.base}.")
    for lines in theirs.values():
        for line in lines:
            found.append(f"{title} would add a tax line {_label(line)} of {line.amount} {cur} that this invoice "
                         "does not have.")
    if remote.tax_exclusive_total is not None and remote.tax_exclusive_total != invoice.tax_exclusive_total:
        found.append(f"{title} would compute a total without taxes of {remote.tax_exclusive_total} {cur}; "
                     f"this invoice says {invoice.tax_exclusive_total} {cur}.")
    if remote.total != invoice.total:
        found.append(f"{title} would compute a total of {remote.total} {cur}; this invoice says {invoice.total} {cur}.")
    return found


def _label(line: RemoteTaxLine) -> str:
    return f"“{line.name}” ({line.percent.normalize()} %)"


def blocking_result(provider: Provider, invoice: InvoiceData, username: str | None) -> Result | None:
    """``None`` when the provider will compute exactly our totals; else the ``Result`` that stops the create."""
    if not provider.implements("preview_remote_totals"):
        return None
    title = provider_title(provider)
    answer = call(provider, "preview_remote_totals", username, invoice=invoice)
    if isinstance(answer, Result):  # no prediction: nothing may be sent
        if answer.ok:
            return Result.failure(f"The {title} integration answered the totals preview without a prediction.",
                                  sent=False)
        return replace(answer, sent=False)
    found = differences(invoice, answer, title)
    if not found:
        return None
    return Result.blocked(
        found + [f"What to change: {advice}" for advice in answer.advice],
        f"Not sent: {title} would calculate this invoice differently from this app.",
    )
