"""What B2BRouter needs beyond lines and totals: payment means, bank account,
and the credit-note fields. All assumptions are from
``shared/reference/b2brouter-credit-send-payment.md`` (sections in brackets).

Credit notes: the two official sources disagree (§1). This plugin follows
the **official WooCommerce plugin** (``Invoice_Generator.php``), and keeps
the choice here only (``CREDIT_NOTE_VARIANT``):

- customer in Spain (``RECTIFICATIVE_COUNTRIES``): a *rectificative*
  invoice: negative quantities, positive prices, no ``is_credit_note``,
  ``amended_number``/``amended_date`` of the original, the reason as
  ``amended_reason`` (text) and ``amend_reason`` (a Verifactu code, R1 by
  default: the reference's "safest reading" sends both);
- any other customer: a *credit note*: ``is_credit_note: true`` and every
  amount positive (the host's credit note with all signs flipped), with the
  same ``amended_*`` fields.

A credit note whose original invoice was never pushed to B2BRouter is
refused before anything is sent: the amended fields must name an invoice
B2BRouter knows.
"""
from __future__ import annotations

from decimal import Decimal

from host import InvoiceData

PROVIDER = "b2brouter"

#: The variant followed, named for people (README, messages).
CREDIT_NOTE_VARIANT = "WooCommerce plugin: rectificative invoice for Spanish customers, is_credit_note elsewhere"
RECTIFICATIVE_COUNTRIES = ("ES",)  # [§1, CONFIRMED-official WooCommerce]
#: Verifactu rectification code sent as ``amend_reason`` [§1, INFERRED]; R4 is "other causes",
#: but only R1 appears in B2BRouter material, so R1 it is.
DEFAULT_AMEND_CODE = "R1"

#: UNCL 4461 (the host's code) → B2BRouter's internal ``payment_method`` [§3, CONFIRMED-official guide].
#: Cards are not in the captured part of the table [UNKNOWN]: they go as SPECIAL/OTHER (13) with a text.
PAYMENT_METHODS = {
    "10": (1, None),                 # cash
    "59": (2, None),                 # SEPA direct debit → DEBIT
    "49": (2, None),                 # direct debit → DEBIT
    "58": (4, None),                 # SEPA credit transfer → TRANSFER
    "30": (4, None),                 # credit transfer → TRANSFER
    "48": (13, "Bank card"),         # → SPECIAL/OTHER with payment_method_text
    "54": (13, "Credit card"),
}
OTHER_METHOD = 13


def payment_fields(invoice: InvoiceData) -> dict:
    """``payment_method`` (+ text), the seller's account for transfers, the mandate for debits [§3]."""
    means = invoice.payment_means
    if means is None:
        return {}
    method, text = PAYMENT_METHODS.get(means.code, (OTHER_METHOD, means.name))
    fields: dict = {"payment_method": method}
    if text:
        fields["payment_method_text"] = text
    if means.account is not None and method == 4:
        account = {"type": "iban", "iban": means.account.iban}
        if means.account.bic:
            account["bic"] = means.account.bic
        fields["bank_account"] = account
    if means.mandate_reference and method == 2:
        fields["mandate_reference_identifier"] = means.mandate_reference
    return fields


def is_rectificative(invoice: InvoiceData) -> bool:
    return (invoice.client.country or "").upper() in RECTIFICATIVE_COUNTRIES


def credit_problems(invoice: InvoiceData) -> list[str]:
    """A credit note whose original B2BRouter never received cannot be sent."""
    credited = invoice.credited
    if credited is None or credited.remote_id(PROVIDER):
        return []
    return [f"This credit note corrects invoice {credited.number}, which was never sent to B2BRouter. "
            f"Push invoice {credited.number} to B2BRouter first (or link it to its B2BRouter invoice): a credit "
            "note must refer to an invoice B2BRouter knows."]


def credit_fields(invoice: InvoiceData) -> dict:
    """The amended-invoice fields of a credit note (empty for an ordinary invoice)."""
    credited = invoice.credited
    if credited is None:
        return {}
    fields = {
        "amended_number": credited.remote_number(PROVIDER) or credited.number,
        "amended_date": credited.issue_date,
        "amended_reason": credited.reason,
    }
    if is_rectificative(invoice):
        fields["amend_reason"] = DEFAULT_AMEND_CODE
    else:
        fields["is_credit_note"] = True
    return fields


def flips_signs(invoice: InvoiceData) -> bool:
    """True when amounts are sent positive: a credit note outside Spain."""
    return invoice.credited is not None and not is_rectificative(invoice)


def signed(value: Decimal, flip: bool) -> Decimal:
    return -value if flip and value else value
