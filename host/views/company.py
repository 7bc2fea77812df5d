"""Settings → Company (admins only): identity, home currency and how totals are calculated."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from host.auth import admin_required
from host.extensions import db
from host.forms import CompanyForm
from host.integrations.admin import recheck_enabled, title
from host.models import Company

bp = Blueprint("company", __name__, url_prefix="/settings")

HELP = {
    "rounding_method": "How every amount is rounded to the currency's minor unit (cents for EUR, yen for JPY).",
    "round_before_sum": "On: each line's tax is rounded, then the line taxes are added up (as B2BRouter/haltr). "
    "Off, with taxes per line off too: the taxable base of each rate is taxed and rounded once.",
    "apply_taxes_per_line": "On: each line's tax is computed and rounded per line before summing, like round "
    "before sum. Each line always keeps its own taxes; a line without taxes takes the invoice's.",
    "currency": "The default currency of new invoices (3-letter ISO code).",
    "country": "2-letter ISO code, e.g. ES.",
    "number_format": "New invoices left without a number get the next one: {year} is the issue year, {seq} "
    "the running number ({seq:04} pads it to 0001). With {year} the sequence restarts each year.",
}


@bp.route("/company", methods=["GET", "POST"])
@admin_required
def edit():
    company = Company.get()
    form = CompanyForm(obj=company)
    if form.validate_on_submit():
        form.populate_obj(company)
        db.session.commit()
        flash("Company settings saved.", "success")
        for provider, result in recheck_enabled(current_user.username):
            for message in result.messages:
                flash({"text": f"{title(provider)} checked again: {message.text}", "details": list(message.details)},
                      message.level)
        return redirect(url_for("company.edit"))
    status = 400 if form.is_submitted() else 200
    return render_template("company/edit.html", form=form, help=HELP), status
