"""The pre-flight check of a host invoice against the connected QuickBooks company.

The product rule: an invoice is created only when its customer (display name
equal to the client's name), its services (items of the same name), its
payment term (a term of the same name) and its tax already exist in
QuickBooks. :func:`check` reports every problem at once, with what to do,
one named step per subject, in the order the user reads them.

Taxes follow the US model: each line is ``TAX`` or ``NON``; the invoice's
one sales tax is a QuickBooks tax code (rate or group) of the same name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from erp_host_quickbooks.lookups import CompanySettings, Lookups

MAX_DOC_NUMBER = 21


@dataclass
class Plan:
    """What the payload refers to, once everything was found."""

    customer: dict
    items: dict[str, dict]
    term: dict | None
    tax_code: dict | None
    tax_rates: list[tuple[str, Decimal]]  # the tax code's component rates
    send_number: bool
    send_currency: bool
    warnings: list[str] = field(default_factory=list)


def taxable(tax) -> bool:
    return tax.percent > 0


def _invoice_tax(invoice):
    """The distinct taxes with a rate above zero, in order of appearance."""
    taxes = {}
    for line in invoice.lines:
        for tax in line.taxes:
            if taxable(tax):
                taxes.setdefault((tax.name, tax.percent), tax)
    return list(taxes.values())


def check_company(settings: CompanySettings) -> list[str]:
    if settings.country and settings.country.upper() not in ("US", "USA"):
        return [
            f"The connected QuickBooks company “{settings.name}” is in {settings.country}. This integration "
            "supports US QuickBooks companies only (US sales tax model); connect a US company."
        ]
    return []


def check(invoice, settings: CompanySettings, lookups: Lookups) -> tuple[Plan | None, list[str]]:
    """The :class:`Plan` for ``invoice``, or ``None`` and every problem found."""
    problems = check_company(settings)
    currency = invoice.currency.upper()
    problems += _currency_problems(currency, settings)
    customer = _customer(invoice.client.name, currency, settings, lookups, problems)
    items = _items(invoice, lookups, problems)
    term = _term(invoice, lookups, problems)
    taxes = _invoice_tax(invoice)
    tax_code = _tax_code(invoice, taxes, settings, lookups, problems)
    problems += _charge_problems(invoice, currency)
    problems += _number_problems(invoice.number or "", settings)
    if problems:
        return None, problems
    return _plan(invoice, settings, lookups, customer, items, term, tax_code, taxes), []


def _currency_problems(currency: str, settings: CompanySettings) -> list[str]:
    if currency == settings.home_currency.upper() or settings.multicurrency:
        return []
    return [
        f"The invoice is in {currency} but the QuickBooks company's home currency is {settings.home_currency} "
        f"and multicurrency is off. Turn on multicurrency in QuickBooks (Settings → Account and settings → "
        f"Advanced → Currency) and add {currency}, or invoice in {settings.home_currency}."
    ]


def _customer(name: str, currency: str, settings: CompanySettings, lookups: Lookups, problems: list) -> dict | None:
    customer = lookups.customer(name)
    if customer is None:
        problems.append(
            f"No QuickBooks customer has the display name “{name}”. Create the customer in QuickBooks "
            "(Sales → Customers) with exactly this display name, or make the client's name here match it."
        )
    elif customer.get("Active") is False:
        problems.append(f"The QuickBooks customer “{name}” is inactive. Make it active in QuickBooks (Sales → Customers).")
    elif settings.multicurrency:
        customer_currency = (customer.get("CurrencyRef") or {}).get("value")
        if customer_currency and customer_currency.upper() != currency:
            problems.append(
                f"The QuickBooks customer “{name}” is billed in {customer_currency}, the invoice is in {currency}. "
                "A QuickBooks customer has one currency: invoice in that currency or use a customer in this one."
            )
    return customer


def _items(invoice, lookups: Lookups, problems: list) -> dict:
    """Every line needs a service, and every service an active QuickBooks product/service."""
    if not invoice.lines:
        problems.append("The invoice has no lines. Add at least one line with a service.")
    for number, line in enumerate(invoice.lines, start=1):
        if not line.service:
            problems.append(
                f"Line {number} (“{line.description[:40]}”) has no service. Every QuickBooks invoice line needs a "
                "product/service: choose a service for it."
            )
    services = [line.service for line in invoice.lines if line.service]
    items = lookups.items(services) if services else {}
    for service, item in items.items():
        if item is None:
            problems.append(
                f"The service “{service}” does not exist in QuickBooks. Create a product/service with exactly this "
                "name (Sales → Products and services)."
            )
        elif item.get("Active") is False:
            problems.append(f"The QuickBooks product/service “{service}” is inactive. Make it active in QuickBooks.")
        elif item.get("Type") == "Category":
            problems.append(
                f"“{service}” is a category in QuickBooks, not a product/service. Create a service of that name."
            )
    return items


def _term(invoice, lookups: Lookups, problems: list) -> dict | None:
    if invoice.payment_term is None:
        return None
    name = invoice.payment_term.name
    term = lookups.term(name)
    if term is None:
        problems.append(
            f"The payment term “{name}” does not exist in QuickBooks. Create it with exactly "
            "this name (Settings → All lists → Terms)."
        )
    elif term.get("Active") is False:
        problems.append(f"The QuickBooks term “{name}” is inactive. Make it active in QuickBooks.")
    return term


def _tax_code(invoice, taxes: list, settings: CompanySettings, lookups: Lookups, problems: list) -> dict | None:
    """The QuickBooks tax code of the invoice's one sales tax (``None`` without tax or on a problem)."""
    withholdings = {t.name for line in invoice.lines for t in line.taxes if t.percent < 0}
    for name in sorted(withholdings):
        problems.append(
            f"The withholding tax “{name}” has no QuickBooks counterpart: US sales tax has no withholding. "
            "Remove it from the invoice to create it in QuickBooks."
        )
    if taxes and not settings.using_sales_tax:
        problems.append(
            "The invoice has sales tax but sales tax is not set up in QuickBooks. Set up sales tax in QuickBooks "
            "(Taxes → Sales tax) and create the tax rates this invoice uses."
        )
    elif len(taxes) > 1:
        problems.append(
            "QuickBooks (US) applies one sales tax rate per invoice; this invoice uses "
            + ", ".join(f"“{t.name}” ({t.percent}%)" for t in taxes)
            + ". Use the same tax on every taxable line."
        )
    elif taxes:
        return _matching_tax_code(taxes[0], lookups, problems)
    return None


def _matching_tax_code(tax, lookups: Lookups, problems: list) -> dict | None:
    tax_code = lookups.tax_code(tax.name)
    if tax_code is None or tax_code.get("Id") in ("TAX", "NON"):
        problems.append(
            f"The tax “{tax.name}” ({tax.percent}%) has no QuickBooks counterpart. Create a sales tax rate named "
            f"exactly “{tax.name}” at {tax.percent}% in QuickBooks (Taxes → Sales tax → Add rate)."
        )
        return None
    if tax_code.get("Active") is False:
        problems.append(f"The QuickBooks tax “{tax.name}” is inactive. Make it active in QuickBooks.")
        return tax_code
    percent = lookups.tax_code_percent(tax_code)
    if percent != tax.percent:
        problems.append(
            f"The QuickBooks tax “{tax.name}” is {percent.normalize()}%, but the invoice uses "
            f"{tax.percent.normalize()}%. Make the rates agree."
        )
    return tax_code


def _charge_problems(invoice, currency: str) -> list[str]:
    """Untaxed line charges, invoice-level charges and credit notes have no QuickBooks invoice counterpart."""
    problems = [
        f"Line {number} (“{line.description[:40]}”) has an untaxed charge of {line.untaxed_charge} {currency}: a "
        "QuickBooks line is taxed or not as a whole. Add the charge as its own line without tax, or untick "
        "“Charge not taxed”."
        for number, line in enumerate(invoice.lines, start=1) if line.untaxed_charge
    ]
    problems += [
        f"The invoice charge “{charge.reason}” ({charge.amount} {currency}) has no QuickBooks counterpart: a "
        "QuickBooks invoice has no invoice-level charges. Add it as an invoice line with a service instead."
        for charge in invoice.allowance_charges if charge.kind == "charge"
    ]
    if invoice.is_credit_note:
        problems.append(
            f"The invoice total is negative ({invoice.total} {currency}): it is a credit note, and a QuickBooks "
            "invoice cannot be negative. Create a credit memo in QuickBooks instead."
        )
    return problems


def _number_problems(number: str, settings: CompanySettings) -> list[str]:
    if settings.custom_numbers and len(number) > MAX_DOC_NUMBER:
        return [
            f"The invoice number “{number}” is longer than QuickBooks' {MAX_DOC_NUMBER} characters. "
            "Use a shorter number series, or turn off custom transaction numbers in QuickBooks."
        ]
    return []


def _plan(invoice, settings: CompanySettings, lookups: Lookups, customer, items, term, tax_code, taxes) -> Plan:
    plan = Plan(
        customer=customer,
        items=dict(items),
        term=term,
        tax_code=tax_code,
        tax_rates=lookups.tax_code_rates(tax_code) if tax_code is not None else [],
        send_number=settings.custom_numbers and bool(invoice.number or ""),
        send_currency=settings.multicurrency,
    )
    if not settings.custom_numbers:
        plan.warnings.append(
            "Custom transaction numbers are off in QuickBooks, so QuickBooks numbered the invoice itself."
        )
    if taxes and settings.automated_sales_tax:
        plan.warnings.append(
            "QuickBooks automated sales tax is on: QuickBooks computed the tax from the customer's address."
        )
    return plan
