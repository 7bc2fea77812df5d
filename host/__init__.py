"""erp-host: a small ERP with provider plugins.

Plugins import their whole API from here: ``hookimpl``, the types of
``host.api``, ``HttpError`` (``host.http_errors``), ``http_session``
(one HTTP session per provider configuration), the configure-form pieces
``EnvironmentSchema``, ``environment_field`` and ``custom_url_field``
(``host.config_fields``) and ``recalculate`` (an invoice's totals under other settings). Nothing else in this package is part of the plugin contract.

All but the types and ``hookimpl`` are imported on first use, so that loading
a plugin (``erp-host plugins``, every start) costs only what it uses.
"""
import importlib

from host.api import (
    MAX_SLEEP,
    Action,
    AllowanceCharge,
    BankAccountData,
    CreditedInvoice,
    PaymentMeansData,
    CalculationSettings,
    ClientData,
    CompanyData,
    InvoiceAction,
    InvoiceData,
    LineData,
    LinkData,
    Message,
    PaymentTermData,
    ProviderContext,
    ProviderInfo,
    RemoteDocument,
    RemoteInvoice,
    RemotePage,
    RemoteSearch,
    RemoteState,
    RemoteTaxLine,
    RemoteTotals,
    Result,
    SecretStore,
    TaxData,
    TaxTotal,
    Throttled,
    WEBHOOK_EVENT_RETENTION,
    WebhookResponse,
)
from host.hookspecs import hookimpl

__all__ = [
    "MAX_SLEEP",
    "WEBHOOK_EVENT_RETENTION",
    "Action",
    "EnvironmentSchema",
    "AllowanceCharge",
    "BankAccountData",
    "CreditedInvoice",
    "PaymentMeansData",
    "CalculationSettings",
    "ClientData",
    "CompanyData",
    "InvoiceAction",
    "InvoiceData",
    "LineData",
    "LinkData",
    "Message",
    "PaymentTermData",
    "ProviderContext",
    "ProviderInfo",
    "RemoteDocument",
    "RemoteInvoice",
    "RemotePage",
    "RemoteSearch",
    "RemoteState",
    "RemoteTaxLine",
    "RemoteTotals",
    "Result",
    "SecretStore",
    "TaxData",
    "TaxTotal",
    "HttpError",
    "Throttled",
    "WebhookResponse",
    "create_app",
    "custom_url_field",
    "environment_field",
    "hookimpl",
    "http_session",
    "recalculate",
]


def create_app(test_config=None):
    """Build the Flask application (imported lazily so plugins stay light)."""
    from host.app import create_app as build

    return build(test_config)


#: The exports imported on first use, and their modules.
_LAZY = {
    "EnvironmentSchema": "host.config_fields",  # marshmallow
    "custom_url_field": "host.config_fields",
    "environment_field": "host.config_fields",
    "HttpError": "host.http_errors",
    "http_session": "host.http_sessions",
    "recalculate": "host.recalc",  # the money module
}


def __getattr__(name: str):
    """The exports of ``_LAZY``, imported on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'host' has no attribute {name!r}")
