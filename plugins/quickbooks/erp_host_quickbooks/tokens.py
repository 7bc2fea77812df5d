"""The connection's tokens: stored encrypted by the host, refreshed under a lock.

Intuit rotates refresh tokens, and a refresh token that was used is no longer
valid. Two workers refreshing at once would therefore lock one of them out
(``invalid_grant``). So a refresh runs under a host-wide lock per company,
re-reads the stored tokens first (another worker may just have refreshed),
and saves the new pair before the new access token is used.
"""
from __future__ import annotations

import json
import time

from erp_host_quickbooks import oauth
from erp_host_quickbooks.endpoints import Endpoints
from erp_host_quickbooks.faults import QuickBooksError

SECRET = "tokens"
REFRESH_MARGIN = 300  # seconds: refresh this long before the access token expires
RECONNECT = "Reconnect to QuickBooks"


def load(context) -> dict | None:
    raw = context.secrets.get(SECRET)
    return json.loads(raw) if raw else None


def save(context, tokens: dict | None) -> None:
    context.secrets.set(SECRET, json.dumps(tokens) if tokens else None)


def realm_id(context) -> str | None:
    return context.state.get("realm_id")


def _fresh(tokens: dict) -> bool:
    return tokens["expires_at"] - time.time() > REFRESH_MARGIN


class TokenManager:
    def __init__(self, config: dict, context, endpoints: Endpoints):
        self.config = config
        self.context = context
        self.endpoints = endpoints

    def _require(self) -> dict:
        tokens = load(self.context)
        if not tokens or not realm_id(self.context):
            raise QuickBooksError(kind="not_connected")
        return tokens

    def access_token(self) -> str:
        """A valid access token, refreshed first when it is about to expire."""
        tokens = self._require()
        if _fresh(tokens):
            return tokens["access_token"]
        return self.refresh(stale=tokens["access_token"])

    def refresh(self, stale: str) -> str:
        """Replace the access token ``stale`` (expired or rejected with 401).

        If another worker already replaced it, its fresh token is used as is.
        """
        with self.context.lock(f"quickbooks-token:{realm_id(self.context)}"):
            tokens = self._require()
            if tokens["access_token"] != stale and _fresh(tokens):
                return tokens["access_token"]
            try:
                new = oauth.refresh(self.config, self.endpoints, tokens["refresh_token"])
            except oauth.OAuthFailure as failure:
                if failure.error == "invalid_grant":
                    self.context.needs_attention(RECONNECT)
                    raise QuickBooksError(
                        kind="reconnect",
                        request_id=failure.request_id,
                        body=failure.body,
                        note=failure.description,
                    ) from failure
                kinds = {"unavailable": "network", "invalid_client": "credentials"}
                raise QuickBooksError(
                    kind=kinds.get(failure.error, "auth"),
                    request_id=failure.request_id,
                    body=failure.body,
                    note=str(failure),
                ) from failure
            save(self.context, new)  # before the new access token is used
            return new["access_token"]
