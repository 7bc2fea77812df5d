"""The configure form (a marshmallow schema), imported only when the form or
the config is needed (``ProviderInfo.config_schema`` names it), so loading
the plugin does not import marshmallow."""
from __future__ import annotations

from host import EnvironmentSchema, custom_url_field, environment_field
from marshmallow import fields, validate

from erp_host_b2brouter import api_facts

ENVIRONMENTS = [
    ("production", "Production (api.b2brouter.net)"),
    ("staging", "Staging (api-staging.b2brouter.net)"),
    ("custom", "Custom URL (e.g. the bundled sandbox)"),
]


class ConfigSchema(EnvironmentSchema):
    BLANK_IS_NONE = ("custom_base_url", "webhook_secret")

    api_key = fields.String(
        required=True, validate=validate.Length(min=1),
        metadata={"label": "API key", "secret": True,
                  "help": "B2BRouter → Developers → Show API Key. Production and staging keys differ."},
    )
    account_id = fields.Integer(
        required=True, strict=False, validate=validate.Range(min=1),
        metadata={"label": "Account ID",
                  "help": "The issuing company's account (B2BRouter → Developers → View IDs)."},
    )
    environment = environment_field(ENVIRONMENTS)
    custom_base_url = custom_url_field(
        "Custom URL", "Only for the Custom environment: the API base URL, also used for web links.")
    webhook_secret = fields.String(
        load_default=None, allow_none=True,
        metadata={"label": "Webhook secret", "secret": True,
                  "help": "The secret B2BRouter shows for the webhook that calls this app's webhook URL."},
    )
    requests_per_minute = fields.Integer(
        load_default=api_facts.DEFAULT_REQUESTS_PER_MINUTE, strict=False, validate=validate.Range(min=1, max=6000),
        metadata={"label": "Requests per minute",
                  "help": "The most this installation sends to B2BRouter per minute, shared by every worker. "
                          "B2BRouter documents no limit; raise it only if B2BRouter allows more."},
    )
    send_after_import = fields.Boolean(
        load_default=False,
        metadata={"label": "Send after import",
                  "help": "Send each new invoice to the customer at once. Off: it stays in B2BRouter "
                          "as New for review."},
    )
