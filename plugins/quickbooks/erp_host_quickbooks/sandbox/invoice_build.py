"""How the sandbox turns a create body into a QuickBooks invoice.

The checks answer the Faults the real API answers, in its order: the
customer, the lines, the currency, each line, the discount, the sales tax,
the term, the number. Then QuickBooks' own totals: subtotal, discount, tax
per component rate (after the discount when ``ApplyTaxAfterDiscount``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from erp_host_quickbooks.sandbox.faults import Fault, now_iso

CENT = Decimal("0.01")
VALIDATION = "A business validation error has occurred while processing your request"
MISSING = "Required param missing, need to supply the required value for the API"
MAX_DOC_NUMBER = 21


def _d(value) -> Decimal:
    return Decimal(str(value))


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ref(entities: dict, entity: str, reference, element: str) -> dict:
    """The active row ``reference`` (``{"value": id}``) points at, or the Fault QuickBooks answers."""
    ref_id = str((reference or {}).get("value", ""))
    row = entities[entity].get(ref_id)
    if row is None:
        raise Fault(400, "2500", "Invalid Reference Id",
                    f"Invalid Reference Id : {entity} assigned to this transaction has been deleted or does not exist.",
                    element=element)
    if row.get("Active") is False:
        raise Fault(400, "610", "Object Not Found",
                    "Object Not Found : Something you're trying to use has been made inactive. "
                    "Check the fields with accounts, customers, items, vendors or employees.", element=element)
    return row


@dataclass
class Lines:
    """The invoice's lines as QuickBooks stores them, and the sums the tax needs."""

    out: list = field(default_factory=list)
    subtotal: Decimal = Decimal(0)
    taxable: Decimal = Decimal(0)
    discount_line: dict | None = None
    discount: Decimal = Decimal(0)


def build_invoice(store, body: dict, allow_duplicate_number: bool) -> dict:
    """The stored invoice for ``body`` (not yet saved), or the :class:`Fault` QuickBooks answers."""
    customer = ref(store.entities, "Customer", body.get("CustomerRef"), "CustomerRef")
    if not body.get("Line"):
        raise Fault(400, "2020", MISSING, "Required parameter Line is missing in the request", element="Line")
    currency = _currency(store.preferences, body, customer)
    lines = _lines(store.entities, body["Line"])
    _apply_discount(lines)
    lines.out.append({"Amount": lines.subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}})
    tax_detail = _tax_detail(store, body, lines)
    term = ref(store.entities, "Term", body["SalesTermRef"], "SalesTermRef") if body.get("SalesTermRef") else None
    txn_date, due_date = _dates(body, term)
    doc_number = next_doc_number(store, body, allow_duplicate_number)
    total = lines.subtotal - lines.discount + tax_detail["TotalTax"]
    invoice = {
        "Id": store.next_id("Invoice"),
        "SyncToken": "0",
        "domain": "QBO",
        "sparse": False,
        "DocNumber": doc_number,
        "TxnDate": txn_date,
        "DueDate": due_date,
        "CustomerRef": {"value": customer["Id"], "name": customer["DisplayName"]},
        "CurrencyRef": {"value": currency},
        "Line": lines.out,
        "TxnTaxDetail": tax_detail,
        "ApplyTaxAfterDiscount": bool(body.get("ApplyTaxAfterDiscount")),
        "TotalAmt": total,
        "Balance": total,
        "Deposit": 0,
        "EmailStatus": "NotSet",
        "PrintStatus": "NeedToPrint",
        "LinkedTxn": [],
        "MetaData": {"CreateTime": now_iso(), "LastUpdatedTime": now_iso()},
    }
    return _optional_fields(invoice, body, term)


def _currency(prefs: dict, body: dict, customer: dict) -> str:
    home = prefs["CurrencyPrefs"]["HomeCurrency"]["value"]
    currency = (body.get("CurrencyRef") or {}).get("value") or home
    if currency != home and not prefs["CurrencyPrefs"]["MultiCurrencyEnabled"]:
        raise Fault(400, "6000", VALIDATION,
                    f"Business Validation Error: Multicurrency is not enabled; the currency must be {home}.")
    customer_currency = (customer.get("CurrencyRef") or {}).get("value") or home
    if customer_currency != currency:
        raise Fault(400, "6000", VALIDATION,
                    f"Business Validation Error: The currency of the transaction ({currency}) must match the "
                    f"customer's currency ({customer_currency}).")
    return currency


def _lines(entities: dict, lines: list) -> Lines:
    found = Lines()
    for number, line in enumerate(lines, start=1):
        kind = line.get("DetailType")
        if kind == "SalesItemLineDetail":
            found.out.append(_sales_line(entities, number, line, found))
        elif kind == "DiscountLineDetail":
            found.discount_line = line
        elif kind != "SubTotalLineDetail":
            raise Fault(400, "2170", "Invalid Enumeration", f"Invalid DetailType {kind}", element="Line.DetailType")
    return found


def _sales_line(entities: dict, number: int, line: dict, found: Lines) -> dict:
    """One item line, checked like QuickBooks; adds its amount to ``found``'s sums."""
    detail = dict(line.get("SalesItemLineDetail") or {})
    item = ref(entities, "Item", detail.get("ItemRef"), "Line.SalesItemLineDetail.ItemRef")
    if item.get("Type") == "Category":
        raise Fault(400, "6000", VALIDATION, "Business Validation Error: You can't use a category on a transaction line.")
    if "Amount" not in line:
        raise Fault(400, "2020", MISSING, "Required parameter Line.Amount is missing in the request",
                    element="Line.Amount")
    amount = _d(line["Amount"])
    if "Qty" in detail and "UnitPrice" in detail:
        if abs(_d(detail["Qty"]) * _d(detail["UnitPrice"]) - amount) >= CENT:
            raise Fault(400, "6070", "Amount calculation incorrect in the request",
                        f"Business Validation Error: Amount is not equal to UnitPrice * Qty. "
                        f"Supplied value:{amount}", element="Line.Amount")
    tax_code = (detail.get("TaxCodeRef") or {}).get("value") or "NON"
    if tax_code not in ("TAX", "NON"):
        raise Fault(400, "6000", VALIDATION, "Business Validation Error: US line tax codes are TAX or NON.")
    detail["TaxCodeRef"] = {"value": tax_code}
    detail["ItemRef"] = {"value": item["Id"], "name": item["Name"]}
    found.subtotal += amount
    if tax_code == "TAX":
        found.taxable += amount
    out = {"Id": str(number), "LineNum": number, "Amount": amount, "DetailType": "SalesItemLineDetail",
           "SalesItemLineDetail": detail}
    if line.get("Description"):
        out["Description"] = line["Description"]
    return out


def _apply_discount(lines: Lines) -> None:
    """The one discount line: a percent of the subtotal, or an amount."""
    if lines.discount_line is None:
        return
    detail = lines.discount_line.get("DiscountLineDetail") or {}
    if detail.get("PercentBased"):
        percent = _d(detail.get("DiscountPercent") or 0)
        lines.discount = _money(lines.subtotal * percent / 100)
    else:
        lines.discount = _money(_d(lines.discount_line.get("Amount") or 0))
    stored = {"PercentBased": bool(detail.get("PercentBased"))}
    if detail.get("DiscountPercent") is not None:
        stored["DiscountPercent"] = _d(detail["DiscountPercent"])
    lines.out.append({"Amount": lines.discount, "DetailType": "DiscountLineDetail", "DiscountLineDetail": stored})


def _tax_detail(store, body: dict, lines: Lines) -> dict:
    """``TxnTaxDetail``: one tax line per component rate of the invoice's tax code."""
    code_ref = ((body.get("TxnTaxDetail") or {}).get("TxnTaxCodeRef") or {}).get("value")
    if not code_ref or not store.preferences["TaxPrefs"]["UsingSalesTax"]:
        return {"TotalTax": Decimal(0)}
    code = store.entities["TaxCode"].get(str(code_ref))
    if code is None or code["Id"] in ("TAX", "NON"):
        raise Fault(400, "2500", "Invalid Reference Id",
                    "Invalid Reference Id : TaxCode assigned to this transaction does not exist.",
                    element="TxnTaxDetail.TxnTaxCodeRef")
    base = lines.taxable
    if lines.discount and lines.subtotal and body.get("ApplyTaxAfterDiscount"):
        base = lines.taxable - _money(lines.discount * lines.taxable / lines.subtotal)
    tax_lines, total_tax = [], Decimal(0)
    for rate_detail in code["SalesTaxRateList"]["TaxRateDetail"]:
        rate = store.entities["TaxRate"][rate_detail["TaxRateRef"]["value"]]
        amount = _money(base * _d(rate["RateValue"]) / 100)
        total_tax += amount
        tax_lines.append({"Amount": amount, "DetailType": "TaxLineDetail",
                          "TaxLineDetail": {"TaxRateRef": {"value": rate["Id"]}, "PercentBased": True,
                                            "TaxPercent": _d(rate["RateValue"]), "NetAmountTaxable": base}})
    return {"TxnTaxCodeRef": {"value": code["Id"]}, "TotalTax": total_tax, "TaxLine": tax_lines}


def _dates(body: dict, term: dict | None) -> tuple[str, str]:
    """``TxnDate`` (today by default) and ``DueDate`` (from the term's days by default)."""
    txn_date = body.get("TxnDate") or date.today().isoformat()
    if body.get("DueDate"):
        return txn_date, body["DueDate"]
    due = date.fromisoformat(txn_date)
    if term:
        due += timedelta(days=int(term.get("DueDays") or 0))
    return txn_date, due.isoformat()


def _optional_fields(invoice: dict, body: dict, term: dict | None) -> dict:
    if term:
        invoice["SalesTermRef"] = {"value": term["Id"], "name": term["Name"]}
    for key in ("PrivateNote", "CustomerMemo", "BillEmail"):
        if body.get(key):
            invoice[key] = body[key]
    if invoice["DocNumber"] is None:
        del invoice["DocNumber"]
    return invoice


def next_doc_number(store, body: dict, allow_duplicate: bool) -> str | None:
    """The invoice's ``DocNumber``: the one sent (custom numbers on), else QuickBooks' next."""
    custom = store.preferences["SalesFormsPrefs"]["CustomTxnNumbers"]
    existing = [inv.get("DocNumber") for inv in store.entities["Invoice"].values()]
    wanted = body.get("DocNumber")
    if custom and wanted:
        if len(wanted) > MAX_DOC_NUMBER:
            raise Fault(400, "6000", VALIDATION,
                        f"String length is either shorter or longer than supported by specification. "
                        f"Min:0 Max:21 supplied:{len(wanted)}", element="DocNumber")
        if wanted in existing and not allow_duplicate:
            other = next(inv for inv in store.entities["Invoice"].values() if inv.get("DocNumber") == wanted)
            raise Fault(400, "6140", "Duplicate Document Number Error",
                        f"Duplicate Document Number Error : You must specify a different number. This number has "
                        f"already been used. DocNumber={wanted} is assigned to TxnType=Invoice with TxnId={other['Id']}")
        return wanted
    if custom:
        return None  # custom numbers on and none supplied: QuickBooks leaves it empty
    numbers = [int(n) for n in existing if n and n.isdigit()]
    return str(max(numbers, default=1000) + 1)
