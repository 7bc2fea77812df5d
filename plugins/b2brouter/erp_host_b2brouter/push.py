"""Creating a B2BRouter invoice without ever creating it twice.

B2BRouter has no idempotency key, so every create is preceded by a lookup of
the invoice number. Before the POST, the attempt (``attempt_id`` → number)
is recorded in the provider state; if the answer is lost (timeout, 5xx,
unreadable body) the invoice is looked up again at once, and on a retry with
the same ``attempt_id`` an invoice found under that number is recognised as
ours and linked instead of being created again. After a lost answer the
invoice is not looked up at once (B2BRouter may still be processing the
POST): the failure asks the host to retry after the client's read timeout,
when the lookup finds whatever the POST made. An invoice with the number
that no attempt of ours made is never linked silently: the user is offered
to link it. An attempt is forgotten when B2BRouter refused it, or after
``KEEP_ATTEMPTS_DAYS`` (the host retries an attempt only while its link is
pending or failed, so old ones are never asked about again).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from host import InvoiceData, Message, ProviderContext, Result

from erp_host_b2brouter import contacts, invoices
from erp_host_b2brouter.client import Client
from erp_host_b2brouter.config import Settings
from erp_host_b2brouter.errors import ApiError

ATTEMPT_PREFIX = "attempt:"
KEEP_ATTEMPTS_DAYS = 30


def _attempt_number(context: ProviderContext, attempt_id: str) -> str | None:
    entry = context.state.get(ATTEMPT_PREFIX + attempt_id)
    return entry.get("number") if isinstance(entry, dict) else None


def _remember(context: ProviderContext, attempt_id: str, number: str) -> None:
    """Saved before the POST, so a retry after a crash or a lost answer still knows it.

    One state key per attempt: the host merges keys, so attempts saved by
    concurrent calls never overwrite each other. Old attempts are dropped here.
    """
    now = datetime.now(timezone.utc)
    cutoff = (now - timedelta(days=KEEP_ATTEMPTS_DAYS)).isoformat()
    for key, entry in list(context.state.items()):
        if key.startswith(ATTEMPT_PREFIX) and isinstance(entry, dict) and entry.get("at", "") < cutoff:
            del context.state[key]
    context.state[ATTEMPT_PREFIX + attempt_id] = {"number": number, "at": now.isoformat()}
    context.save_state()


def _forget(context: ProviderContext, attempt_id: str) -> None:
    if context.state.pop(ATTEMPT_PREFIX + attempt_id, None) is not None:
        context.save_state()


def _linked(invoice: InvoiceData, data: dict, settings: Settings, text: str) -> Result:
    differences = invoices.differences(invoice, data, invoice.client.code)
    messages = (Message("success", text),)
    if differences:
        messages += (Message("warning", "The B2BRouter invoice does not match this one:", tuple(differences)),)
    return Result(ok=True, remote=invoices.remote_invoice(data, settings.invoice_url(data["id"])), messages=messages)


def _landed_meanwhile(client: Client, settings: Settings, number: str) -> dict | None:
    """After a refusal: the invoice this attempt numbered, if it exists now (only ever asked for a
    number remembered for this attempt, so it is ours)."""
    try:
        return client.find_invoice_by_number(settings.account_id, number)
    except ApiError:
        return None


def _contact_id(client: Client, settings: Settings, invoice: InvoiceData, context: ProviderContext):
    return contacts.contact_id(client, settings.account_id, invoice.client, invoices.contact_payload(invoice.client),
                               context)


def create(invoice: InvoiceData, settings: Settings, context: ProviderContext, attempt_id: str,
           client: Client) -> Result:
    found = invoices.problems(invoice)
    if found:
        return Result.blocked(found)
    number = invoice.number
    try:
        existing = client.find_invoice_by_number(settings.account_id, number)
    except ApiError as error:
        return error.to_result(f"Could not check whether B2BRouter already has invoice {number}.", sent=False)
    if existing is not None:
        if _attempt_number(context, attempt_id) == number:
            return _linked(invoice, existing, settings, f"B2BRouter had already created invoice {number} "
                           f"(ID {existing['id']}) on the earlier attempt; it is now linked.")
        return Result(
            ok=False, sent=False,
            remote=invoices.remote_invoice(existing, settings.invoice_url(existing["id"])),
            messages=(Message("error", f"Invoice {number} already exists in B2BRouter (ID {existing['id']}). "
                              "Nothing was created: link this invoice to it instead.",
                              tuple(invoices.differences(invoice, existing, invoice.client.code))),),
        )
    try:
        contact_id = _contact_id(client, settings, invoice, context)
    except ApiError as error:
        return error.to_result(f"Could not find or create {invoice.client.name} as a B2BRouter contact.", sent=False)

    _remember(context, attempt_id, number)
    try:
        created = client.create_invoice(settings.account_id, invoices.invoice_payload(invoice, contact_id),
                                        settings.send_after_import)
    except ApiError as error:
        if error.rejected:
            landed = _landed_meanwhile(client, settings, number)
            if landed is not None:  # an interrupted earlier try of this attempt landed after our look-up
                return _linked(invoice, landed, settings, f"B2BRouter had already created invoice {number} "
                               f"(ID {landed['id']}) on the earlier attempt; it is now linked.")
            _forget(context, attempt_id)
            contacts.forget(context, invoice.client.code)  # a contact deleted there is looked up afresh next time
            return error.to_result(f"B2BRouter refused invoice {number}.", sent=False)
        wait = client.read_timeout() + 5
        return error.to_result(f"B2BRouter may have created invoice {number}: {error.message} It is looked up "
                       f"again in {wait:g} seconds and linked if it exists, never created twice.",
                       sent=True, retry_after=wait)
    after = ("It is queued for sending to the customer." if settings.send_after_import
             else "It stays New until you send it: “Send via B2BRouter” below.")
    return _linked(invoice, created, settings, f"Invoice {number} created in B2BRouter (ID {created['id']}). {after}")
