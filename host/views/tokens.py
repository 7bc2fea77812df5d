"""The API tokens page: each user makes and revokes personal API tokens;
admins see and may revoke everyone's. A new token is shown once."""
from __future__ import annotations

from datetime import datetime, time, timezone

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from host.extensions import db
from host.forms import ApiTokenForm
from host.models import ApiToken
from host.rest import tokens

bp = Blueprint("tokens", __name__, url_prefix="/settings/tokens")


def _page(form: ApiTokenForm, new_token: str | None = None, status: int = 200):
    rows = db.session.execute(tokens.visible_to(current_user)).scalars().all()
    return render_template("tokens/index.html", form=form, rows=rows, new_token=new_token,
                           now=tokens.now(), aware=tokens.aware), status


@bp.route("/", methods=["GET"])
def index():
    return _page(ApiTokenForm())


@bp.route("/", methods=["POST"])
def create():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    expires = datetime.combine(form.expires_on.data, time.min, tzinfo=timezone.utc) if form.expires_on.data else None
    _row, token = tokens.create(current_user, form.name.data, expires)
    flash("Copy the token now: it is shown only this once.", "success")
    return _page(ApiTokenForm(formdata=None), new_token=token)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id: int):
    row = db.session.get(ApiToken, token_id)
    if row is None or not tokens.may_revoke(current_user, row):
        abort(404)
    tokens.revoke(row)
    flash(f"Revoked the token “{row.name}” ({row.prefix}…). Requests with it now get 401.", "success")
    return redirect(url_for(".index"))
