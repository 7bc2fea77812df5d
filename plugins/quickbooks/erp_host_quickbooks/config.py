"""The configure form: app credentials and which QuickBooks to talk to."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

ENVIRONMENTS = [
    ("production", "Production (real companies)"),
    ("sandbox", "Intuit sandbox companies"),
    ("custom", "Custom base URL (local sandbox)"),
]


class QuickBooksConfigSchema(Schema):
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
    environment = fields.String(
        load_default="production",
        validate=validate.OneOf([value for value, _ in ENVIRONMENTS]),
        metadata={"label": "Environment", "choices": ENVIRONMENTS},
    )
    custom_base_url = fields.Url(
        load_default=None,
        allow_none=True,
        require_tld=False,
        schemes={"http", "https"},
        metadata={
            "label": "Custom base URL",
            "help": "Only for the custom environment, e.g. the plugin's sandbox at http://127.0.0.1:8765.",
        },
    )

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
    def _blank_is_none(self, data, **kwargs):
        if isinstance(data, dict) and data.get("custom_base_url") == "":
            data = {**data, "custom_base_url": None}
        if isinstance(data, dict) and data.get("webhook_verifier_token") == "":
            data = {**data, "webhook_verifier_token": None}
        return data

    @validates_schema
    def _custom_needs_url(self, data, **kwargs):
        if data.get("environment") == "custom" and not data.get("custom_base_url"):
            raise ValidationError("Required for the custom environment.", "custom_base_url")
