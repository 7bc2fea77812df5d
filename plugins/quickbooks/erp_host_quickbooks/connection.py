"""Connecting a QuickBooks company: the OAuth round trip, enabling and disconnecting.

``start`` saves a random ``state`` (as a secret) and returns the authorize URL;
``finish`` checks that state on the way back, exchanges the code, stores the
tokens (encrypted by the host) and the company's ``realmId``. ``enable``
refuses until a company is connected and its authorization still works.
"""
from __future__ import annotations

import hmac
import secrets as random_secrets

from host import Message, Result

from erp_host_quickbooks import oauth, tokens
from erp_host_quickbooks.client import QuickBooksClient
from erp_host_quickbooks.endpoints import for_config
from erp_host_quickbooks.faults import QuickBooksError
from erp_host_quickbooks.lookups import CACHE, Lookups

STATE_SECRET = "oauth_state"
NOT_CONNECTED = ("QuickBooks is not connected yet, so it stays disabled. Click “Connect to QuickBooks”, "
                 "approve the access in QuickBooks, then enable it.")


def enable(config: dict, context) -> Result:
    """Enable only with a connected company that answers (read once, then cached)."""
    if not (tokens.realm_id(context) and tokens.load(context)):
        return Result.failure(NOT_CONNECTED, sent=False)
    try:
        settings = Lookups(QuickBooksClient(config, context)).settings()
    except QuickBooksError as error:
        return error.to_result("The connected QuickBooks company could not be read, so QuickBooks stays "
                               "disabled.", sent=False)
    return Result.success(f"Invoices go to the QuickBooks company “{settings.name}”.")


def start(config: dict, context) -> Result:
    state = random_secrets.token_urlsafe(24)
    context.secrets.set(STATE_SECRET, state)
    url = oauth.authorization_url(config, for_config(config), context.callback_url, state)
    return Result(ok=True, redirect_url=url, messages=(Message("info", "Redirecting to QuickBooks to connect…"),))


def finish(params: dict, config: dict, context) -> Result:
    expected = context.secrets.get(STATE_SECRET)
    received = params.get("state") or ""
    if not expected or not hmac.compare_digest(expected, received):
        return Result.failure(
            "The answer from QuickBooks did not match a connection started here (state mismatch). "
            "Click “Connect to QuickBooks” again.",
            sent=False,
        )
    context.secrets.set(STATE_SECRET, None)  # one use only
    if params.get("error"):
        if params["error"] == "access_denied":
            return Result.failure("The connection was cancelled in QuickBooks.", sent=False)
        return Result.failure(f"QuickBooks refused the connection: {params['error']}.", sent=False)
    code, realm = params.get("code"), params.get("realmId")
    if not code or not realm:
        return Result.failure("QuickBooks sent back no authorization code or company (realmId).", sent=False)
    try:
        new_tokens = oauth.exchange_code(config, for_config(config), context.callback_url, code)
    except oauth.OAuthFailure as failure:
        if failure.error == "invalid_client":
            return Result.failure(
                "QuickBooks rejected the client ID or secret. Copy them again from your app's Keys & credentials "
                "page (use the keys of the chosen environment), save, and connect again.",
                request_id=failure.request_id, error_detail=failure.body, sent=False,
            )
        return Result.failure(
            "QuickBooks did not accept the authorization code. Click “Connect to QuickBooks” again.",
            failure.description or failure.error,
            request_id=failure.request_id,
            error_detail=failure.body,
            sent=False,
        )
    previous = context.state.get("realm_id")
    tokens.save(context, new_tokens)
    context.state["realm_id"] = realm
    context.save_state()
    context.needs_attention(None)
    CACHE.forget(realm)
    messages = [Message("success", "Connected to QuickBooks.")]
    if previous and previous != realm:
        messages.append(
            Message(
                "warning",
                f"This is a different QuickBooks company (realm {realm}, was {previous}): "
                "invoices linked before point to the previous company.",
            )
        )
    return Result(ok=True, messages=tuple(messages))


def disconnect(config: dict, context) -> Result:
    stored = tokens.load(context)
    messages = []
    if stored:
        try:
            oauth.revoke(config, for_config(config), stored["refresh_token"])
        except oauth.OAuthFailure as failure:
            messages.append(
                Message("warning", "QuickBooks could not confirm the revocation; the tokens were deleted here anyway.",
                        (failure.description[:200],) if failure.description else ())
            )
    realm = context.state.pop("realm_id", None)
    tokens.save(context, None)
    context.save_state()
    context.needs_attention(None)
    if realm:
        CACHE.forget(realm)
    return Result(ok=True, messages=(Message("success", "Disconnected from QuickBooks."), *messages))
