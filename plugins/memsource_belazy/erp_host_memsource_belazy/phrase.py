"""Phrase TMS (formerly Memsource): the who-am-I call behind "Check connection"."""
from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

TIMEOUT = (5, 15)  # seconds: connect, read


class PhraseError(Exception):
    """The check failed; ``reason`` is for the admin, ``body`` is kept for support."""

    def __init__(self, reason: str, status: int | None = None, body: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.body = body


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
        response = requests.get(url, headers=headers, timeout=timeout)
    except requests.Timeout:
        raise PhraseError(f"{host} did not answer in time; try again later.") from None
    except requests.ConnectionError as exc:
        raise PhraseError(f"could not connect to {host} ({type(exc).__name__}); check the base URL.") from None
    if response.status_code != 200:
        raise PhraseError(_http_reason(response), response.status_code, response.text[:1000])
    return _parse(response)


def _http_reason(response: requests.Response) -> str:
    code = response.status_code
    described = _error_description(response)
    if code == 401:
        reason = "Phrase TMS rejected the API token (HTTP 401): it is wrong or has expired."
    elif code == 403:
        reason = "the token's user may not read its own profile (HTTP 403)."
    elif code == 404:
        reason = "no who-am-I endpoint at this address (HTTP 404); check the base URL."
    elif code == 429:
        reason = "Phrase TMS is limiting requests (HTTP 429); try again in a minute."
    elif code >= 500:
        reason = f"Phrase TMS had a server error (HTTP {code}); try again later."
    else:
        reason = f"Phrase TMS answered HTTP {code}."
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
        "Phrase TMS answered with something that is not a who-am-I response; check the base URL.",
        response.status_code,
        response.text[:1000],
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
