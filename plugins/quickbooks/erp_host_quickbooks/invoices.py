"""Host invoice → QuickBooks invoice payload, and a QuickBooks invoice back.

The pre-flight check that decides what the payload refers to is in
:mod:`erp_host_quickbooks.checks`. QuickBooks computes the sales tax
amount from ``TxnTaxDetail.TxnTaxCodeRef``.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from host import RemoteInvoice, RemoteTaxLine

from erp_host_quickbooks.checks import Plan, taxable

CENT = Decimal("0.01")


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def discount_text(line) -> str:
    """The list price and the line's discounts and charges, in words: "3 × 33.33, less 5 %"."""
    parts = []
    for sign, percent, amount in (("less", line.discount_percent, line.discount_amount),
                                  ("plus", line.charge_percent, line.charge_amount)):
        if percent:
            parts.append(f"{sign} {_plain(percent)} %")
        if amount:
            parts.append(f"{sign} {_plain(amount)}")
    return f"{_plain(line.quantity)} × {_plain(line.unit_price)}, " + ", ".join(parts)


def _line(line, item: dict) -> dict:
    """A sales line. QuickBooks has no line discount and wants Amount = Qty × UnitPrice, so a
    discounted (or charged) line goes as its net amount alone, with the list price and the
    discount in its description; never as an odd unit price (see README.md)."""
    is_taxable = any(taxable(t) for t in line.taxes)
    detail = {
        "ItemRef": {"value": item["Id"], "name": item.get("Name")},
        "TaxCodeRef": {"value": "TAX" if is_taxable else "NON"},
    }
    amount = _quantize(line.net)
    description = line.description or ""
    if line.quantity * line.unit_price == amount:
        detail["Qty"] = line.quantity
        detail["UnitPrice"] = line.unit_price
    else:
        description = f"{description} ({discount_text(line)})".strip()
    result = {"DetailType": "SalesItemLineDetail", "Amount": amount, "SalesItemLineDetail": detail}
    if description:
        result["Description"] = description[:4000]
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
