"""Host invoice → QuickBooks invoice: the pre-flight check, the payload, and back.

The product rule: an invoice is created only when its customer (display name
equal to the client's name), its services (items of the same name), its
payment term (a term of the same name) and its tax already exist in
QuickBooks. ``check`` reports every problem at once, with what to do.

Taxes follow the US model: each line is ``TAX`` or ``NON``; the invoice's
one sales tax is a QuickBooks tax code (rate or group) of the same name,
sent as ``TxnTaxDetail.TxnTaxCodeRef``; QuickBooks computes the amount.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from host import RemoteInvoice, RemoteTaxLine

from erp_host_quickbooks.lookups import CompanySettings, Lookups

MAX_DOC_NUMBER = 21
CENT = Decimal("0.01")


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


def _taxable(tax) -> bool:
    return tax.percent > 0


def _invoice_tax(invoice):
    """The distinct taxes with a rate above zero, in order of appearance."""
    taxes = {}
    for line in invoice.lines:
        for tax in line.taxes:
            if _taxable(tax):
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
    problems = check_company(settings)

    # currency
    currency = invoice.currency.upper()
    if currency != settings.home_currency.upper() and not settings.multicurrency:
        problems.append(
            f"The invoice is in {currency} but the QuickBooks company's home currency is {settings.home_currency} "
            f"and multicurrency is off. Turn on multicurrency in QuickBooks (Settings → Account and settings → "
            f"Advanced → Currency) and add {currency}, or invoice in {settings.home_currency}."
        )

    # customer
    name = invoice.client.name
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

    # services
    if not invoice.lines:
        problems.append("The invoice has no lines. Add at least one line with a service.")
    services = [line.service for line in invoice.lines if line.service]
    for number, line in enumerate(invoice.lines, start=1):
        if not line.service:
            problems.append(
                f"Line {number} (“{line.description[:40]}”) has no service. Every QuickBooks invoice line needs a "
                "product/service: choose a service for it."
            )
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

    # payment term
    term = None
    if invoice.payment_term is not None:
        term = lookups.term(invoice.payment_term.name)
        if term is None:
            problems.append(
                f"The payment term “{invoice.payment_term.name}” does not exist in QuickBooks. Create it with exactly "
                "this name (Settings → All lists → Terms)."
            )
        elif term.get("Active") is False:
            problems.append(f"The QuickBooks term “{invoice.payment_term.name}” is inactive. Make it active in QuickBooks.")

    # taxes
    tax_code = None
    taxes = _invoice_tax(invoice)
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
        tax = taxes[0]
        tax_code = lookups.tax_code(tax.name)
        if tax_code is None or tax_code.get("Id") in ("TAX", "NON"):
            tax_code = None
            problems.append(
                f"The tax “{tax.name}” ({tax.percent}%) has no QuickBooks counterpart. Create a sales tax rate named "
                f"exactly “{tax.name}” at {tax.percent}% in QuickBooks (Taxes → Sales tax → Add rate)."
            )
        elif tax_code.get("Active") is False:
            problems.append(f"The QuickBooks tax “{tax.name}” is inactive. Make it active in QuickBooks.")
        else:
            percent = lookups.tax_code_percent(tax_code)
            if percent != tax.percent:
                problems.append(
                    f"The QuickBooks tax “{tax.name}” is {percent.normalize()}%, but the invoice uses "
                    f"{tax.percent.normalize()}%. Make the rates agree."
                )

    # untaxed line charges, invoice-level charges and credit notes
    for number, line in ((n, l) for n, l in enumerate(invoice.lines, start=1) if l.untaxed_charge):
        problems.append(
            f"Line {number} (“{line.description[:40]}”) has an untaxed charge of {line.untaxed_charge} {currency}: a "
            "QuickBooks line is taxed or not as a whole. Add the charge as its own line without tax, or untick "
            "“Charge not taxed”.")
    for charge in (a for a in invoice.allowance_charges if a.kind == "charge"):
        problems.append(
            f"The invoice charge “{charge.reason}” ({charge.amount} {currency}) has no QuickBooks counterpart: a "
            "QuickBooks invoice has no invoice-level charges. Add it as an invoice line with a service instead."
        )
    if invoice.is_credit_note:
        problems.append(
            f"The invoice total is negative ({invoice.total} {currency}): it is a credit note, and a QuickBooks "
            "invoice cannot be negative. Create a credit memo in QuickBooks instead."
        )

    # number
    number = invoice.number or ""
    if settings.custom_numbers and len(number) > MAX_DOC_NUMBER:
        problems.append(
            f"The invoice number “{number}” is longer than QuickBooks' {MAX_DOC_NUMBER} characters. "
            "Use a shorter number series, or turn off custom transaction numbers in QuickBooks."
        )

    if problems:
        return None, problems
    plan = Plan(
        customer=customer,
        items=dict(items),
        term=term,
        tax_code=tax_code,
        tax_rates=lookups.tax_code_rates(tax_code) if tax_code is not None else [],
        send_number=settings.custom_numbers and bool(number),
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
    return plan, []


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _line(line, item: dict) -> dict:
    taxable = any(_taxable(t) for t in line.taxes)
    detail = {
        "ItemRef": {"value": item["Id"], "name": item.get("Name")},
        "Qty": line.quantity,
        "TaxCodeRef": {"value": "TAX" if taxable else "NON"},
    }
    amount = _quantize(line.net)
    if line.quantity and line.quantity * line.unit_price == amount:
        detail["UnitPrice"] = line.unit_price
    elif line.quantity:
        # A line discount has no QuickBooks field: the unit price carries it (10.5 digits allowed).
        detail["UnitPrice"] = (amount / line.quantity).quantize(Decimal("0.00001"))
    result = {"DetailType": "SalesItemLineDetail", "Amount": amount, "SalesItemLineDetail": detail}
    if line.description:
        result["Description"] = line.description[:4000]
    return result


def discount_line(invoice) -> dict | None:
    """QuickBooks takes one discount per invoice: a single percent allowance as a percent, else their total."""
    allowances = [a for a in invoice.allowance_charges if a.kind == "allowance"]
    if not allowances:
        return None
    if len(allowances) == 1 and allowances[0].percent is not None:
        detail = {"PercentBased": True, "DiscountPercent": allowances[0].percent}
    else:
        detail = {"PercentBased": False}
    return {"DetailType": "DiscountLineDetail", "Amount": _quantize(invoice.allowance_total),
            "Description": "; ".join(a.reason for a in allowances)[:4000], "DiscountLineDetail": detail}


def payload(invoice, plan: Plan) -> dict:
    body = {
        "CustomerRef": {"value": plan.customer["Id"], "name": plan.customer.get("DisplayName")},
        "TxnDate": invoice.issue_date.isoformat(),
        "DueDate": invoice.due_date.isoformat(),
        "Line": [_line(line, plan.items[line.service]) for line in invoice.lines],
        "PrivateNote": f"From erp-host invoice {invoice.number}"[:4000],
    }
    discount = discount_line(invoice)
    if discount:
        body["Line"].append(discount)
        body["ApplyTaxAfterDiscount"] = True
    if plan.send_number:
        body["DocNumber"] = invoice.number
    if plan.term is not None:
        body["SalesTermRef"] = {"value": plan.term["Id"]}
    if plan.send_currency:
        body["CurrencyRef"] = {"value": invoice.currency.upper()}
    if plan.tax_code is not None:
        body["TxnTaxDetail"] = {"TxnTaxCodeRef": {"value": plan.tax_code["Id"]}}
    if invoice.notes:
        body["CustomerMemo"] = {"value": invoice.notes[:1000]}
    if invoice.client.email:
        body["BillEmail"] = {"Address": invoice.client.email}
    return body


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def to_remote(data: dict, endpoints, home_currency: str | None = None) -> RemoteInvoice:
    total = _decimal(data.get("TotalAmt"))
    balance = _decimal(data.get("Balance"))
    voided = (data.get("PrivateNote") or "").startswith("Voided")
    if voided:
        state, detail = "voided", "Voided in QuickBooks"
    elif balance is not None and balance == 0:
        state, detail = "paid", None
    else:
        state = "open"
        detail = f"Partly paid: {balance} of {total} due" if balance is not None and total and balance < total else None
    issue = data.get("TxnDate")
    return RemoteInvoice(
        remote_id=str(data["Id"]),
        number=data.get("DocNumber"),
        url=endpoints.invoice_page(data["Id"]),
        state=state,
        total=total,
        currency=(data.get("CurrencyRef") or {}).get("value") or home_currency,
        issue_date=date.fromisoformat(issue) if issue else None,
        contact_name=(data.get("CustomerRef") or {}).get("name"),
        balance=balance,
        state_detail=detail,
        final=state in ("paid", "voided"),
        tax_lines=_tax_lines(data),
    )


def _tax_lines(data: dict) -> tuple[RemoteTaxLine, ...]:
    """One line per component rate, as QuickBooks returns them in ``TxnTaxDetail.TaxLine``."""
    found = []
    for line in (data.get("TxnTaxDetail") or {}).get("TaxLine") or []:
        detail = line.get("TaxLineDetail") or {}
        ref = detail.get("TaxRateRef") or {}
        found.append(RemoteTaxLine(name=str(ref.get("name") or ref.get("value") or "tax"),
                                   percent=_decimal(detail.get("TaxPercent")) or Decimal(0),
                                   amount=_decimal(line.get("Amount")) or Decimal(0),
                                   base=_decimal(detail.get("NetAmountTaxable"))))
    return tuple(found)
