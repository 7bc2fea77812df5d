"""The configure form: app credentials and which QuickBooks to talk to."""
from host import EnvironmentSchema, custom_url_field, environment_field
from marshmallow import fields, pre_load, validate

ENVIRONMENTS = [
    ("production", "Production (real companies)"),
    ("sandbox", "Intuit sandbox companies"),
    ("custom", "Custom base URL (local sandbox)"),
]


class QuickBooksConfigSchema(EnvironmentSchema):
    CUSTOM_URL_MISSING = "Required for the custom environment."

    client_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"label": "Client ID", "help": "From your app's Keys & credentials page on developer.intuit.com."},
    )
    client_secret = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"label": "Client secret", "secret": True},
    )
    environment = environment_field(ENVIRONMENTS)
    custom_base_url = custom_url_field(
        "Custom base URL", "Only for the custom environment, e.g. the plugin's sandbox at http://127.0.0.1:8765.")
    webhook_verifier_token = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={
            "label": "Webhook verifier token",
            "secret": True,
            "help": "From your app's Webhooks page on developer.intuit.com (not the client secret). Point the "
                    "webhook at this host's webhook URL, with Invoice, Payment and CreditMemo events. Without it "
                    "every webhook is refused; the scheduled sync and catch-up still bring payments in.",
        },
    )

    @pre_load
    def _blank_token_is_none(self, data, **kwargs):
        if isinstance(data, dict) and data.get("webhook_verifier_token") == "":
            data = {**data, "webhook_verifier_token": None}
        return data
