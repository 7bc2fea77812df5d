"""The QuickBooks hooks' bodies, imported at the first hook call (see
``erp_host_quickbooks``): loading the plugin imports none of the client modules."""
from __future__ import annotations

import dataclasses

from host import Message, RemotePage, Result, WebhookResponse

from erp_host_quickbooks import changes, connection, create, credit_memos, oauth, preview, tokens, webhooks
from erp_host_quickbooks.checks import check, check_company
from erp_host_quickbooks.client import QuickBooksClient
from erp_host_quickbooks.faults import QuickBooksError
from erp_host_quickbooks.invoices import to_remote
from erp_host_quickbooks.lookups import CACHE, Lookups
from erp_host_quickbooks.query import select

CONNECT_FIRST = "Connect to QuickBooks first: Integrations → QuickBooks → “Connect to QuickBooks”."


def _connected(context) -> bool:
    return bool(tokens.realm_id(context) and tokens.load(context))


LOCAL_CHECK = ("The client ID and secret were checked here only (format); QuickBooks verifies them when you "
               "connect, and the company is then read with the new token.")


def validate_config(config, context):
    problems = oauth.credential_problems(config, context.callback_url)
    if problems:
        return Result.failure(problems[0], *problems[1:], sent=False)
    if not _connected(context):
        return Result(ok=True, messages=(Message("info", "The settings look right. Connect to QuickBooks to finish.",
                                                 (LOCAL_CHECK,)),))
    return _company_report(config, context)


def _company_report(config, context) -> Result:
    """Read the connected company afresh and say what matters for invoices."""
    client = QuickBooksClient(config, context)
    CACHE.forget(client.realm_id)
    try:
        settings = Lookups(client).settings()
    except QuickBooksError as error:
        if error.kind == "reconnect":
            return Result(ok=True, messages=(Message("warning", tokens.RECONNECT + ": the authorization has expired or was revoked."),))
        return error.to_result(sent=False)
    problems = check_company(settings)
    if problems:
        return Result.failure(problems[0], request_id=client.last_request_id, sent=False)
    details = [
        f"Home currency: {settings.home_currency}; multicurrency {'on' if settings.multicurrency else 'off'}.",
        "Custom transaction numbers are on: the host's invoice number is sent as the QuickBooks number."
        if settings.custom_numbers
        else "Custom transaction numbers are off: QuickBooks numbers the invoices itself.",
        f"Sales tax {'is set up' if settings.using_sales_tax else 'is not set up'}"
        + (" (automated sales tax)." if settings.automated_sales_tax else "."),
    ]
    return Result(
        ok=True,
        messages=(Message("success", f"Connected to the QuickBooks company “{settings.name}” ({settings.country}).", tuple(details)),),
        request_id=client.last_request_id,
    )


def enable(config, context):
    return connection.enable(config, context)


def run_action(name, params, config, context):
    if name == "connect":
        return connection.start(config, context)
    if name == "disconnect":
        return connection.disconnect(config, context)
    return Result.failure(f"Unknown action “{name}”.", sent=False)


def handle_callback(params, config, context):
    result = connection.finish(params, config, context)
    if not result.ok:
        return result
    report = _company_report(config, context)
    return Result(ok=True, messages=result.messages + report.messages, request_id=report.request_id)


def create_remote_invoice(invoice, config, context, attempt_id):
    if not _connected(context):
        return Result.blocked([CONNECT_FIRST])
    return create.create(invoice, config, context, attempt_id)


def preview_remote_totals(invoice, config, context):
    if not _connected(context):
        return Result.blocked([CONNECT_FIRST])
    client = QuickBooksClient(config, context)
    try:
        lookups = Lookups(client)
        plan, problems = check(credit_memos.positive(invoice) if invoice.is_credit_note else invoice,
                               lookups.settings(), lookups)
    except QuickBooksError as error:
        return error.to_result(sent=False)
    if problems:
        return Result.blocked(problems, "QuickBooks needs these before the invoice can be created:")
    if not invoice.is_credit_note:
        return preview.predict(invoice, plan)
    mirrored = preview.predict(credit_memos.positive(invoice), plan)  # the credit memo, negated as the host keeps it
    return dataclasses.replace(mirrored, total=-mirrored.total, tax_exclusive_total=-mirrored.tax_exclusive_total,
                               tax_lines=tuple(dataclasses.replace(t, amount=-t.amount, base=-t.base if t.base is not None else None)
                                               for t in mirrored.tax_lines))


def list_remote_invoices(invoice, search, page, per_page, config, context):
    def empty(text):
        return RemotePage(items=(), page=page, per_page=per_page, total=0, messages=(Message("error", text),))

    if not _connected(context):
        return empty(CONNECT_FIRST)
    client = QuickBooksClient(config, context)
    try:
        lookups = Lookups(client)
        customer = lookups.customer(invoice.client.name)
        if customer is None:
            return empty(f"No QuickBooks customer has the display name “{invoice.client.name}”.")
        where = [("CustomerRef", "=", customer["Id"])]
        if search.text.strip():  # LIKE takes only %: any part of the number
            where.append(("DocNumber", "LIKE", f"%{search.text.strip()}%"))
        if search.date_from:
            where.append(("TxnDate", ">=", search.date_from.isoformat()))
        if search.date_to:
            where.append(("TxnDate", "<=", search.date_to.isoformat()))
        total = client.query(select("Invoice", where, count=True)).get("totalCount", 0)
        rows = client.query(
            select("Invoice", where, order_by="TxnDate DESC", start=(page - 1) * per_page + 1, max_results=per_page)
        ).get("Invoice", [])
        home = lookups.settings().home_currency
    except QuickBooksError as error:
        text, _ = error.message()
        return empty(text)
    return RemotePage(
        items=tuple(to_remote(row, client.endpoints, home) for row in rows),
        page=page,
        per_page=per_page,
        total=int(total),
        search_note="any part of the number",
        scope=f"invoices of the QuickBooks customer “{customer.get('DisplayName') or invoice.client.name}” "
        "(this invoice's client)",
    )


def _read_invoice(client, remote_id) -> dict:
    return client.read("Invoice", str(remote_id))


def _not_found(error: QuickBooksError) -> bool:
    return error.kind == "fault" and ("610" in error.codes or "2500" in error.codes)


def link(invoice, remote_id, config, context):
    if not _connected(context):
        return Result.failure(CONNECT_FIRST, sent=False)
    client = QuickBooksClient(config, context)
    try:
        lookups = Lookups(client)
        customer = lookups.customer(invoice.client.name)
        data = _read_invoice(client, remote_id)
        home = lookups.settings().home_currency
    except QuickBooksError as error:
        if _not_found(error):
            return Result.failure(f"QuickBooks has no invoice with ID {remote_id}.", request_id=error.request_id, sent=False)
        return error.to_result(sent=False)
    if customer is None:
        return Result.failure(f"No QuickBooks customer has the display name “{invoice.client.name}”.", sent=False)
    owner = data.get("CustomerRef") or {}
    if owner.get("value") != customer["Id"]:
        return Result.failure(
            f"QuickBooks invoice {data.get('DocNumber') or remote_id} belongs to “{owner.get('name') or owner.get('value')}”, "
            f"not to “{invoice.client.name}”.",
            sent=False,
        )
    try:
        remote = changes.remote_for(client, "Invoice", data, home)  # with what was paid already
    except QuickBooksError as error:
        return error.to_result(sent=False)
    messages = []
    if remote.number and remote.number != invoice.number:
        messages.append(Message("warning", f"The QuickBooks number is {remote.number}; this invoice is {invoice.number}."))
    return Result.success(f"Linked to QuickBooks invoice {remote.number or remote.remote_id}.", remote=remote,
                          messages=tuple(messages), request_id=client.last_request_id)


def remote_status(invoice, link, config, context):
    if not _connected(context):
        return Result.failure(CONNECT_FIRST, sent=False)
    client = QuickBooksClient(config, context)
    entity = "CreditMemo" if credit_memos.is_credit_memo_id(link.remote_id) else "Invoice"
    try:
        data = client.read(entity, credit_memos.entity_id(link.remote_id))
        remote = changes.remote_for(client, entity, data, Lookups(client).settings().home_currency)
    except QuickBooksError as error:
        if _not_found(error):
            return Result.failure(
                f"The QuickBooks {'credit memo' if entity == 'CreditMemo' else 'invoice'} "
                f"{link.number or link.remote_id} no longer exists (deleted in QuickBooks?).",
                request_id=error.request_id, error_detail=error.body, sent=False,
            )
        return error.to_result(sent=False)
    return Result.success(remote=remote, request_id=client.last_request_id)


def unlink(invoice, link, config, context):
    """QuickBooks keeps its invoice: unlinking only forgets the link in the host."""
    return Result.success("The QuickBooks invoice stays in QuickBooks. Pushing this invoice again offers to link "
                          "it back instead of creating a second one.")


def handle_webhook(headers, body, config, context):
    return webhooks.handle(headers, body, config.get("webhook_verifier_token"), tokens.realm_id(context))


def _home(client) -> str:
    return Lookups(client).settings().home_currency


def process_webhook(work, config, context):
    if not _connected(context):
        return Result.failure(CONNECT_FIRST, sent=False)
    client = QuickBooksClient(config, context)
    try:
        found = changes.read_changes(client, [tuple(pair) for pair in (work or {}).get("entities", [])], _home(client))
    except QuickBooksError as error:
        return error.to_result(sent=False)
    return WebhookResponse(200, updates=tuple(found))


def catch_up(since, config, context):
    if not _connected(context):
        return WebhookResponse(200, message="Not connected: nothing to catch up on.")
    client = QuickBooksClient(config, context)
    try:
        found = changes.catch_up(client, since, _home(client))
    except QuickBooksError as error:
        return error.to_result(sent=False)
    return WebhookResponse(200, updates=tuple(found))
