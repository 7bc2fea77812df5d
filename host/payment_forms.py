"""Forms for money coming back and payment details: a payment entered by a user,
a company bank account, a credit note."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from host.forms import MONEY_LIMIT, LineField, in_date_range, number_field, options, strip, upper
from host.payment_means import BIC_HELP, MEANS_LABELS, bank_problem


class PaymentForm(FlaskForm):
    amount_paid = number_field("Amount paid so far", "Give the amount paid (0 marks the invoice unpaid).",
                               0, MONEY_LIMIT, "The amount must be 0 or more.")
    paid_on = DateField("Payment date", [Optional(), in_date_range])


class BankAccountForm(FlaskForm):
    name = LineField("Name", [DataRequired(), Length(max=100)], filters=[strip],
                     description="How you tell your accounts apart, e.g. “Main account”.")
    iban = LineField("IBAN", [DataRequired(), Length(max=50)], filters=[upper],
                     description="Spaces are fine, e.g. ES91 2100 0418 4502 0005 1332.")
    bic = LineField("BIC", [Optional(), Length(max=20)], filters=[upper], description=BIC_HELP)
    holder = LineField("Account holder", [Length(max=200)], filters=[strip],
                       description="Left empty: the company's name.")
    is_default = BooleanField("Default account", description="Used by invoices that name no account.")

    def validate_iban(self, field):
        problem = bank_problem(field.data, None)
        if problem:
            raise ValidationError(problem)

    def validate_bic(self, field):
        problem = bank_problem(None, field.data)
        if problem:
            raise ValidationError(problem)


MEANS_CHOICES = [("", "— none —")] + list(MEANS_LABELS.items())


class PaymentMeansForm(FlaskForm):
    """The payment means of one invoice: its payment term's unless overridden."""

    payment_means = SelectField("Payment means", default="", choices=options([("", "— as the payment term says —")]
                                                                + list(MEANS_LABELS.items())))
    bank_account = SelectField("Bank account", coerce=int, default=0)
    mandate_reference = LineField("Direct debit mandate reference", [Length(max=70)], filters=[strip])


class CreditNoteForm(FlaskForm):
    reason = StringField("Reason", [DataRequired("Give the reason for the credit note."), Length(max=500)],
                         filters=[strip], description="Shown on the credit note and sent to the provider.")
    number = LineField("Credit note number", [DataRequired(), Length(max=40)], filters=[strip])
