"""The configure form (a marshmallow schema) and the settings derived from it.

Environment ``custom`` points the plugin at any base URL (the bundled
sandbox, a proxy): that URL is used for the API **and** for the web-app
links ("Open"), because the sandbox serves both. Production and staging take
their web base from :mod:`api_facts`.
"""
from __future__ import annotations

from dataclasses import dataclass

from host import EnvironmentSchema, custom_url_field, environment_field, http_session
from marshmallow import fields, validate

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.client import Client

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


@dataclass(frozen=True)
class Settings:
    """The loaded config, with the API and web bases resolved."""

    api_key: str
    account_id: int
    environment: str
    api_base: str
    web_base: str
    webhook_secret: str | None
    send_after_import: bool
    requests_per_minute: int = api_facts.DEFAULT_REQUESTS_PER_MINUTE

    @classmethod
    def from_config(cls, config: dict) -> "Settings":
        environment = config.get("environment") or "production"
        if environment == "custom":
            api_base = web_base = str(config["custom_base_url"]).rstrip("/")
        else:
            api_base, web_base = api_facts.API_BASES[environment], api_facts.WEB_BASES[environment]
        return cls(
            api_key=config["api_key"],
            account_id=int(config["account_id"]),
            environment=environment,
            api_base=api_base,
            web_base=web_base,
            webhook_secret=config.get("webhook_secret") or None,
            send_after_import=bool(config.get("send_after_import", False)),
            requests_per_minute=int(config.get("requests_per_minute") or api_facts.DEFAULT_REQUESTS_PER_MINUTE),
        )

    def client(self, context=None) -> Client:
        """A client whose requests share the account's rate limit with every worker."""
        throttle = None
        if context is not None:
            def throttle():
                return context.throttle(f"account:{self.account_id}", self.requests_per_minute, 60)
        session = http_session("b2brouter", self.api_base, self.api_key)  # one per key and URL, reused
        return Client(self.api_base, self.api_key, throttle=throttle, session=session)

    def invoice_url(self, remote_id) -> str:
        return self.web_base + api_facts.WEB_INVOICE.format(id=remote_id)
