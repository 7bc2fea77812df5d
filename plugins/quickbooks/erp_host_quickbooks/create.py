"""``create_remote_invoice``: an invoice becomes a QuickBooks Invoice, a credit note a CreditMemo.

Both go through the same checks (``checks.check``: customer, services, term
and tax must already exist) and the same payload; ``requestid`` (the host's
attempt ID) makes a retry return the first result. Before an invoice is
created, an existing QuickBooks invoice made from it is looked for
(``existing.py``): one made by this same attempt is linked, another is
offered for linking instead of creating a second one.
"""
from __future__ import annotations

import hashlib

from host import InvoiceData, Message, Result

from erp_host_quickbooks import credit_memos, existing
from erp_host_quickbooks.checks import check
from erp_host_quickbooks.client import TIMEOUT, QuickBooksClient
from erp_host_quickbooks.faults import QuickBooksError
from erp_host_quickbooks.invoices import payload, to_remote
from erp_host_quickbooks.lookups import Lookups

RETRY_SAFE = (
    "Try again: the retry reuses the same request ID, so QuickBooks returns the first invoice "
    "instead of creating a second one."
)
NEEDS = "QuickBooks needs these before the invoice can be created:"


def request_id(attempt_id: str) -> str:
    """QuickBooks accepts request IDs of at most 50 characters."""
    return attempt_id if len(attempt_id) <= 50 else hashlib.sha256(attempt_id.encode()).hexdigest()[:50]


def _lost(error: QuickBooksError) -> Result:
    if error.sent:  # timeout, 5xx, dropped connection: it may exist; past the read timeout the retry finds it
        return error.to_result(f"{error.text} It may have been created in QuickBooks. {RETRY_SAFE}",
                               sent=True, retry_after=TIMEOUT + 5)
    return error.to_result(sent=False)


def _existing(client, invoice: InvoiceData, plan, rid: str, home: str) -> Result | None:
    found = existing.find(client, invoice, plan.customer["Id"], plan.send_number)
    if found is None:
        return None
    remote = to_remote(found, client.endpoints, home)
    if existing.same_attempt(found, rid):
        return Result.success(f"QuickBooks had already created invoice {remote.number or remote.remote_id} on the "
                              "earlier attempt; it is now linked.", remote=remote)
    if existing.made_from(found, invoice.number):
        text = (f"QuickBooks already has invoice {remote.number or remote.remote_id} (ID {remote.remote_id}) made "
                f"from invoice {invoice.number}, e.g. before an unlink. Nothing was created: link it instead.")
    else:
        text = (f"QuickBooks already has an invoice numbered {invoice.number} (ID {remote.remote_id}), not made "
                "from this one. Nothing was created: link it if it is this invoice, or give this invoice another "
                "number.")
    return Result(ok=False, sent=False, remote=remote, messages=(Message("error", text),))


def create(invoice: InvoiceData, config: dict, context, attempt_id: str) -> Result:
    memo = invoice.is_credit_note
    local = credit_memos.positive(invoice) if memo else invoice
    client = QuickBooksClient(config, context)
    rid = request_id(attempt_id)
    try:
        lookups = Lookups(client)
        settings = lookups.settings()
        plan, problems = check(local, settings, lookups)
        if not problems and not memo:
            found = _existing(client, invoice, plan, rid, settings.home_currency)
            if found is not None:
                return found
    except QuickBooksError as error:
        return error.to_result(sent=False)
    if problems:
        return Result.blocked(problems, NEEDS.replace("invoice", "credit memo") if memo else NEEDS)
    body = payload(local, plan)
    try:
        if memo:
            data = client.create_credit_memo(credit_memos.memo_payload(body, invoice), rid)
        else:
            body["PrivateNote"] = existing.private_note(invoice.number, rid)
            data = client.create_invoice(body, rid)
    except QuickBooksError as error:
        return _lost(error)
    remote = to_remote(data, client.endpoints, settings.home_currency)
    if memo:
        remote = credit_memos.negative(remote, client.endpoints.web_app)
    kind = "credit memo" if memo else "invoice"
    return Result.success(f"QuickBooks {kind} {remote.number or remote.remote_id} created.", remote=remote,
                          messages=tuple(Message("info", text) for text in plan.warnings),
                          request_id=client.last_request_id)
