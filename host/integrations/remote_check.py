"""After a push, link or refresh: the remote invoice's totals against ours, in words.

The warning names the amounts and currencies, and its advice follows the
cause: a different currency or another customer's invoice is said as such;
only figures that differ on the same invoice point at the calculation settings.
"""
from __future__ import annotations

from decimal import Decimal

from host.api import InvoiceData, Message, RemoteInvoice


def _by_percent(pairs) -> dict[Decimal, Decimal]:
    found: dict[Decimal, Decimal] = {}
    for percent, amount in pairs:
        found[percent] = found.get(percent, Decimal(0)) + amount
    return found


def tax_differences(remote: RemoteInvoice, invoice: InvoiceData) -> list[str]:
    """Tax lines that differ, matched by rate; when the rates do not line up (a tax group), the sums."""
    if not remote.tax_lines:
        return []
    cur = invoice.currency
    ours = _by_percent((t.tax.percent, t.amount) for t in invoice.tax_totals if t.amount)
    theirs = _by_percent((t.percent, t.amount) for t in remote.tax_lines if t.amount)
    if set(ours) == set(theirs):
        return [f"Tax at {p.normalize()} %: {theirs[p]} {cur} there, {ours[p]} {cur} here."
                for p in sorted(ours) if ours[p] != theirs[p]]
    remote_tax, local_tax = sum(theirs.values(), Decimal(0)), sum(ours.values(), Decimal(0))
    if remote_tax == local_tax:
        return []
    listed = ", ".join(f"{p.normalize()} %: {a}" for p, a in sorted(theirs.items()))
    return [f"Tax: {remote_tax} {cur} there ({listed}), {local_tax} {cur} here."]


def warning(remote: RemoteInvoice, invoice: InvoiceData, title: str) -> Message | None:
    """``None`` when the remote total and tax lines equal ours, else one warning saying how and why."""
    if remote.total is None:
        return None
    local_cur = invoice.currency.upper()
    remote_cur = (remote.currency or invoice.currency).upper()
    if remote_cur != local_cur:
        return Message("warning", f"The {title} invoice is in {remote_cur} ({remote.total} {remote_cur}); this "
                       f"invoice is in {local_cur} ({invoice.total} {local_cur}).",
                       ("The totals cannot be compared: check that the right invoice is linked, or invoice in the same "
                        "currency on both sides.",))
    taxes = tax_differences(remote, invoice)
    if Decimal(remote.total) == invoice.total and not taxes:
        return None
    text = f"The {title} total {remote.total} {remote_cur} differs from this invoice's total {invoice.total} {local_cur}." \
        if Decimal(remote.total) != invoice.total else f"The {title} taxes differ from this invoice's."
    customer = (remote.contact_name or "").strip()
    if customer and customer.lower() != invoice.client.name.strip().lower():
        return Message("warning", text, (f"The {title} invoice is for {customer}, not {invoice.client.name}: check that "
                                         "the right invoice is linked.",))
    return Message("warning", text, tuple(taxes) + (
        "Check the calculation settings (Settings → Company and the provider's) and the invoice lines on both sides.",))


def mismatches(remote: RemoteInvoice, client_name: str, currency: str) -> list[str]:
    """Why linking ``remote`` needs confirming: another customer or another currency (empty when neither)."""
    found = []
    customer = (remote.contact_name or "").strip()
    if customer and customer.casefold() != client_name.strip().casefold():
        found.append(f"another customer ({customer}, not {client_name})")
    if remote.currency and remote.currency.upper() != currency.upper():
        found.append(f"another currency ({remote.currency.upper()}, this invoice {currency.upper()})")
    return found
