"""Settings → Integrations: list, configure, enable, disable, actions, log (admins)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from host.auth import admin_required
from host.extensions import db
from host.inputs import MAX_PAGE, int_arg
from host.integrations import admin, history
from host.integrations.admin import status_of
from host.integrations.settings import (
    describe_fields,
    registry,
    schema_for,
    secret_fields,
    setting_for,
)
from host.jobs import bulk
from host.models import BulkRun, IntegrationEvent, ProviderSetting
from host.plugins import Provider, UnknownProvider
from host.views.messages import flash_result

bp = Blueprint("integrations", __name__, url_prefix="/settings/integrations")
PAGE_SIZE = 50


def _provider_or_404(key: str) -> Provider:
    try:
        return registry().get(key)
    except UnknownProvider:
        abort(404)


@bp.route("/")
@admin_required
def index():
    rows = []
    for key, provider in sorted(registry().providers.items()):
        setting = db.session.get(ProviderSetting, key)
        rows.append({"provider": provider, "setting": setting, "status": status_of(provider, setting)})
    return render_template("integrations/index.html", rows=rows)


@bp.route("/<provider>", methods=["GET", "POST"])
@admin_required
def configure(provider):
    plugin = _provider_or_404(provider)
    errors: dict = {}
    values = None
    if request.method == "POST":
        result, errors = admin.configure(plugin, request.form.to_dict(), current_user.username)
        flash_result(result)
        if result.ok and not errors:
            return redirect(url_for(".configure", provider=provider))
        values = {k: v for k, v in request.form.items() if k not in secret_fields(schema_for(plugin))}
    setting = setting_for(provider)
    db.session.commit()
    events = db.session.execute(
        db.select(IntegrationEvent).filter_by(provider=provider).order_by(IntegrationEvent.id.desc()).limit(10)
    ).scalars().all()
    return render_template(
        "integrations/configure.html",
        provider=plugin,
        setting=setting,
        status=status_of(plugin, setting),
        fields=describe_fields(plugin, values),
        errors=errors,
        events=events,
    ), (422 if request.method == "POST" else 200)


@bp.route("/<provider>/check", methods=["POST"])
@admin_required
def check(provider):
    flash_result(admin.check(_provider_or_404(provider), current_user.username))
    return redirect(url_for(".configure", provider=provider))


@bp.route("/<provider>/enable", methods=["POST"])
@admin_required
def enable(provider):
    flash_result(admin.enable(_provider_or_404(provider), current_user.username))
    return redirect(request.form.get("back") == "list" and url_for(".index") or url_for(".configure", provider=provider))


@bp.route("/<provider>/disable", methods=["POST"])
@admin_required
def disable(provider):
    flash_result(admin.disable(_provider_or_404(provider), current_user.username))
    return redirect(request.form.get("back") == "list" and url_for(".index") or url_for(".configure", provider=provider))


@bp.route("/<provider>/sync", methods=["POST"])
@admin_required
def sync(provider):
    """How often the scheduled status sync polls this provider's linked invoices."""
    _provider_or_404(provider)
    value = request.form.get("sync_minutes", "").strip()
    if not value.isdigit() or not 0 <= int(value) <= MAX_SYNC_MINUTES:
        flash(f"The first sync interval is a whole number of minutes from 0 (off) to {MAX_SYNC_MINUTES}.", "error")
        return redirect(url_for(".configure", provider=provider))
    setting_for(provider).sync_minutes = int(value)
    db.session.commit()
    flash("Status sync is off." if value == "0" else f"Linked invoices are checked every {int(value)} minutes "
          "during their first day, then hourly for a week, then daily.", "success")
    return redirect(url_for(".configure", provider=provider))


MAX_SYNC_MINUTES = 1440


@bp.route("/<provider>/actions/<name>", methods=["POST"])
@admin_required
def action(provider, name):
    params = {k: v for k, v in request.form.items() if k != "csrf_token"}
    result = admin.run_action(_provider_or_404(provider), name, params, current_user.username)
    if result.ok and result.redirect_url:
        return redirect(result.redirect_url)
    flash_result(result)
    return redirect(url_for(".configure", provider=provider))


RECENT_RUNS = 10


@bp.route("/log")
@admin_required
def log():
    provider = request.args.get("provider", "")
    outcome = request.args.get("outcome", "")
    query = history.log_query(provider, outcome)
    page = db.paginate(query, page=int_arg("page", 1, MAX_PAGE), per_page=PAGE_SIZE, error_out=False)
    runs = db.session.execute(db.select(BulkRun).order_by(BulkRun.id.desc()).limit(RECENT_RUNS)).scalars().all()
    return render_template(
        "integrations/log.html",
        runs=[(run, bulk.progress(run)) for run in runs],
        page=page,
        providers=sorted(registry().providers),
        provider=provider,
        outcome=outcome,
        outcomes=history.OUTCOMES,
    )
