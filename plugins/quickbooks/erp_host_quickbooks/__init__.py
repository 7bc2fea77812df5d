"""QuickBooks Online provider for erp-host (hook implementations).

Connect a QuickBooks company with OAuth 2.0, check that what an invoice
needs already exists there, create invoices, link existing ones, refresh
and unlink. See README.md.

This module declares the hooks; their bodies live in :mod:`erp_host_quickbooks.hooks`,
imported at the first call, so loading the plugin (``erp-host plugins``, every
app start) imports neither ``requests`` nor the QuickBooks modules.
"""
from __future__ import annotations

from host import Action, ProviderInfo, hookimpl


@hookimpl
def provider_info():
    return ProviderInfo(
        title="QuickBooks Online",
        description="Create QuickBooks Online invoices from client invoices, or link existing ones. "
        "The customer, services, payment term and tax must already exist in QuickBooks.",
        config_schema="erp_host_quickbooks.config:QuickBooksConfigSchema",  # marshmallow: imported when used
        actions=(
            Action("connect", "Connect to QuickBooks", "primary", when="not connected"),
            Action("connect", "Reconnect to QuickBooks", when="connected"),
            Action("disconnect", "Disconnect", "danger", when="connected"),
        ),
        homepage="https://quickbooks.intuit.com/",
        connected_state="realm_id",
    )


def _hooks():
    """The hook bodies (imported at the first call)."""
    from erp_host_quickbooks import hooks

    return hooks


@hookimpl
def validate_config(config, context):
    return _hooks().validate_config(config, context)


@hookimpl
def enable(config, context):
    return _hooks().enable(config, context)


@hookimpl
def run_action(name, params, config, context):
    return _hooks().run_action(name, params, config, context)


@hookimpl
def handle_callback(params, config, context):
    return _hooks().handle_callback(params, config, context)


@hookimpl
def create_remote_invoice(invoice, config, context, attempt_id):
    return _hooks().create_remote_invoice(invoice, config, context, attempt_id)


@hookimpl
def preview_remote_totals(invoice, config, context):
    return _hooks().preview_remote_totals(invoice, config, context)


@hookimpl
def list_remote_invoices(invoice, search, page, per_page, config, context):
    return _hooks().list_remote_invoices(invoice, search, page, per_page, config, context)


@hookimpl
def link(invoice, remote_id, config, context):
    return _hooks().link(invoice, remote_id, config, context)


@hookimpl
def remote_status(invoice, link, config, context):
    return _hooks().remote_status(invoice, link, config, context)


@hookimpl
def unlink(invoice, link, config, context):
    return _hooks().unlink(invoice, link, config, context)


@hookimpl
def handle_webhook(headers, body, config, context):
    return _hooks().handle_webhook(headers, body, config, context)


@hookimpl
def process_webhook(work, config, context):
    return _hooks().process_webhook(work, config, context)


@hookimpl
def catch_up(since, config, context):
    return _hooks().catch_up(since, config, context)
