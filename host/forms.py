"""The ERP's forms (Flask-WTF: every top-level form carries a CSRF token).

Numbers are parsed as ``Decimal`` (never float) and checked against the
database columns they end in: at most 4 decimal places, and small enough for
``Numeric(16, 4)`` money and ``Numeric(7, 4)`` percentages.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import TextInput

from host.invoice_data import plain
from host.payment_means import MEANS_LABELS
from host.models import ROUNDING_METHODS, TAX_CATEGORIES

ROUNDING_LABELS = {
    "half_up": "Half up (0.125 → 0.13, halves away from zero)",
    "bankers": "Banker's rounding (0.125 → 0.12, halves to the even digit)",
    "truncate": "Truncate (0.129 → 0.12, drop the extra digits)",
}
TAX_CATEGORY_LABELS = {
    "S": "S – Standard rate",
    "AA": "AA – Lower rate",
    "E": "E – Exempt from tax",
    "Z": "Z – Zero rated goods",
    "AE": "AE – Reverse charge",
    "K": "K – Intra-community supply",
    "G": "G – Export outside the EU",
    "O": "O – Outside the scope of VAT",
    "L": "L – Canary Islands tax (IGIC)",
    "M": "M – Ceuta and Melilla tax (IPSI)",
}
ADJUSTMENT_LABELS = {"allowance": "Discount (allowance)", "charge": "Charge"}
STATUS_LABELS = {"draft": "Draft", "issued": "Issued", "paid": "Paid", "cancelled": "Cancelled"}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MONEY_LIMIT = Decimal("1e12")  # Numeric(16, 4) keeps 12 digits before the point
MAX_PLACES = 4
MAX_INVOICE_LINES = 500
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2999, 12, 31)  # a due date = issue date + up to 3650 days
LINE_BREAKS = "\r\n\t"


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip(value):
    return value.strip() if isinstance(value, str) else value


def upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class Required:
    """Like ``InputRequired``, with a message of our own and no second "not a valid ..." error."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if not field.raw_data or not str(field.raw_data[0]).strip():
            field.errors[:] = []
            raise StopValidation(self.message)


def parsed(form, field):
    """Stop after a parse error ("Not a valid decimal value."): range checks on nothing only add noise."""
    if field.process_errors:
        raise StopValidation()


def places(form, field) -> None:
    """Refuse more decimal places than the database column stores."""
    if field.data is not None and field.data.is_finite() and field.data.as_tuple().exponent < -MAX_PLACES:
        raise ValidationError(f"Use at most {MAX_PLACES} decimal places.")


def _control_characters(text: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") and ch not in allowed for ch in text)


class LineField(StringField):
    """A one-line text: control characters and line breaks are refused (an
    invoice number, for one, becomes a PDF file name and a header value)."""

    def pre_validate(self, form):
        if isinstance(self.data, str) and _control_characters(self.data):
            raise ValidationError("Use one line of text without control characters.")


class TextField(TextAreaField):
    """Multi-line text: line breaks and tabs are fine, other control characters are not."""

    def pre_validate(self, form):
        if isinstance(self.data, str) and _control_characters(self.data, LINE_BREAKS):
            raise ValidationError("Remove the control characters from this text.")


def in_date_range(form, field) -> None:
    if field.data is not None and not FIRST_DATE <= field.data <= LAST_DATE:
        raise ValidationError(f"Use a date between {FIRST_DATE.year} and {LAST_DATE.year}.")


class PlainDecimalField(DecimalField):
    """A Decimal input shown without the database's trailing zeros (12.5000 → 12.5).

    A text input, not ``type=number``: browsers' number inputs refuse
    decimals unless given a ``step`` and disagree on the decimal separator.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, places=None, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():  # NaN, sNaN, Infinity
            self.data = None
            raise ValueError("Give a number: NaN and Infinity are not numbers.")

    def _value(self):
        if not self.raw_data and self.data is not None and self.data.is_finite():
            return str(plain(self.data))
        return super()._value()


def number_field(label: str, required: str | None, low, high, range_message: str, **kwargs) -> PlainDecimalField:
    """A Decimal field: required (with ``required`` as message) or optional, in [low, high], <= 4 places."""
    first = Required(required) if required else Optional()
    return PlainDecimalField(
        label, [first, parsed, NumberRange(min=low, max=high, message=range_message), places], **kwargs
    )


class CompanyForm(FlaskForm):
    name = LineField("Company name", [DataRequired(), Length(max=200)], filters=[strip])
    address = TextField("Address", [Length(max=2000)], filters=[strip])
    tax_id = LineField("Tax ID", [Length(max=50)], filters=[strip])
    country = LineField(
        "Country", [DataRequired(), Regexp(r"^[A-Z]{2}$", message="Use the 2-letter ISO code, e.g. ES.")],
        filters=[upper],
    )
    currency = LineField(
        "Home currency", [DataRequired(), Regexp(r"^[A-Z]{3}$", message="Use the 3-letter ISO code, e.g. EUR.")],
        filters=[upper],
    )
    rounding_method = SelectField(
        "Rounding method", choices=options((m, ROUNDING_LABELS[m]) for m in ROUNDING_METHODS)
    )
    round_before_sum = BooleanField("Round before sum")
    apply_taxes_per_line = BooleanField("Apply taxes per line")
    number_format = LineField("Invoice number format", [DataRequired(), Length(max=60)], filters=[strip])

    def validate_number_format(self, field):
        from host.numbering import format_problem

        problem = format_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class ClientForm(FlaskForm):
    code = LineField("Code", [DataRequired(), Length(max=40)], filters=[strip])
    name = LineField("Display name", [DataRequired(), Length(max=200)], filters=[strip])
    email = LineField("Email", [Optional(), Length(max=200)], filters=[strip])
    tax_id = LineField("Tax ID", [Length(max=50)], filters=[strip])
    tax_scheme = LineField("Tax scheme", [Length(max=20)], filters=[strip], description="e.g. VAT, EIN.")
    country = LineField(
        "Country", [Optional(), Regexp(r"^[A-Z]{2}$", message="Use the 2-letter ISO code, e.g. ES.")],
        filters=[upper], description="2-letter ISO code, e.g. DE.",
    )
    address = TextField("Address", [Length(max=2000)], filters=[strip])
    city = LineField("City", [Length(max=100)], filters=[strip])
    postal_code = LineField("Postal code", [Length(max=20)], filters=[strip])
    currency = LineField(
        "Currency", [Optional(), Regexp(r"^[A-Z]{3}$", message="Use the 3-letter ISO code, e.g. EUR.")],
        filters=[upper], description="Of new invoices for this client; empty: the company's home currency.",
    )

    def validate_email(self, field):
        if field.data and not EMAIL.match(field.data):
            raise ValidationError("Not a valid email address.")


class ServiceForm(FlaskForm):
    name = LineField("Name", [DataRequired(), Length(max=200)], filters=[strip])
    unit_price = number_field(
        "Unit price", "Give a unit price (0 is allowed).", 0, MONEY_LIMIT, "The price must be 0 or more."
    )


class TaxForm(FlaskForm):
    name = LineField("Name", [DataRequired(), Length(max=100)], filters=[strip])
    percent = number_field(
        "Percent", "Give the percent (0 is allowed).", -100, 100, "The percent must be between -100 and 100.",
        description="Negative for a withholding, e.g. -15.",
    )
    category = SelectField("Category", choices=options((c, TAX_CATEGORY_LABELS[c]) for c in TAX_CATEGORIES))


class PaymentTermForm(FlaskForm):
    name = LineField("Name", [DataRequired(), Length(max=100)], filters=[strip])
    payment_means = SelectField("Payment means", default="", filters=[lambda v: v or ""],
                                choices=options([("", "— none —")] + list(MEANS_LABELS.items())),
                                description="How invoices with this term are paid (EN 16931 BT-81); "
                                            "an invoice can override it.")
    days = IntegerField(
        "Days",
        [Required("Give the number of days (0 is allowed)."), parsed,
         NumberRange(min=0, max=3650, message="The days must be between 0 and 3650.")],
    )


class ApiTokenForm(FlaskForm):
    """A new personal API token: a name to recognise it by, and an optional expiry date."""

    name = LineField("Name", [DataRequired(message="Give the token a name, e.g. “nightly push script”."),
                              Length(max=100)], filters=[strip])
    expires_on = DateField("Expires on", [Optional(), in_date_range],
                           description="Left empty: the token works until it is revoked.")

    def validate_expires_on(self, field):
        if field.data and field.data <= date.today():
            raise ValidationError("Choose a date after today.")
