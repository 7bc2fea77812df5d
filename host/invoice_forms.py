"""The invoice form: its lines and its invoice-level discounts and charges (Flask-WTF, CSRF).

Field types, parsing and limits are those of :mod:`host.forms`.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FieldList, Form, FormField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from host.forms import (
    ADJUSTMENT_LABELS,
    MAX_INVOICE_LINES,
    MONEY_LIMIT,
    STATUS_LABELS,
    LineField,
    Required,
    TextField,
    in_date_range,
    number_field,
    options,
    parsed,
    strip,
    upper,
)
from host.models import ADJUSTMENT_KINDS, INVOICE_STATUSES


def typed(*fields) -> bool:
    return any(((f.raw_data or [""])[0] or "").strip() for f in fields)


class LineForm(Form):
    """One invoice line; a row left entirely empty is ignored (see ``InvoiceForm``).

    Quantity and price may be negative: a returned item, a correction.
    """

    service = SelectField("Service", coerce=int, default=0)
    description = TextField("Description", [Length(max=2000)], filters=[strip])
    quantity = number_field("Quantity", None, -MONEY_LIMIT, MONEY_LIMIT, "The quantity is too large.",
                            description="Negative for a returned item.")
    unit_price = number_field("Unit price", None, -MONEY_LIMIT, MONEY_LIMIT, "The price is too large.")
    discount_percent = number_field("Discount %", None, 0, 100, "The discount must be between 0 and 100 %%.")
    discount_amount = number_field("Discount amount", None, -MONEY_LIMIT, MONEY_LIMIT, "The discount amount is too large.",
                                   description="Negative only on a credit note's line (a negated quantity).")
    charge_percent = number_field("Charge %", None, 0, 100, "The charge must be between 0 and 100 %%.")
    charge_amount = number_field("Charge amount", None, -MONEY_LIMIT, MONEY_LIMIT, "The charge amount is too large.")
    charge_untaxed = BooleanField("Charge not taxed", default=False,
                                  description="On: the line's charge is outside its net and every tax base.")
    taxes = SelectMultipleField("Taxes", coerce=int)

    def validate_quantity(self, field):
        if field.data is not None and field.data == 0:
            raise ValidationError("The quantity cannot be 0.")

    def is_blank(self) -> bool:
        """Nothing chosen or typed in the service, description, quantity and price."""
        return not self.service.data and not (self.description.data or "").strip() and not typed(
            self.quantity, self.unit_price)


class AdjustmentForm(Form):
    """An invoice-level discount or charge: a percent of the subtotal or an amount, and its reason.

    A row with nothing typed in percent, amount and reason is ignored.
    """

    kind = SelectField("Kind", choices=options((k, ADJUSTMENT_LABELS[k]) for k in ADJUSTMENT_KINDS))
    percent = number_field("Percent", None, 0, 100, "The percent must be between 0 and 100 %%.")
    amount = number_field("Amount", None, -MONEY_LIMIT, MONEY_LIMIT, "The amount is too large.",
                          description="Negative only on a credit note.")
    reason = StringField("Reason", [Length(max=200)], filters=[strip],
                         description="Required by EN 16931 e-invoices, and sent to the provider.")
    taxed = BooleanField("Taxed", default=True, description="Charges only: off for a charge outside the tax bases.")

    def is_blank(self) -> bool:
        return not typed(self.percent, self.amount) and not (self.reason.data or "").strip()

    def check(self) -> bool:
        """The rules of a filled row; errors go on the fields."""
        ok = True
        if (self.percent.data is None) == (self.amount.data is None):
            self.amount.errors.append("Give either a percent or an amount.")
            ok = False
        if not self.reason.data:
            self.reason.errors.append("Give a reason (e.g. “Loyalty discount”, “Shipping”).")
            ok = False
        return ok


class InvoiceForm(FlaskForm):
    number = LineField("Number", [Optional(), Length(max=40)], filters=[strip],
                       description="Left empty: the next number of the company's sequence.")
    client = SelectField("Client", coerce=int, default=0)
    issue_date = DateField("Issue date", [Required("Give the issue date."), parsed, in_date_range])
    due_date = DateField(
        "Due date", [Optional(), in_date_range],
        description="Left empty: the issue date plus the payment term's days.",
    )
    currency = LineField(
        "Currency", [Optional(), Regexp(r"^[A-Z]{3}$", message="Use the 3-letter ISO code, e.g. EUR.")],
        filters=[upper], description="Left empty: the client's currency, else the company's home currency.",
    )
    status = SelectField("Status", choices=options((s, STATUS_LABELS[s]) for s in INVOICE_STATUSES))
    payment_term = SelectField("Payment term", coerce=int, default=0)
    notes = TextField("Notes", [Length(max=5000)], filters=[strip])
    taxes = SelectMultipleField("Invoice taxes", coerce=int)
    lines = FieldList(FormField(LineForm), min_entries=1)
    adjustments = FieldList(FormField(AdjustmentForm))

    def validate_client(self, field):
        if not field.data:
            raise ValidationError("Choose a client.")

    def validate_due_date(self, field):
        if field.data and self.issue_date.data and field.data < self.issue_date.data:
            raise ValidationError("The due date cannot be before the issue date.")

    def filled_lines(self) -> list[LineForm]:
        return [entry.form for entry in self.lines.entries if not entry.form.is_blank()]

    def filled_adjustments(self) -> list[AdjustmentForm]:
        return [entry.form for entry in self.adjustments.entries if not entry.form.is_blank()]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if len(self.filled_lines()) > MAX_INVOICE_LINES:
            self.form_errors.append(f"An invoice can have at most {MAX_INVOICE_LINES} lines; split it into several invoices.")
            return False
        for line in self.filled_lines():
            if not line.service.data and not line.description.data:
                line.description.errors.append("Give a description or choose a service.")
                ok = False
        for adjustment in self.filled_adjustments():
            ok = adjustment.check() and ok
        return ok
