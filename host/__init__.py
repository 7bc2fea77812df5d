"""erp-host: a small ERP with provider plugins.

Plugins import their whole API from here: ``hookimpl``, the types of
``host.api``, ``HttpError`` (``host.http_errors``), ``http_session``
(one HTTP session per provider configuration), the configure-form pieces
``EnvironmentSchema``, ``environment_field`` and ``custom_url_field``
(``host.config_fields``, imported on first use) and ``recalculate`` (an invoice's totals under other settings). Nothing else in this package is part of the plugin contract.
"""
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
from host.http_errors import HttpError
from host.http_sessions import http_session
from host.recalc import recalculate

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


_CONFIG_FIELDS = ("EnvironmentSchema", "custom_url_field", "environment_field")


def __getattr__(name: str):
    """The configure-form pieces, imported on first use: ``import host`` stays free of marshmallow."""
    if name in _CONFIG_FIELDS:
        from host import config_fields

        return getattr(config_fields, name)
    raise AttributeError(f"module 'host' has no attribute {name!r}")
