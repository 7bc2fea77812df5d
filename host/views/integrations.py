"""Settings → Integrations: list, configure, enable, disable, actions, log (admins)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from host.auth import admin_required
from host.inputs import MAX_PAGE, int_arg
from host.integrations import admin, history
from host.integrations.history import OUTCOMES
from host.integrations.log_filters import LogFilters, invoice_numbers
from host.integrations.settings import describe_fields, registry, schema_for, secret_fields
from host.integrations.status import actions_now, badge_class, status_of
from host.jobs import bulk
from host.plugins import Provider, UnknownProvider
from host.views.messages import flash_new, flash_result

bp = Blueprint("integrations", __name__, url_prefix="/settings/integrations")
PAGE_SIZE = 50
MAX_SYNC_MINUTES = 1440
RECENT_RUNS = 10


def _provider_or_404(key: str) -> Provider:
    try:
        return registry().get(key)
    except UnknownProvider:
        abort(404)


@bp.route("/")
@admin_required
def index():
    rows = []
    for provider, setting in admin.overview():
        status = status_of(provider, setting)
        rows.append({"provider": provider, "setting": setting, "status": status, "badge": badge_class(status)})
    return render_template("integrations/index.html", rows=rows)


@bp.route("/<provider>", methods=["GET", "POST"])
@admin_required
def configure(provider):
    plugin = _provider_or_404(provider)
    errors: dict = {}
    values = None
    if request.method == "POST":
        result, errors = admin.configure(plugin, request.form.to_dict(), current_user.username)
        flash_new(result, provider)
        if result.ok and not errors:
            return redirect(url_for(".configure", provider=provider))
        values = {k: v for k, v in request.form.items() if k not in secret_fields(schema_for(plugin))}
    setting = admin.setting(provider)
    status = status_of(plugin, setting)
    return render_template(
        "integrations/configure.html",
        provider=plugin,
        setting=setting,
        status=status,
        badge=badge_class(status),
        actions=actions_now(plugin, setting),
        fields=describe_fields(plugin, values),
        errors=errors,
        events=history.for_provider(provider),
    ), (422 if request.method == "POST" else 200)


@bp.route("/<provider>/check", methods=["POST"])
@admin_required
def check(provider):
    flash_new(admin.check(_provider_or_404(provider), current_user.username), provider)
    return redirect(url_for(".configure", provider=provider))


@bp.route("/<provider>/enable", methods=["POST"])
@admin_required
def enable(provider):
    flash_new(admin.enable(_provider_or_404(provider), current_user.username), provider)
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
    admin.set_sync_minutes(provider, int(value))
    flash("Status sync is off." if value == "0" else f"Linked invoices are checked every {int(value)} minutes "
          "during their first day, then hourly for a week, then daily.", "success")
    return redirect(url_for(".configure", provider=provider))


@bp.route("/<provider>/actions/<name>", methods=["POST"])
@admin_required
def action(provider, name):
    params = {k: v for k, v in request.form.items() if k != "csrf_token"}
    result = admin.run_action(_provider_or_404(provider), name, params, current_user.username)
    if result.ok and result.redirect_url:
        return redirect(result.redirect_url)
    flash_new(result, provider)
    return redirect(url_for(".configure", provider=provider))


@bp.route("/log")
@admin_required
def log():
    filters = LogFilters.from_args(request.args)
    page = filters.page(int_arg("page", 1, MAX_PAGE), PAGE_SIZE)
    return render_template(
        "integrations/log.html",
        runs=[(run, bulk.progress(run)) for run in bulk.recent(RECENT_RUNS)],
        page=page,
        providers=[(key, p.info.title if p.info else key) for key, p in sorted(registry().providers.items())],
        filters=filters,
        outcomes=OUTCOMES,
        invoice_numbers=invoice_numbers(page.items),
    )
