"""Settings → Company (admins only): identity, home currency and how totals are calculated."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from host.auth import admin_required
from host.extensions import db
from host.forms import CompanyForm
from host.models import Company

bp = Blueprint("company", __name__, url_prefix="/settings")

HELP = {
    "rounding_method": "How every amount is rounded to the currency's minor unit (cents for EUR, yen for JPY).",
    "round_before_sum": "On: each line's tax is rounded, then the line taxes are added up. "
    "Off: the lines' taxable bases of each rate are added up and the tax is rounded once.",
    "apply_taxes_per_line": "On: each line is taxed with the taxes chosen on that line. "
    "Off: the taxes chosen on the invoice apply to every line.",
    "currency": "The default currency of new invoices (3-letter ISO code).",
    "country": "2-letter ISO code, e.g. ES.",
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
        return redirect(url_for("company.edit"))
    status = 400 if form.is_submitted() else 200
    return render_template("company/edit.html", form=form, help=HELP), status
