"""erp-host: a small ERP with provider plugins.

Plugins import their whole API from here: ``hookimpl``, the types of
``host.api``, ``HttpError`` (``host.http_errors``) and ``recalculate`` (an invoice's totals under other settings). Nothing else in this package is part of the plugin contract.
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
from host.recalc import recalculate

__all__ = [
    "MAX_SLEEP",
    "WEBHOOK_EVENT_RETENTION",
    "Action",
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
    "hookimpl",
    "recalculate",
]


def create_app(test_config=None):
    """Build the Flask application (imported lazily so plugins stay light)."""
    from host.app import create_app as build

    return build(test_config)
