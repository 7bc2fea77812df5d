"""The invoice page's money actions (users): record a payment, choose the payment
means, credit the invoice."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from host import credit_notes, payments
from host.extensions import db
from host.invoice_data import totals_for
from host.models import Company, Invoice
from host.models_payments import BankAccount
from host.payment_forms import CreditNoteForm, PaymentForm, PaymentMeansForm
from host.payment_means import means_problems

bp = Blueprint("payments", __name__, url_prefix="/invoices/<int:invoice_id>")


def _invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        abort(404)
    return invoice


def _back(invoice: Invoice, anchor: str = "payment"):
    return redirect(url_for("invoices.show", invoice_id=invoice.id) + f"#{anchor}")


def _flash_errors(form) -> None:
    for name, messages in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else ""
        for message in messages:
            flash(f"{label}: {message}" if label else message, "error")


def bank_accounts() -> list[BankAccount]:
    return db.session.execute(db.select(BankAccount).order_by(BankAccount.name)).scalars().all()


def means_form(invoice: Invoice, accounts: list[BankAccount], posted: bool = False) -> PaymentMeansForm:
    data = {"payment_means": invoice.payment_means, "bank_account": invoice.bank_account_id or 0,
            "mandate_reference": invoice.mandate_reference}
    form = PaymentMeansForm() if posted else PaymentMeansForm(formdata=None, data=data)
    form.bank_account.choices = [(0, "— the default account —")] + [(a.id, f"{a.name} ({a.iban})") for a in accounts]
    return form


def page_context(invoice: Invoice) -> dict:
    """What the invoice page's payment, payment means and credit sections show."""
    accounts = bank_accounts()
    return {
        "payment_form": PaymentForm(formdata=None, data={"amount_paid": invoice.amount_paid, "paid_on": invoice.paid_on}),
        "payment_reports": payments.reports_for(invoice),
        "means_form": means_form(invoice, accounts),
        "means_problems": means_problems(invoice, accounts),
        "credit_refusal": credit_notes.refusal(invoice),
    }


@bp.route("/payment", methods=["POST"])
def record_payment(invoice_id: int):
    invoice = _invoice(invoice_id)
    form = PaymentForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(invoice)
    problems = payments.validate_user_entry(invoice, form.amount_paid.data, form.paid_on.data)
    if problems:
        for problem in problems:
            flash(problem, "error")
        return _back(invoice)
    report = payments.record_by_user(invoice, form.amount_paid.data, form.paid_on.data, current_user.username)
    db.session.commit()
    flash(f"Invoice {invoice.number} is now {payments.PAYMENT_LABELS[report.state].lower()}.", "success")
    return _back(invoice)


@bp.route("/payment-means", methods=["POST"])
def payment_means(invoice_id: int):
    invoice = _invoice(invoice_id)
    accounts = bank_accounts()
    form = means_form(invoice, accounts, posted=True)
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(invoice, "payment-means")
    invoice.payment_means = form.payment_means.data or ""
    invoice.bank_account_id = form.bank_account.data or None
    invoice.mandate_reference = form.mandate_reference.data or ""
    db.session.commit()
    flash("Payment means saved.", "success")
    for problem in means_problems(invoice, accounts):
        flash(problem, "warning")
    return _back(invoice, "payment-means")


@bp.route("/credit", methods=["GET", "POST"])
def credit(invoice_id: int):
    original = _invoice(invoice_id)
    refusal = credit_notes.refusal(original)
    if refusal:
        flash(refusal, "error")
        return _back(original, "credit-notes")
    form = CreditNoteForm(data=None if request.method == "POST" else {"number": credit_notes.suggested_number(original)})
    chosen = [int(v) for v in request.form.getlist("line") if v.isdigit()]
    if form.validate_on_submit():
        if request.form.get("scope") == "lines" and not chosen:
            form.form_errors.append("Choose the lines to credit, or credit the whole invoice.")
        elif db.session.execute(db.select(Invoice.id).filter_by(number=form.number.data)).first():
            form.number.errors = [*form.number.errors, "Another invoice already uses this number."]
        else:
            note = credit_notes.make_credit_note(original, form.number.data, form.reason.data,
                                                 chosen if request.form.get("scope") == "lines" else None)
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                form.number.errors = [*form.number.errors, "Another invoice already uses this number."]
            else:
                flash(f"Credit note {note.number} created for invoice {original.number}.", "success")
                return redirect(url_for("invoices.show", invoice_id=note.id))
    status = 400 if form.is_submitted() else 200
    return render_template("invoices/credit.html", form=form, original=original, chosen=chosen,
                           totals=totals_for(original, Company.get())), status
