"""The settings derived from the configure form (:mod:`erp_host_b2brouter.config_schema`).

Environment ``custom`` points the plugin at any base URL (the bundled
sandbox, a proxy): that URL is used for the API **and** for the web-app
links ("Open"), because the sandbox serves both. Production and staging take
their web base from :mod:`api_facts`.
"""
from __future__ import annotations

from dataclasses import dataclass

from host import http_session

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.client import Client


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
