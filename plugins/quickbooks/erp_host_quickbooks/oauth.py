"""OAuth 2.0 with Intuit through Authlib's requests client.

Authlib builds the authorization URL and performs the code exchange and the
refresh (client authentication with HTTP Basic, form bodies). Intuit's revoke
endpoint wants a JSON body, which Authlib's RFC 7009 helper does not send, so
``revoke`` posts it through the same session with Authlib's Basic client auth.

Authlib takes about 200 ms to import, so it is imported on the first token
call, not when the plugin loads.
"""
from __future__ import annotations

import functools
import time

import requests

from erp_host_quickbooks.endpoints import SCOPE, Endpoints

TIMEOUT = 20  # seconds, for every token call


class OAuthFailure(Exception):
    """A token call failed. ``error`` is the OAuth error code (``invalid_grant``,
    ``invalid_client`` ...) or ``unavailable`` when Intuit could not be reached."""

    def __init__(self, error: str, description: str = "", request_id: str | None = None, body: str | None = None):
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description
        self.request_id = request_id
        self.body = body


@functools.cache
def _session_class():
    from authlib.integrations.requests_client import OAuth2Session

    class Session(OAuth2Session):
        """Keeps the last token response so failures carry Intuit's ``intuit_tid``."""

        last_response = None

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for hook in ("access_token_response", "refresh_token_response"):
                self.register_compliance_hook(hook, self._remember)

        def _remember(self, response):
            self.last_response = response
            return response

    return Session


def _session(config: dict, redirect_uri: str | None = None):
    return _session_class()(
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        token_endpoint_auth_method="client_secret_basic",
        scope=SCOPE,
        redirect_uri=redirect_uri,
        default_timeout=TIMEOUT,
    )


def authorization_url(config: dict, endpoints: Endpoints, redirect_uri: str, state: str) -> str:
    with _session(config, redirect_uri) as session:
        url, _ = session.create_authorization_url(endpoints.authorize, state=state)
    return url


def _stored(token: dict) -> dict:
    """The fields we keep, with absolute expiry times (epoch seconds)."""
    now = int(time.time())
    return {
        "access_token": token["access_token"],
        "refresh_token": token["refresh_token"],
        "expires_at": now + int(token.get("expires_in") or 3600),
        "refresh_expires_at": now + int(token.get("x_refresh_token_expires_in") or 100 * 86400),
    }


def _call(session, func, *args, **kwargs) -> dict:
    from authlib.integrations.base_client import OAuthError

    try:
        return _stored(func(*args, **kwargs))
    except OAuthError as exc:
        response = session.last_response
        raise OAuthFailure(
            exc.error or "oauth_error",
            exc.description or "",
            request_id=response.headers.get("intuit_tid") if response is not None else None,
            body=response.text[:2000] if response is not None else None,
        ) from exc
    except (requests.RequestException, ValueError, KeyError) as exc:
        response = getattr(exc, "response", None) or session.last_response
        raise OAuthFailure(
            "unavailable",
            f"{type(exc).__name__}: {exc}",
            request_id=response.headers.get("intuit_tid") if response is not None else None,
            body=response.text[:2000] if response is not None else None,
        ) from exc


def exchange_code(config: dict, endpoints: Endpoints, redirect_uri: str, code: str) -> dict:
    with _session(config, redirect_uri) as session:
        return _call(session, session.fetch_token, endpoints.token, code=code, grant_type="authorization_code")


def refresh(config: dict, endpoints: Endpoints, refresh_token: str) -> dict:
    with _session(config) as session:
        return _call(session, session.refresh_token, endpoints.token, refresh_token=refresh_token)


def credential_problems(config: dict, callback_url: str = "") -> list[str]:
    """What can be checked about the client ID and secret without calling Intuit.

    Intuit has no documented call that verifies an app's credentials before a
    company is connected, so nothing is sent: the credentials are verified
    for real by the code exchange when the admin connects, and the company is
    then read (CompanyInfo) with the new token.
    """
    problems = []
    for name, label in (("client_id", "client ID"), ("client_secret", "client secret")):
        value = config.get(name) or ""
        if any(ch.isspace() for ch in value):
            problems.append(f"The {label} contains spaces or line breaks; copy it again without them.")
        elif len(value) < 8:
            problems.append(f"The {label} is too short to be a QuickBooks {label}; copy it again from your app's "
                            "Keys & credentials page.")
    if config.get("client_id") and config.get("client_id") == config.get("client_secret"):
        problems.append("The client ID and the client secret are the same: one of them was pasted twice.")
    if config.get("environment") == "production" and callback_url.startswith("http://") \
            and not callback_url.startswith(("http://127.0.0.1", "http://localhost")):
        problems.append(f"Intuit accepts only HTTPS redirect URIs for production apps; this host's callback is "
                        f"{callback_url}. Serve the host over HTTPS.")
    return problems


def revoke(config: dict, endpoints: Endpoints, token: str) -> None:
    with _session(config) as session:
        try:
            response = session.post(
                endpoints.revoke,
                json={"token": token},
                headers={"Accept": "application/json"},
                auth=session.client_auth("client_secret_basic"),
                withhold_token=True,
            )
        except requests.RequestException as exc:
            raise OAuthFailure("unavailable", f"{type(exc).__name__}: {exc}") from exc
    if response.status_code != 200:
        raise OAuthFailure(
            f"http_{response.status_code}",
            response.text[:200],
            request_id=response.headers.get("intuit_tid"),
            body=response.text[:2000],
        )
