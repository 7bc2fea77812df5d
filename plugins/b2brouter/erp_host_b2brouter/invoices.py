"""Host invoices to B2BRouter payloads and back, and the checks made before sending."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from host import ClientData, InvoiceData, RemoteInvoice, RemoteTaxLine

from erp_host_b2brouter import api_facts, documents
from erp_host_b2brouter.documents import signed


def problems(invoice: InvoiceData) -> list[str]:
    """Everything that stops B2BRouter from taking ``invoice``, all at once."""
    found = []
    client = invoice.client
    if not (invoice.number or "").strip():
        found.append("The invoice has no number yet; B2BRouter needs one.")
    if not invoice.lines:
        found.append("The invoice has no lines.")
    who = f"Client “{client.name}”"
    if not (client.code or "").strip():
        found.append(f"{who} has no client code; it identifies the contact in B2BRouter.")
    if not (client.tax_id or "").strip():
        found.append(f"{who} has no tax ID; a B2BRouter invoice needs the customer's tax ID.")
    if not (client.email or "").strip():
        found.append(f"{who} has no email address; B2BRouter needs one for the contact.")
    if not (client.country or "").strip():
        found.append(f"{who} has no country.")
    if invoice.currency not in api_facts.SUPPORTED_CURRENCIES:
        found.append(f"Currency {invoice.currency} is not supported by B2BRouter "
                     f"(supported: {', '.join(sorted(api_facts.SUPPORTED_CURRENCIES))}).")
    for position, line in enumerate(invoice.lines, start=1):
        label = f"Line {position} (“{line.description or line.service or 'no description'}”)"
        if not (line.description or line.service or "").strip():
            found.append(f"Line {position} has no description.")
        if not line.taxes:
            found.append(f"{label} has no tax; B2BRouter needs at least one tax per line (use 0% or exempt).")
        if not line.charge_taxed and line.untaxed_charge:
            found.append(f"{label} has an untaxed charge of {line.untaxed_charge} {invoice.currency}. B2BRouter "
                         "taxes a line's charges with the line (they are part of its net, EN 16931 BT-131), so it "
                         "would compute other amounts. Move the charge to “Invoice discounts and charges” with "
                         "“Taxed” off, or untick “Charge not taxed” on the line.")
        for tax in line.taxes:
            if not _is_percent(tax.percent):
                found.append(f"{label}: tax “{tax.name}” is not a percentage; B2BRouter only takes percentage taxes.")
            if tax.category not in api_facts.TAX_CATEGORIES:
                found.append(f"{label}: tax “{tax.name}” has category “{tax.category}”, which B2BRouter does not "
                             f"know (known: {', '.join(api_facts.TAX_CATEGORIES)}).")
    for position, adjustment in enumerate(invoice.allowance_charges, start=1):
        if not (adjustment.reason or "").strip():
            found.append(f"Invoice {'discount' if adjustment.kind == 'allowance' else 'charge'} {position} has no "
                         "reason; an e-invoice needs one for each (EN 16931 BT-97/BT-104).")
    if all(line.taxes and all(_is_percent(t.percent) for t in line.taxes) for line in invoice.lines):
        found.extend(vat_base_problems(invoice))  # lines without a (percentage) tax are reported above
    found.extend(documents.credit_problems(invoice))
    return found


def vat_base_problems(invoice: InvoiceData) -> list[str]:
    """EN 16931 BR-CO-13: the VAT bases (plus untaxed charges) must add up to the total without taxes."""
    if not invoice.lines:
        return []
    vat_bases = sum((t.base for t in invoice.tax_totals if t.tax.percent >= 0), Decimal(0))
    untaxed = sum((a.amount for a in invoice.allowance_charges if a.kind == "charge" and not a.taxed), Decimal(0))
    untaxed += invoice.line_untaxed_charge_total  # reported on their own above
    if vat_bases + untaxed == invoice.tax_exclusive_total:
        return []
    return [
        f"The VAT bases add up to {vat_bases + untaxed} {invoice.currency}, not to the total without taxes "
        f"{invoice.tax_exclusive_total} {invoice.currency}; an e-invoice must make them equal (EN 16931 BR-CO-13), "
        "so B2BRouter would refuse it. Give every line exactly one VAT tax (withholdings aside), or, when the "
        "invoice discounts or charges split into shares that round apart across rates, give them as line "
        "discounts or charges instead."
    ]


def _is_percent(value) -> bool:
    try:
        return isinstance(value, Decimal) and value.is_finite() and Decimal(-100) <= value <= Decimal(100)
    except InvalidOperation:
        return False


def tin_scheme(client: ClientData) -> str:
    """The client's EAS scheme: its own when it is a 4-digit code, else the VAT scheme of its country."""
    scheme = (client.tax_scheme or "").strip()
    if len(scheme) == 4 and scheme.isdigit():
        return scheme
    return api_facts.VAT_SCHEMES.get((client.country or "").upper(), api_facts.DEFAULT_TIN_SCHEME)


def contact_payload(client: ClientData) -> dict:
    """A new B2BRouter contact for the host client, keyed by its client code."""
    return {
        "name": client.name,
        "email": client.email,
        "tin_value": client.tax_id,
        "tin_scheme": tin_scheme(client),
        "country": client.country.lower(),
        "address": client.address,
        "city": client.city,
        "postalcode": client.postal_code,
        "integration_code": client.code,
        "is_client": True,
        "is_provider": False,
    }


def _line_allowances_charges(line, flip: bool = False) -> list[dict]:
    """The line's discounts and charges, each as a percent or an amount entry (reason: EN 16931 BT-139/BT-144)."""
    entries = []
    for kind, percent, amount in (("allowance", line.discount_percent, line.discount_amount),
                                  ("charge", line.charge_percent, line.charge_amount)):
        reason = {api_facts.ALLOWANCE_CHARGE_REASON_FIELD: "Discount" if kind == "allowance" else "Charge"}
        if percent:
            entries.append({"allowance_charge_indicator": kind, "percentage": percent, **reason})
        if amount:
            entries.append({"allowance_charge_indicator": kind, "amount": signed(amount, flip), **reason})
    return entries


def _invoice_allowance_charge(adjustment, flip: bool = False) -> dict:
    entry = {"allowance_charge_indicator": adjustment.kind, api_facts.ALLOWANCE_CHARGE_REASON_FIELD: adjustment.reason}
    if adjustment.percent is not None:
        entry["percentage"] = adjustment.percent
    else:
        entry["amount"] = signed(adjustment.amount, flip)
    if adjustment.kind == "charge":
        entry[api_facts.CHARGE_TAXED_FIELD] = adjustment.taxed
    return entry


def invoice_payload(invoice: InvoiceData, contact_id) -> dict:
    """The ``invoice`` object of ``POST /accounts/{id}/invoices``. B2BRouter computes the totals.

    A credit note outside Spain goes with every amount positive and
    ``is_credit_note`` (see :mod:`.documents`); a percent allowance of an
    invoice-level adjustment needs no flip (the remote applies it to the now
    positive subtotal)."""
    flip = documents.flips_signs(invoice)
    lines = []
    for line in invoice.lines:
        entry = {
            "description": line.description or line.service,
            "quantity": signed(line.quantity, flip),
            "price": line.unit_price,
            "taxes_attributes": [{"name": t.name, "category": t.category, "percent": t.percent} for t in line.taxes],
        }
        adjustments = _line_allowances_charges(line, flip)
        if adjustments:
            entry["allowance_charges_attributes"] = adjustments
        lines.append(entry)
    payload = {
        "type": api_facts.INVOICE_TYPE,
        "number": invoice.number,
        "date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "contact_id": contact_id,
        "invoice_lines_attributes": lines,
    }
    if invoice.allowance_charges:
        payload["allowance_charges_attributes"] = [_invoice_allowance_charge(a, flip) for a in invoice.allowance_charges]
    payload.update(documents.payment_fields(invoice))
    payload.update(documents.credit_fields(invoice))
    if invoice.payment_term:
        payload[api_facts.PAYMENT_TERMS_FIELD] = invoice.payment_term.name
    if invoice.notes:
        payload["extra_info"] = invoice.notes
    return payload


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _moment(value) -> datetime | None:
    """``state_updated_at`` when it is an ISO time with a zone (B2BRouter's clock, like webhook times)."""
    try:
        moment = datetime.fromisoformat(str(value)) if isinstance(value, str) and value else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def state_detail(data: dict) -> str | None:
    """The error text of an ``error`` invoice or the reason of a ``refused`` one."""
    state = data.get("state")
    if state == "error":
        errors = data.get(api_facts.ERRORS_FIELD)
        if isinstance(errors, list) and errors:
            return "\n".join(str(e) for e in errors)
        return data.get(api_facts.ERROR_MESSAGE_FIELD) or None
    if state == "refused":
        return data.get(api_facts.REFUSE_REASON_FIELD) or None
    return None


def _payment(data: dict, remote: RemoteInvoice) -> RemoteInvoice:
    """A paid invoice reports its whole total as paid, on ``paid_date`` (else the day its state changed)."""
    changed = _moment(data.get("state_updated_at")) or _moment(data.get("updated_at"))
    if data.get("state") not in api_facts.PAID_STATES or remote.total is None:
        return replace(remote, reported_at=changed)  # B2BRouter knows no part payments: nothing to report
    paid_on = _date(data.get(api_facts.PAID_DATE_FIELD)) or (changed.date() if changed else None)
    return replace(remote, amount_paid=abs(remote.total), paid_on=paid_on, reported_at=changed)


def remote_invoice(data: dict, url: str) -> RemoteInvoice:
    """A B2BRouter invoice object as the host sees it. A credit note's amounts
    (positive at B2BRouter) are reported negative, as the host keeps them."""
    contact = data.get("contact") if isinstance(data.get("contact"), dict) else {}
    credit = data.get("is_credit_note") is True
    remote = RemoteInvoice(
        remote_id=str(data["id"]),
        number=str(data["number"]) if data.get("number") is not None else None,
        url=url,
        state=data.get("state"),
        total=_negated(_decimal(data.get("total")), credit),
        currency=data.get("currency"),
        issue_date=_date(data.get("date")),
        contact_name=contact.get("name"),
        state_detail=state_detail(data),
        final=data.get("state") in api_facts.FINAL_STATES,
        tax_lines=tuple(replace(t, amount=-t.amount, base=_negated(t.base, True)) for t in _tax_lines(data))
        if credit else _tax_lines(data),
        changed_at=_moment(data.get("state_updated_at")),
    )
    return _payment(data, remote)


def _negated(value: Decimal | None, flip: bool) -> Decimal | None:
    return -value if flip and value is not None else value


def _tax_lines(data: dict) -> tuple[RemoteTaxLine, ...]:
    """The ``taxes`` array; each element's shape is [UNKNOWN] beyond haltr's ``{name, base, amount}`` plus percent."""
    found = []
    for tax in data.get("taxes") or ():
        if not isinstance(tax, dict) or _decimal(tax.get("amount")) is None or _decimal(tax.get("percent")) is None:
            continue
        found.append(RemoteTaxLine(name=str(tax.get("name") or "tax"), percent=_decimal(tax["percent"]),
                                   amount=_decimal(tax["amount"]), base=_decimal(tax.get("base"))))
    return tuple(found)


def differences(invoice: InvoiceData, data: dict, contact_code: str | None) -> list[str]:
    """What does not match between ``invoice`` and the remote one: number and contact.

    Totals are compared by the host itself, for every provider.
    """
    found = []
    if str(data.get("number")) != invoice.number:
        found.append(f"Its number is {data.get('number')}, not {invoice.number}.")
    contact = data.get("contact") if isinstance(data.get("contact"), dict) else {}
    remote_code = contact.get("integration_code")
    remote_tin = (contact.get("tin_value") or "").replace(" ", "").upper()
    local_tin = (invoice.client.tax_id or "").replace(" ", "").upper()
    if remote_code is not None:
        same_contact = str(remote_code) == (contact_code or invoice.client.code)
    elif remote_tin:
        same_contact = remote_tin == local_tin
    else:
        same_contact = (contact.get("name") or "").strip().lower() == invoice.client.name.strip().lower()
    if contact and not same_contact:
        found.append(f"Its customer is {contact.get('name') or 'another contact'}, not {invoice.client.name}.")
    return found
