"""Phrase TMS (formerly Memsource): the who-am-I call behind "Check connection"."""
from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from host import HttpError, http_session

TIMEOUT = (5, 15)  # seconds: connect, read


PROVIDER = "Phrase TMS"
MAX_BODY = 1000  # characters of an error answer kept for support


class PhraseError(HttpError):
    """The check failed; ``reason`` is for the admin, ``body`` is kept for support."""

    @property
    def reason(self) -> str:
        return self.text

    @property
    def body(self) -> str | None:
        return self.raw


@dataclass(frozen=True)
class WhoAmI:
    user_name: str
    full_name: str
    email: str | None
    role: str | None
    organization: str
    edition: str | None


def user_agent(contact: str | None = None) -> str:
    """Phrase asks API clients to name the application and a contact."""
    try:
        version = importlib.metadata.version("erp-host-memsource-belazy")
    except importlib.metadata.PackageNotFoundError:
        version = "dev"
    return f"erp-host-memsource-belazy/{version} (erp-host ERP; contact: {contact or 'not set'})"


def who_am_i(base_url: str, token: str, contact: str | None = None, timeout=TIMEOUT) -> WhoAmI:
    """Call ``GET {base_url}/api2/v1/auth/whoAmI`` with ``Authorization: ApiToken <token>``.

    :raises PhraseError: with a reason the admin can act on.
    """
    url = base_url.rstrip("/") + "/api2/v1/auth/whoAmI"
    host = urlsplit(url).netloc
    headers = {
        "Authorization": f"ApiToken {token.strip()}",
        "User-Agent": user_agent(contact),
        "Accept": "application/json",
    }
    try:
        response = http_session("memsource_belazy", base_url, token).get(url, headers=headers, timeout=timeout)
    except requests.Timeout as exc:
        raise PhraseError.from_exception(exc, provider=PROVIDER,
                                         text=f"{host} did not answer in time; try again later.") from None
    except requests.ConnectionError as exc:
        raise PhraseError.from_exception(
            exc, provider=PROVIDER, text=f"could not connect to {host} ({type(exc).__name__}); check the base URL."
        ) from None
    if response.status_code != 200:
        error = PhraseError.from_response(response, provider=PROVIDER, raw=response.text[:MAX_BODY])
        error.text = _http_reason(error, _error_description(response))
        raise error
    return _parse(response)


#: Phrase's wording for the kinds of failure the admin can act on.
REASONS = {
    "auth": "Phrase TMS rejected the API token (HTTP 401): it is wrong or has expired.",
    "forbidden": "the token's user may not read its own profile (HTTP 403).",
    "not_found": "no who-am-I endpoint at this address (HTTP 404); check the base URL.",
    "throttled": "Phrase TMS is limiting requests (HTTP 429); try again in a minute.",
}


def _http_reason(error: PhraseError, described: str | None) -> str:
    if error.kind == "server":
        reason = f"Phrase TMS had a server error (HTTP {error.status}); try again later."
    else:
        reason = REASONS.get(error.kind, f"Phrase TMS answered HTTP {error.status}.")
    return f"{reason} Phrase says: {described}" if described else reason


def _error_description(response: requests.Response) -> str | None:
    """Phrase errors are JSON ``{"errorCode": ..., "errorDescription": ...}``."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        return body.get("errorDescription") or body.get("errorCode")
    return None


def _parse(response: requests.Response) -> WhoAmI:
    malformed = PhraseError(
        "malformed",
        "Phrase TMS answered with something that is not a who-am-I response; check the base URL.",
        status=response.status_code,
        raw=response.text[:MAX_BODY],
    )
    try:
        body = response.json()
        user = body["user"]
        organization = body["organization"]["name"]
        user_name = user["userName"]
    except (ValueError, KeyError, TypeError):
        raise malformed from None
    if not isinstance(user_name, str) or not isinstance(organization, str):
        raise malformed
    full_name = " ".join(part for part in (user.get("firstName"), user.get("lastName")) if part)
    edition = body.get("edition")
    return WhoAmI(
        user_name=user_name,
        full_name=full_name,
        email=user.get("email"),
        role=user.get("role"),
        organization=organization,
        edition=edition.get("name") if isinstance(edition, dict) else None,
    )
