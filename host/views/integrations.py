"""Settings → Integrations: list, configure, enable, disable, actions, log (admins)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import fields, missing

from host.auth import admin_required
from host.inputs import MAX_PAGE, int_arg
from host.integrations import admin, history
from host.integrations.settings import (
    clear_field,
    config_box,
    registry,
    schema_for,
    secret_fields,
    setting_for,
    unreadable_secrets,
)
from host.jobs import bulk
from host.models import ProviderSetting
from host.plugins import Provider, UnknownProvider
from host.secrets import SecretUnreadable, mask
from host.views.messages import flash_result

bp = Blueprint("integrations", __name__, url_prefix="/settings/integrations")
PAGE_SIZE = 50


def status_of(provider: Provider, setting: ProviderSetting | None) -> str:
    if provider.load_error:
        return "failed to load"
    if setting and setting.attention:
        return "needs attention"
    if unreadable_secrets(provider.key):
        return "needs attention"
    if setting and any(n.get("level") == "error" for n in (setting.notices or [])):
        return "needs attention"
    if setting and setting.enabled and any(n.get("level") == "warning" for n in (setting.notices or [])):
        return "settings differ"
    return "enabled" if setting and setting.enabled else "disabled"


def _provider_or_404(key: str) -> Provider:
    try:
        return registry().get(key)
    except UnknownProvider:
        abort(404)


@bp.route("/")
@admin_required
def index():
    rows = [{"provider": provider, "setting": setting, "status": status_of(provider, setting)}
            for provider, setting in admin.overview()]
    return render_template("integrations/index.html", rows=rows)


def _form_fields(provider: Provider, values: dict | None = None):
    """Describe the configure form from the provider's marshmallow schema."""
    schema = schema_for(provider)
    if schema is None:
        return []
    setting = setting_for(provider.key)
    stored = dict(setting.config or {})
    box = config_box(provider.key)
    described = []
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        secret = bool(field.metadata.get("secret"))
        default = field.load_default if field.load_default is not missing and not callable(field.load_default) else None
        value = (values or {}).get(name, stored.get(name, default))
        try:
            masked = mask(box.get(name)) if secret else ""
        except SecretUnreadable:
            masked = None
        described.append(
            {
                "name": name,
                "label": field.metadata.get("label", name.replace("_", " ").capitalize()),
                "help": field.metadata.get("help", ""),
                "secret": secret,
                "masked": masked,  # None: stored but cannot be decrypted
                "choices": field.metadata.get("choices"),
                "boolean": isinstance(field, fields.Boolean),
                "clear_name": clear_field(name),
                "required": field.required,
                "value": "" if secret or value is None else value,
            }
        )
    return described


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
    setting = admin.setting(provider)
    events = history.for_provider(provider)
    return render_template(
        "integrations/configure.html",
        provider=plugin,
        setting=setting,
        status=status_of(plugin, setting),
        fields=_form_fields(plugin, values),
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
    admin.set_sync_minutes(provider, int(value))
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
    page = history.log_page(provider, outcome, int_arg("page", 1, MAX_PAGE), PAGE_SIZE)
    runs = bulk.recent(RECENT_RUNS)
    return render_template(
        "integrations/log.html",
        runs=[(run, bulk.progress(run)) for run in runs],
        page=page,
        providers=sorted(registry().providers),
        provider=provider,
        outcome=outcome,
        outcomes=("ok", "failed", "blocked", "error"),
    )
