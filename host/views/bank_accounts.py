"""Settings → Bank accounts (admins): the company accounts invoices ask to be paid into."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from host.auth import admin_required
from host.extensions import db
from host.models_payments import BankAccount
from host.payment_forms import BankAccountForm
from host.payment_means import compact_iban

bp = Blueprint("bank_accounts", __name__, url_prefix="/settings/bank-accounts")


@bp.route("")
@admin_required
def index():
    accounts = db.session.execute(db.select(BankAccount).order_by(BankAccount.name)).scalars().all()
    return render_template("bank_accounts/index.html", accounts=accounts)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    return _edit(BankAccount())


@bp.route("/<int:account_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(account_id: int):
    account = db.session.get(BankAccount, account_id)
    if account is None:
        abort(404)
    return _edit(account)


def _taken(form: BankAccountForm, account: BankAccount) -> bool:
    taken = False
    for name, value in (("name", form.name.data), ("iban", compact_iban(form.iban.data))):
        query = db.select(BankAccount.id).where(getattr(BankAccount, name) == value)
        if account.id is not None:
            query = query.where(BankAccount.id != account.id)
        if db.session.execute(query).first():
            field = getattr(form, name)
            field.errors = [*field.errors, f"Another bank account already uses this {field.label.text}."]
            taken = True
    return taken


def _edit(account: BankAccount):
    form = BankAccountForm(obj=account)
    if form.validate_on_submit() and not _taken(form, account):
        account.name, account.iban = form.name.data, compact_iban(form.iban.data)
        account.bic, account.holder = form.bic.data or "", form.holder.data or ""
        account.is_default = bool(form.is_default.data)
        if account.is_default:
            db.session.execute(db.update(BankAccount).where(BankAccount.id != (account.id or 0)).values(is_default=False))
        db.session.add(account)
        db.session.commit()
        flash(f"Bank account “{account.name}” saved.", "success")
        return redirect(url_for("bank_accounts.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("bank_accounts/form.html", form=form, account=account), status
