"""Changing an invoice that is already linked: what the edit form warns about,
and "Update in <Provider>" where the provider can take the changes."""
from __future__ import annotations

from dataclasses import replace

from host.api import Result
from host.extensions import db
from host.integrations import history, remote_check
from host.integrations.calls import call, call_secrets, provider_title
from host.integrations.invoices import _store_remote, available_provider, link_data, link_for
from host.integrations.settings import registry
from host.invoice_data import invoice_data
from host.models import Invoice, RemoteLink
from host.plugins import UnknownProvider


def linked_notes(invoice: Invoice) -> list[dict]:
    """One note per remote invoice this invoice is linked to (or being sent to):
    what it is and what to do after editing."""
    if invoice.id is None:
        return []
    notes = []
    links = db.session.execute(db.select(RemoteLink).where(
        RemoteLink.invoice_id == invoice.id, RemoteLink.status.in_(("linked", "pending")))).scalars()
    for link in links:
        try:
            provider = registry().get(link.provider)
        except UnknownProvider:
            continue
        title = provider_title(provider)
        if provider.implements("update_remote_invoice"):
            advice = (f"After saving, “Update in {title}” on the invoice page sends the changes, "
                      f"as long as {title} still accepts them.")
        else:
            advice = (f"{title} keeps its invoice as it is: to change it there, unlink it and create a new "
                      f"{title} invoice, or issue a credit note in {title}.")
        notes.append({"title": title, "number": link.remote_number or link.remote_id or "(being created)",
                      "state": link.remote_state or link.status, "advice": advice})
    return notes


def update_remote(invoice: Invoice, key: str, username: str | None) -> Result:
    """Send the invoice as it is now to its linked remote invoice."""
    provider = available_provider(key, "update_remote_invoice")
    link = link_for(invoice, key)
    if link is None or link.status != "linked":
        return Result.failure("This invoice is not linked.", sent=False)
    local = invoice_data(invoice)
    result = call(provider, "update_remote_invoice", username, invoice=local, link=link_data(link))
    if result.ok and result.remote is not None:
        _store_remote(link, result.remote)
        warning = remote_check.warning(result.remote, local, provider_title(provider))
        if warning:
            result = replace(result, messages=result.messages + (warning,))
    history.record_result(key, "update", result, call_secrets(key), invoice_id=invoice.id, username=username)
    db.session.commit()
    return result
