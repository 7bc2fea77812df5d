"""Every QuickBooks Online address the plugin uses, per environment.

Production and Intuit's sandbox share the OAuth endpoints but differ in the
API host, the web app host and the rate limits. ``custom`` points everything
at one base URL: the plugin's own loopback sandbox serves the API, the OAuth
endpoints and a fake web app under the same paths.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

MINOR_VERSION = "75"  # Intuit ignores anything lower since 2025-08-01
SCOPE = "com.intuit.quickbooks.accounting"

AUTHORIZE_PATH = "/connect/oauth2"
TOKEN_PATH = "/oauth2/v1/tokens/bearer"
REVOKE_PATH = "/v2/oauth2/tokens/revoke"

_INTUIT_AUTHORIZE = "https://appcenter.intuit.com" + AUTHORIZE_PATH
_INTUIT_TOKEN = "https://oauth.platform.intuit.com" + TOKEN_PATH
_INTUIT_REVOKE = "https://developer.api.intuit.com" + REVOKE_PATH


@dataclass(frozen=True)
class Limits:
    """Client-side throttle for one company: ``requests`` per ``period``
    seconds and at most ``concurrent`` requests in flight."""

    requests: int
    period: float
    concurrent: int


@dataclass(frozen=True)
class Endpoints:
    api: str  # scheme and host; paths start with /v3/company/{realm}
    authorize: str
    token: str
    revoke: str
    web_app: str  # the QuickBooks web app, ends with /app
    limits: Limits

    def company(self, realm_id: str, path: str) -> str:
        return f"{self.api}/v3/company/{quote(realm_id, safe='')}/{path.lstrip('/')}"

    def invoice_page(self, invoice_id: str) -> str:
        """The invoice in the QuickBooks web app (works for a user logged in to that company)."""
        return f"{self.web_app}/invoice?txnId={quote(str(invoice_id), safe='')}"


PRODUCTION = Endpoints(
    api="https://quickbooks.api.intuit.com",
    authorize=_INTUIT_AUTHORIZE,
    token=_INTUIT_TOKEN,
    revoke=_INTUIT_REVOKE,
    web_app="https://app.qbo.intuit.com/app",
    limits=Limits(requests=500, period=60.0, concurrent=10),
)

SANDBOX = Endpoints(
    api="https://sandbox-quickbooks.api.intuit.com",
    authorize=_INTUIT_AUTHORIZE,
    token=_INTUIT_TOKEN,
    revoke=_INTUIT_REVOKE,
    web_app="https://sandbox.qbo.intuit.com/app",
    limits=Limits(requests=10, period=1.0, concurrent=10),
)


def custom(base_url: str) -> Endpoints:
    base = base_url.rstrip("/")
    return Endpoints(
        api=base,
        authorize=base + AUTHORIZE_PATH,
        token=base + TOKEN_PATH,
        revoke=base + REVOKE_PATH,
        web_app=base + "/app",
        limits=PRODUCTION.limits,  # the bundled sandbox enforces production's limits (its defaults)
    )


def for_config(config: dict) -> Endpoints:
    environment = config.get("environment") or "production"
    if environment == "production":
        return PRODUCTION
    if environment == "sandbox":
        return SANDBOX
    return custom(config["custom_base_url"])
