"""Providers: what is installed, enabled and in what state (everyone); configure
with the provider's own settings schema, enable, disable (admins).

Configuring goes through ``host.integrations.admin.configure`` like the
configure page: the provider's schema, then its own check; nothing is saved
unless both pass. Secrets are write-only: reads show them masked, and an
omitted secret keeps the stored one (``clear`` removes optional ones).
"""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from host.extensions import db
from host.integrations import admin
from host.integrations.settings import clear_field, describe_fields, registry, schema_for
from host.models import ProviderSetting
from host.plugins import Provider
from host.rest.auth import admin_required, username
from host.rest.errors import API_PREFIX, Problem
from host.rest.integration_schemas import ProviderSchema
from host.rest.invoice_actions import provider_or_404, result_problem


class SettingFieldSchema(ma.Schema):
    name = ma.fields.String()
    label = ma.fields.String()
    help = ma.fields.String()
    secret = ma.fields.Boolean()
    required = ma.fields.Boolean()
    boolean = ma.fields.Boolean()
    choices = ma.fields.Raw(allow_none=True, metadata={"description": "Allowed values, when limited."})
    value = ma.fields.Raw(allow_none=True, metadata={"description": "The stored value (never a secret's)."})
    masked = ma.fields.String(allow_none=True, metadata={"description": "A secret, masked; null when it cannot be decrypted."})


class ProviderDetailSchema(ProviderSchema):
    settings = ma.fields.List(ma.fields.Nested(SettingFieldSchema), metadata={
        "description": "The provider's settings schema, with the stored values (admins only; empty for users)."})


class ConfigureSchema(ma.Schema):
    settings = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True, metadata={
        "description": "Field name → value, as described by the provider's settings. An omitted or empty secret "
                       "keeps the stored one.", "example": {"account": "A", "api_key": "…"}})
    clear = ma.fields.List(ma.fields.String(), load_default=list, metadata={
        "description": "Optional secrets to remove."})


def provider_json(provider: Provider, detail: bool = False, admin_view: bool = False) -> dict:
    setting = db.session.get(ProviderSetting, provider.key)
    info = provider.info
    data = {"key": provider.key, "title": info.title if info else None, "distribution": provider.distribution,
            "version": provider.version, "enabled": bool(setting and setting.enabled),
            "status": admin.status_of(provider, setting), "load_error": provider.load_error,
            "notices": list(setting.notices or []) if setting else [],
            "handles_invoices": provider.plugin is not None and (
                provider.implements("create_remote_invoice") or provider.implements("link"))}
    if detail:
        fields = describe_fields(provider) if admin_view and provider.plugin is not None else []
        data["settings"] = [{**f, "value": None if f["secret"] else f["value"]} for f in fields]
    return data


def form_of(data: dict, provider: Provider) -> dict[str, str]:
    """The JSON settings as the configure form would post them."""
    schema = schema_for(provider)
    known = set(schema.fields) if schema else set()
    form: dict[str, str] = {}
    for name, value in data["settings"].items():
        if name not in known or value is None or value is False:
            continue
        form[name] = "y" if value is True else str(value)
    for name in data["clear"]:
        form[clear_field(name)] = "y"
    return form


def _loaded(key: str) -> Provider:
    provider = provider_or_404(key)
    if provider.plugin is None:
        raise Problem(409, f"The integration {key!r} failed to load: {provider.load_error}")
    return provider


def blueprints() -> list[Blueprint]:
    blp = Blueprint("api_providers", __name__, url_prefix=f"{API_PREFIX}/providers",
                    description="Providers: installed, enabled, status; admins configure, enable, disable.")

    @blp.route("")
    class Providers(MethodView):
        @blp.response(200, ProviderSchema(many=True))
        @blp.doc(operationId="list_providers", summary="Every installed provider")
        def get(self):
            return [provider_json(p) for _, p in sorted(registry().providers.items())]

    @blp.route("/<provider>")
    class ProviderItem(MethodView):
        @blp.response(200, ProviderDetailSchema)
        @blp.doc(operationId="read_provider", summary="One provider; admins also get its settings (secrets masked)")
        def get(self, provider):
            from host.rest.auth import current_user

            return provider_json(provider_or_404(provider), detail=True, admin_view=current_user().is_admin)

    @blp.route("/<provider>/configure")
    class Configure(MethodView):
        @admin_required
        @blp.arguments(ConfigureSchema)
        @blp.response(200, ProviderDetailSchema)
        @blp.doc(operationId="configure_provider", summary="Save settings (admins): the provider's schema, then its check")
        def post(self, data, provider):
            plugin = _loaded(provider)
            result, errors = admin.configure(plugin, form_of(data, plugin), username())
            if errors:
                raise Problem(422, "Some settings are not valid; see errors. Nothing was saved.", errors=errors)
            if not result.ok:
                raise result_problem(result, 422)
            return provider_json(plugin, detail=True, admin_view=True)

    @blp.route("/<provider>/enable")
    class Enable(MethodView):
        @admin_required
        @blp.response(200, ProviderDetailSchema)
        @blp.doc(operationId="enable_provider", summary="Check the settings and enable (admins)")
        def post(self, provider):
            plugin = _loaded(provider)
            result = admin.enable(plugin, username())
            if not result.ok:
                raise result_problem(result, 422)
            return provider_json(plugin, detail=True, admin_view=True)

    @blp.route("/<provider>/disable")
    class Disable(MethodView):
        @admin_required
        @blp.response(200, ProviderDetailSchema)
        @blp.doc(operationId="disable_provider", summary="Disable (admins)")
        def post(self, provider):
            plugin = _loaded(provider)
            admin.disable(plugin, username())
            return provider_json(plugin, detail=True, admin_view=True)

    return [blp]
