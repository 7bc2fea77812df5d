"""Settings → Integrations: list, configure, enable, disable, actions, log (admins)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import fields, missing

from host.auth import admin_required
from host.extensions import db
from host.inputs import MAX_PAGE, int_arg
from host.integrations import admin
from host.integrations.status import actions_now, badge_class, status_of
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
from host.integrations.log_filters import OUTCOMES, LogFilters
from host.models import BulkRun, IntegrationEvent, Invoice, ProviderSetting
from host.plugins import Provider, UnknownProvider
from host.secrets import SecretUnreadable, mask
from host.views.messages import flash_new, flash_result

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
        status = status_of(provider, setting)
        rows.append({"provider": provider, "setting": setting, "status": status, "badge": badge_class(status)})
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
        flash_new(result, provider)
        if result.ok and not errors:
            return redirect(url_for(".configure", provider=provider))
        values = {k: v for k, v in request.form.items() if k not in secret_fields(schema_for(plugin))}
    setting = setting_for(provider)
    db.session.commit()
    status = status_of(plugin, setting)
    events = db.session.execute(
        db.select(IntegrationEvent).filter_by(provider=provider).order_by(IntegrationEvent.id.desc()).limit(10)
    ).scalars().all()
    return render_template(
        "integrations/configure.html",
        provider=plugin,
        setting=setting,
        status=status,
        badge=badge_class(status),
        actions=actions_now(plugin, setting),
        fields=_form_fields(plugin, values),
        errors=errors,
        events=events,
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
    flash_new(result, provider)
    return redirect(url_for(".configure", provider=provider))


RECENT_RUNS = 10


@bp.route("/log")
@admin_required
def log():
    filters = LogFilters.from_args(request.args)
    page = db.paginate(filters.query(), page=int_arg("page", 1, MAX_PAGE), per_page=PAGE_SIZE, error_out=False)
    runs = db.session.execute(db.select(BulkRun).order_by(BulkRun.id.desc()).limit(RECENT_RUNS)).scalars().all()
    ids = {e.invoice_id for e in page.items if e.invoice_id}
    numbers = dict(db.session.execute(db.select(Invoice.id, Invoice.number).where(Invoice.id.in_(ids))).all()) if ids else {}
    return render_template(
        "integrations/log.html",
        runs=[(run, bulk.progress(run)) for run in runs],
        page=page,
        providers=[(key, p.info.title if p.info else key) for key, p in sorted(registry().providers.items())],
        filters=filters,
        outcomes=OUTCOMES,
        invoice_numbers=numbers,
    )
