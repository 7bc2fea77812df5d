"""The configure form: app credentials and which QuickBooks to talk to."""
from host import EnvironmentSchema, custom_url_field, environment_field
from marshmallow import fields, validate

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
