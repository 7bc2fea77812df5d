"""The invoice data handed to plugins (part of the plugin API: re-exported by
``host.api`` and ``host``). All money is :class:`decimal.Decimal`, all dates
:class:`datetime.date`; the types are frozen dataclasses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True)
class CalculationSettings:
    """How the host computes invoice totals; what each setting does is written in ``host.money``."""

    rounding_method: Literal["half_up", "bankers", "truncate"]
    round_before_sum: bool
    apply_taxes_per_line: bool


@dataclass(frozen=True)
class CompanyData:
    name: str
    tax_id: str
    country: str
    currency: str
    address: str
    calculation: CalculationSettings


@dataclass(frozen=True)
class ClientData:
    code: str
    name: str
    email: str
    tax_id: str
    tax_scheme: str
    country: str
    address: str
    city: str
    postal_code: str


@dataclass(frozen=True)
class TaxData:
    name: str
    percent: Decimal
    category: str  # S, AA, E, Z, AE, ...


@dataclass(frozen=True)
class LineData:
    """One invoice line. Quantity and price may be negative (a return, a correction).

    Discounts and charges are a percent of quantity x price and/or an amount;
    they are part of the line net and taxed with the line (EN 16931 BT-131),
    unless ``charge_taxed`` is ``False``: then the charges are not in ``net``
    but in ``untaxed_charge`` (rounded on its own, in no tax base, added to the
    tax-exclusive total). A provider that cannot carry an untaxed line charge
    must block the push (``preview_remote_totals``) rather than send it taxed.
    """

    service: str | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    taxes: tuple[TaxData, ...]
    net: Decimal  # quantity x price less discounts plus charges, rounded
    # ``taxes`` are the taxes the line was taxed with (the invoice's when it has none of its own)
    discount_amount: Decimal = Decimal(0)
    charge_percent: Decimal = Decimal(0)
    charge_amount: Decimal = Decimal(0)
    charge_taxed: bool = True
    untaxed_charge: Decimal = Decimal(0)  # the rounded charges when ``charge_taxed`` is False, else 0


@dataclass(frozen=True)
class AllowanceCharge:
    """An invoice-level allowance (discount) or charge.

    ``percent`` is set when it was entered as a percent of the subtotal;
    ``amount`` is always the rounded amount. ``reason`` is required by
    EN 16931 (BT-97/BT-104). An untaxed charge (``taxed=False``) is in no
    tax base; allowances are always spread over the tax bases.
    """

    kind: Literal["allowance", "charge"]
    reason: str
    amount: Decimal
    percent: Decimal | None = None
    taxed: bool = True


@dataclass(frozen=True)
class TaxTotal:
    tax: TaxData
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PaymentTermData:
    name: str
    days: int


@dataclass(frozen=True)
class BankAccountData:
    """A company bank account the customer pays into (EN 16931 BT-84 IBAN, BT-86 BIC, BT-85 holder).
    ``iban`` is validated (check digits) and compact (no spaces); ``bic`` may be empty."""

    iban: str
    bic: str
    holder: str
    name: str = ""


@dataclass(frozen=True)
class PaymentMeansData:
    """How the customer pays (EN 16931 BG-16).

    ``code`` is the UNCL 4461 payment means code (BT-81): ``58`` SEPA credit
    transfer, ``30`` credit transfer, ``59`` SEPA direct debit, ``48`` bank
    card, ``54`` credit card, ``10`` cash. Map it to your provider's own codes.
    ``account`` is set for credit transfers (the company account to pay
    into), ``mandate_reference`` for direct debits (BT-89).
    """

    code: str
    name: str
    account: BankAccountData | None = None
    mandate_reference: str = ""


@dataclass(frozen=True)
class CreditedInvoice:
    """The invoice a credit note corrects (EN 16931 BG-3).

    ``remote_ids`` holds the original's remote IDs by provider key, for the
    providers it is linked at: ``remote_id(provider)`` says whether (and as
    what) the original was sent to you; refuse a credit note whose original
    your provider never received if the provider needs it."""

    number: str
    issue_date: date
    reason: str
    remote_ids: tuple[tuple[str, str], ...] = ()
    remote_numbers: tuple[tuple[str, str], ...] = ()

    def remote_id(self, provider: str) -> str | None:
        return dict(self.remote_ids).get(provider)

    def remote_number(self, provider: str) -> str | None:
        return dict(self.remote_numbers).get(provider)


@dataclass(frozen=True)
class InvoiceData:
    """A client invoice as plugins see it, totals already computed by the host."""

    id: int
    number: str
    status: str
    issue_date: date
    due_date: date
    currency: str
    client: ClientData
    lines: tuple[LineData, ...]
    payment_term: PaymentTermData | None
    subtotal: Decimal  # sum of line nets
    allowance_charges: tuple[AllowanceCharge, ...]  # invoice level, in order
    tax_exclusive_total: Decimal  # subtotal + untaxed line charges - allowances + charges (EN 16931 BT-109)
    tax_totals: tuple[TaxTotal, ...]
    total: Decimal  # negative: a credit note
    notes: str = ""
    payment_means: PaymentMeansData | None = None
    credited: CreditedInvoice | None = None  # set on a credit note: the invoice it corrects

    @property
    def allowance_total(self) -> Decimal:
        return sum((a.amount for a in self.allowance_charges if a.kind == "allowance"), Decimal(0))

    @property
    def charge_total(self) -> Decimal:
        return sum((a.amount for a in self.allowance_charges if a.kind == "charge"), Decimal(0))

    @property
    def line_untaxed_charge_total(self) -> Decimal:
        return sum((line.untaxed_charge for line in self.lines), Decimal(0))

    @property
    def is_credit_note(self) -> bool:
        """A credit note made with "Credit this invoice" (``credited`` is set), or any negative invoice."""
        return self.credited is not None or self.total < 0


@dataclass(frozen=True)
class LinkData:
    """The host's record of a local invoice linked to a remote one."""

    remote_id: str | None
    number: str | None
    url: str | None
    state: str | None
    total: Decimal | None
    attempt_id: str
    linked_at: datetime | None


