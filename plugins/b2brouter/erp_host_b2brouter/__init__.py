"""B2BRouter e-invoicing provider for erp-host.

The hook implementations live here and stay thin: each loads the settings,
builds a client and hands over to the module that does the work.

Only what ``provider_info`` needs is imported when the plugin loads: each
hook imports the modules it hands over to (and so the HTTP client) at its
first call, so that listing the plugins stays fast.

There is no "re-check" action of our own: the host's configure page has a
"Check again" button for every provider with ``validate_config``, and it
keeps the resulting plate.
"""
from __future__ import annotations

from host import Message, ProviderInfo, RemoteDocument, RemotePage, Result, WebhookResponse, hookimpl

from erp_host_b2brouter import api_facts, sending


@hookimpl
def provider_info():
    return ProviderInfo(
        title="B2BRouter",
        description="Send invoices as e-invoices through B2BRouter (Peppol, FACe, email...), link existing ones "
                    "and follow their state.",
        config_schema="erp_host_b2brouter.config:ConfigSchema",  # marshmallow: imported when used
        homepage="https://www.b2brouter.net",
        invoice_actions=(sending.SEND,),
        remote_states=sending.REMOTE_STATES,
    )


def _settings(config):
    """The loaded settings (:class:`erp_host_b2brouter.config.Settings`)."""
    from erp_host_b2brouter.config import Settings

    return Settings.from_config(config)


@hookimpl
def validate_config(config, context):
    from erp_host_b2brouter import account_check

    settings = _settings(config)
    return account_check.check(settings, context, settings.client(context))


@hookimpl
def enable(config, context):
    from erp_host_b2brouter import enabling

    settings = _settings(config)
    return enabling.enable(settings, context, settings.client(context))


@hookimpl
def create_remote_invoice(invoice, config, context, attempt_id):
    from erp_host_b2brouter import push

    settings = _settings(config)
    return push.create(invoice, settings, context, attempt_id, settings.client(context))


@hookimpl
def preview_remote_totals(invoice, config, context):
    from erp_host_b2brouter import preview

    settings = _settings(config)
    return preview.predict(invoice, settings, context, settings.client(context))


@hookimpl
def list_remote_invoices(invoice, search, page, per_page, config, context):
    from erp_host_b2brouter import invoices
    from erp_host_b2brouter.errors import ApiError

    settings = _settings(config)
    per_page = max(1, min(per_page, api_facts.MAX_LIMIT))
    try:
        found = settings.client(context).list_invoices(
            settings.account_id, offset=(page - 1) * per_page, limit=per_page,
            number=(search.text or "").strip() or None, date_from=search.date_from, date_to=search.date_to,
        )
    except ApiError as error:
        return RemotePage((), page, per_page, total=None, messages=(Message("error", error.message),))
    items = tuple(invoices.remote_invoice(data, settings.invoice_url(data["id"])) for data in found.items)
    text = (search.text or "").strip()
    messages = () if items or not text else (Message(
        "info", f"No B2BRouter invoice is numbered exactly “{text}”. B2BRouter's API finds whole numbers "
        "only: type the full number, or clear the search and browse by date."),)
    return RemotePage(items, page, per_page, total=found.total, messages=messages,
                      search_note="the whole number only (B2BRouter cannot search by part of a number)",
                      scope=f"issued invoices of the B2BRouter account {settings.account_id}")


def _read(settings, remote_id, context):
    """The remote invoice ``remote_id`` of the configured account, or a failure Result."""
    from erp_host_b2brouter.errors import ApiError

    remote_id = str(remote_id or "").strip()
    if not remote_id.isdigit():
        return None, Result.failure(f"“{remote_id}” is not a B2BRouter invoice ID (a number).", sent=False)
    try:
        data = settings.client(context).get_invoice(remote_id)
    except ApiError as error:
        if error.kind == "not_found":
            return None, error.to_result(f"B2BRouter has no invoice {remote_id} that this API key can see.")
        return None, error.to_result()
    account = data.get("account") if isinstance(data.get("account"), dict) else {}
    if account.get("id") is not None and str(account["id"]) != str(settings.account_id):
        return None, Result.failure(f"B2BRouter invoice {remote_id} belongs to another account "
                                    f"({account.get('name') or account['id']}), not {settings.account_id}.")
    if data.get("type") and data["type"] != api_facts.INVOICE_TYPE:
        return None, Result.failure(f"B2BRouter invoice {remote_id} is a {data['type']}, not an issued invoice.")
    return data, None


@hookimpl
def link(invoice, remote_id, config, context):
    from erp_host_b2brouter import invoices

    settings = _settings(config)
    data, problem = _read(settings, remote_id, context)
    if problem:
        return problem
    remote = invoices.remote_invoice(data, settings.invoice_url(data["id"]))
    messages = (Message("success", f"Linked to B2BRouter invoice {remote.number} (ID {remote.remote_id})."),)
    differences = invoices.differences(invoice, data, None)
    if differences:
        messages += (Message("warning", "The B2BRouter invoice does not match this one:", tuple(differences)),)
    return Result(ok=True, remote=remote, messages=messages)


@hookimpl
def remote_status(invoice, link, config, context):
    from erp_host_b2brouter import invoices

    settings = _settings(config)
    data, problem = _read(settings, link.remote_id, context)
    if problem:
        return problem
    remote = invoices.remote_invoice(data, settings.invoice_url(data["id"]))
    label = api_facts.STATE_LABELS.get(remote.state or "", remote.state or "unknown")
    if remote.state in ("error", "refused"):
        return Result(ok=True, remote=remote, messages=(
            Message("warning", f"B2BRouter state: {label}.", (remote.state_detail,) if remote.state_detail else ()),))
    return Result.success(f"B2BRouter state: {label}.", remote=remote)


@hookimpl
def update_remote_invoice(invoice, link, config, context):
    from erp_host_b2brouter import update

    return update.update(invoice, link.remote_id, _settings(config), context)


@hookimpl
def remote_document(invoice, link, config, context):
    from erp_host_b2brouter.errors import ApiError

    settings = _settings(config)
    try:
        content, content_type = settings.client(context).get_document(link.remote_id)
    except ApiError as error:
        if error.kind == "not_found":
            return error.to_result(f"B2BRouter has no PDF for invoice {link.remote_id} yet. "
                                   "It is made when the invoice is issued; try again in a minute.")
        return error.to_result()
    return RemoteDocument(filename=f"{link.number or link.remote_id}.pdf", content_type=content_type, content=content)


@hookimpl
def unlink(invoice, link, config, context):
    return Result.success("Unlinked. The invoice in B2BRouter is unchanged.")


@hookimpl
def handle_webhook(headers, body, config, context):
    from erp_host_b2brouter import webhook

    settings = _settings(config)
    return webhook.handle(headers, body, settings.webhook_secret, url_for=settings.invoice_url)


@hookimpl
def process_webhook(work, config, context):
    """A verified ``paid`` event: read the invoice for its total and paid date
    (the event carries neither) [credit-send-payment §5: trust the read state]."""
    from erp_host_b2brouter import invoices

    settings = _settings(config)
    data, problem = _read(settings, (work or {}).get("invoice_id"), context)
    if problem:
        return problem
    return WebhookResponse(200, updates=(invoices.remote_invoice(data, settings.invoice_url(data["id"])),))


@hookimpl
def run_invoice_action(name, invoice, link, config, context):
    if name != sending.SEND.name:
        return Result.failure(f"B2BRouter has no action “{name}”.", sent=False)
    from erp_host_b2brouter import invoices

    settings = _settings(config)

    def read_back():
        data, problem = _read(settings, link.remote_id, context)
        return problem or invoices.remote_invoice(data, settings.invoice_url(data["id"]))

    return sending.send(settings.client(context), link.remote_id, read_back)
