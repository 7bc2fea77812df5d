"""Payment means (EN 16931 BG-16): how the customer pays, and into which account.

The host stores UNCL 4461 codes (BT-81); each provider maps them to its own
codes. An invoice uses its own override, else its payment term's means. A
credit transfer names a company bank account (the invoice's, else the
default one); a direct debit carries the mandate reference (BT-89).

IBANs and BICs are checked with ``schwifty`` (country, length, structure and
the ISO 7064 check digits, plus national checksums where it knows them).
"""
from __future__ import annotations

from host.api import BankAccountData, PaymentMeansData
from host.extensions import db
from host.models import Company, Invoice
from host.models_payments import BankAccount

MEANS_LABELS = {
    "58": "SEPA credit transfer",
    "30": "Credit transfer",
    "59": "SEPA direct debit",
    "48": "Bank card",
    "54": "Credit card",
    "10": "Cash",
}
TRANSFER_CODES = ("58", "30")
DEBIT_CODES = ("59",)
BIC_HELP = "8 or 11 characters, e.g. CAIXESBBXXX. Optional for SEPA payments."


def bank_problem(iban: str | None, bic: str | None) -> str | None:
    """Why ``iban`` or ``bic`` is not valid, in words a user can act on, or None."""
    from schwifty import BIC, IBAN
    from schwifty.exceptions import InvalidChecksumDigits, InvalidCountryCode, InvalidLength, SchwiftyException

    if iban is not None:
        try:
            IBAN(iban)
        except InvalidChecksumDigits:
            return "This IBAN's check digits are wrong: a character is mistyped or two are swapped. Copy it again from the bank statement."
        except InvalidCountryCode:
            return "This IBAN does not start with a known country code (e.g. ES, DE, FR)."
        except InvalidLength:
            return "This IBAN has the wrong length for its country. Check that no character is missing or extra."
        except SchwiftyException as problem:
            return f"This is not a valid IBAN ({problem}). Check it against the bank statement."
    if bic:
        try:
            BIC(bic)
        except SchwiftyException as problem:
            return f"This is not a valid BIC ({problem}). {BIC_HELP}"
    return None


def compact_iban(iban: str) -> str:
    return "".join(iban.split()).upper()


def formatted_iban(iban: str) -> str:
    """``ES9121000418450200051332`` → ``ES91 2100 0418 4502 0005 1332``."""
    compact = compact_iban(iban)
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def default_account() -> BankAccount | None:
    return db.session.execute(
        db.select(BankAccount).order_by(BankAccount.is_default.desc(), BankAccount.id).limit(1)
    ).scalar_one_or_none()


def means_code(invoice: Invoice) -> str:
    """The invoice's override, else its payment term's means, else ""."""
    if invoice.payment_means:
        return invoice.payment_means
    return invoice.payment_term.payment_means if invoice.payment_term else ""


def account_data(account: BankAccount, company: Company) -> BankAccountData:
    return BankAccountData(iban=account.iban, bic=account.bic or "", holder=account.holder or company.name,
                           name=account.name)


def payment_means_data(invoice: Invoice, company: Company) -> PaymentMeansData | None:
    """What plugins get as ``InvoiceData.payment_means``; None when no means is set."""
    code = means_code(invoice)
    if not code:
        return None
    account = None
    if code in TRANSFER_CODES:
        chosen = invoice.bank_account or default_account()
        account = account_data(chosen, company) if chosen else None
    return PaymentMeansData(code=code, name=MEANS_LABELS.get(code, code), account=account,
                            mandate_reference=invoice.mandate_reference if code in DEBIT_CODES else "")


def means_problems(invoice: Invoice, accounts: list[BankAccount]) -> list[str]:
    """What the invoice's payment means still lacks (shown before a push), given
    the company's bank ``accounts`` (the page reads them for its form anyway)."""
    code = means_code(invoice)
    problems = []
    if code in TRANSFER_CODES and not (invoice.bank_account or accounts):
        problems.append("The payment means is a credit transfer but the company has no bank account: "
                        "add one under Settings → Bank accounts.")
    if code in DEBIT_CODES and not invoice.mandate_reference:
        problems.append("The payment means is a direct debit: give the mandate reference on the invoice.")
    return problems
