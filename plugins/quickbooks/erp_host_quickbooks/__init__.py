"""QuickBooks Online provider for erp-host (hook implementations).

Connect a QuickBooks company with OAuth 2.0, check that what an invoice
needs already exists there, create invoices, link existing ones, refresh
and unlink. See README.md.
"""
from __future__ import annotations

import hashlib

from host import Action, Message, ProviderInfo, RemotePage, Result, hookimpl

from erp_host_quickbooks import connection, oauth, preview, tokens
from erp_host_quickbooks.checks import check, check_company
from erp_host_quickbooks.client import TIMEOUT, QuickBooksClient
from erp_host_quickbooks.config import QuickBooksConfigSchema
from erp_host_quickbooks.endpoints import for_config
from erp_host_quickbooks.faults import QuickBooksError
from erp_host_quickbooks.invoices import payload, to_remote
from erp_host_quickbooks.lookups import CACHE, Lookups
from erp_host_quickbooks.query import select

RETRY_SAFE = (
    "Try again: the retry reuses the same request ID, so QuickBooks returns the first invoice "
    "instead of creating a second one."
)
CONNECT_FIRST = "Connect to QuickBooks first: Integrations → QuickBooks → “Connect to QuickBooks”."


@hookimpl
def provider_info():
    return ProviderInfo(
        title="QuickBooks Online",
        description="Create QuickBooks Online invoices from client invoices, or link existing ones. "
        "The customer, services, payment term and tax must already exist in QuickBooks.",
        config_schema=QuickBooksConfigSchema,
        actions=(
            Action("connect", "Connect to QuickBooks", "primary"),
            Action("disconnect", "Disconnect", "danger"),
        ),
        homepage="https://quickbooks.intuit.com/",
    )


def _connected(context) -> bool:
    return bool(tokens.realm_id(context) and tokens.load(context))


@hookimpl
def validate_config(config, context):
    try:
        oauth.check_client(config, for_config(config))
    except oauth.OAuthFailure as failure:
        if failure.error == "invalid_client":
            return Result.failure(
                "QuickBooks rejected the client ID or secret. Copy them again from your app's "
                "Keys & credentials page (use the keys of the chosen environment).",
                request_id=failure.request_id, error_detail=failure.body, sent=False,
            )
        return Result.failure(
            "Could not check the credentials with QuickBooks.", failure.description[:200],
            request_id=failure.request_id, error_detail=failure.body, sent=False,
        )
    if not _connected(context):
        return Result(ok=True, messages=(Message("info", "Credentials accepted. Connect to QuickBooks to finish."),))
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


@hookimpl
def run_action(name, params, config, context):
    if name == "connect":
        return connection.start(config, context)
    if name == "disconnect":
        return connection.disconnect(config, context)
    return Result.failure(f"Unknown action “{name}”.", sent=False)


@hookimpl
def handle_callback(params, config, context):
    result = connection.finish(params, config, context)
    if not result.ok:
        return result
    report = _company_report(config, context)
    return Result(ok=True, messages=result.messages + report.messages, request_id=report.request_id)


def _request_id(attempt_id: str) -> str:
    """QuickBooks accepts request IDs of at most 50 characters."""
    return attempt_id if len(attempt_id) <= 50 else hashlib.sha256(attempt_id.encode()).hexdigest()[:50]


@hookimpl
def create_remote_invoice(invoice, config, context, attempt_id):
    if not _connected(context):
        return Result.blocked([CONNECT_FIRST])
    client = QuickBooksClient(config, context)
    try:
        lookups = Lookups(client)
        settings = lookups.settings()
        plan, problems = check(invoice, settings, lookups)
    except QuickBooksError as error:
        return error.to_result(sent=False)
    if problems:
        return Result.blocked(problems, "QuickBooks needs these before the invoice can be created:")
    try:
        created = client.create_invoice(payload(invoice, plan), _request_id(attempt_id))
    except QuickBooksError as error:
        if error.sent:  # timeout, 5xx, dropped connection: the invoice may exist
            # past the read timeout the first request has landed: the retry finds it
            return error.to_result(f"{error.text} The invoice may have been created in QuickBooks. {RETRY_SAFE}",
                                   sent=True, retry_after=TIMEOUT + 5)
        return error.to_result(sent=False)
    remote = to_remote(created, client.endpoints, settings.home_currency)
    return Result.success(
        f"QuickBooks invoice {remote.number or remote.remote_id} created.",
        remote=remote,
        messages=tuple(Message("info", text) for text in plan.warnings),
        request_id=client.last_request_id,
    )


@hookimpl
def preview_remote_totals(invoice, config, context):
    if not _connected(context):
        return Result.blocked([CONNECT_FIRST])
    client = QuickBooksClient(config, context)
    try:
        lookups = Lookups(client)
        plan, problems = check(invoice, lookups.settings(), lookups)
    except QuickBooksError as error:
        return error.to_result(sent=False)
    if problems:
        return Result.blocked(problems, "QuickBooks needs these before the invoice can be created:")
    return preview.predict(invoice, plan)


@hookimpl
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
        if search.text.strip():
            where.append(("DocNumber", "=", search.text.strip()))
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
    )


def _read_invoice(client, remote_id) -> dict:
    return client.read("Invoice", str(remote_id))


def _not_found(error: QuickBooksError) -> bool:
    return error.kind == "fault" and ("610" in error.codes or "2500" in error.codes)


@hookimpl
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
    remote = to_remote(data, client.endpoints, home)
    messages = []
    if remote.number and remote.number != invoice.number:
        messages.append(Message("warning", f"The QuickBooks number is {remote.number}; this invoice is {invoice.number}."))
    return Result.success(f"Linked to QuickBooks invoice {remote.number or remote.remote_id}.", remote=remote,
                          messages=tuple(messages), request_id=client.last_request_id)


@hookimpl
def remote_status(invoice, link, config, context):
    if not _connected(context):
        return Result.failure(CONNECT_FIRST, sent=False)
    client = QuickBooksClient(config, context)
    try:
        data = _read_invoice(client, link.remote_id)
        home = Lookups(client).settings().home_currency
    except QuickBooksError as error:
        if _not_found(error):
            return Result.failure(
                f"The QuickBooks invoice {link.number or link.remote_id} no longer exists (deleted in QuickBooks?).",
                request_id=error.request_id, error_detail=error.body, sent=False,
            )
        return error.to_result(sent=False)
    remote = to_remote(data, client.endpoints, home)
    return Result.success(remote=remote, request_id=client.last_request_id)


@hookimpl
def unlink(invoice, link, config, context):
    """QuickBooks keeps its invoice: unlinking only forgets the link in the host."""
    return Result(ok=True)
