"""Intuit's OAuth 2.0 endpoints: authorize (consent page), token, revoke."""
from __future__ import annotations

import base64
from urllib.parse import unquote, urlencode

from flask import Blueprint, abort, current_app, redirect, render_template_string, request

from erp_host_quickbooks.endpoints import AUTHORIZE_PATH, REVOKE_PATH, SCOPE, TOKEN_PATH

bp = Blueprint("qb_oauth", __name__)

CONSENT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connect to QuickBooks (sandbox)</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:4rem auto}button{font-size:1rem;padding:.5rem 1rem;margin-right:.5rem}</style>
</head><body>
<h1>Intuit sandbox</h1>
<p>The app <strong>{{ client_id }}</strong> wants to connect to the QuickBooks company
<strong>{{ company }}</strong> (realm {{ realm }}) to read and write accounting data.</p>
<form method="post" action="{{ url_for('qb_oauth.decide') }}">
  {% for name, value in fields.items() %}<input type="hidden" name="{{ name }}" value="{{ value }}">{% endfor %}
  <button type="submit" name="decision" value="approve" id="approve">Connect</button>
  <button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form></body></html>"""


def _store():
    return current_app.config["QB_STORE"]


@bp.get(AUTHORIZE_PATH)
def authorize():
    args = request.args
    store = _store()
    if args.get("client_id") not in store.clients:
        abort(400, "Unknown client_id")
    if args.get("response_type") != "code" or SCOPE not in (args.get("scope") or "").split():
        abort(400, "response_type=code and the accounting scope are required")
    if not args.get("redirect_uri"):
        abort(400, "redirect_uri is required")
    fields = {k: args.get(k, "") for k in ("client_id", "redirect_uri", "state", "scope")}
    return render_template_string(CONSENT, fields=fields, client_id=fields["client_id"],
                                  company=store.company_info["CompanyName"], realm=store.realm_id)


@bp.post(AUTHORIZE_PATH + "/decision")
def decide():
    form = request.form
    store = _store()
    if form.get("client_id") not in store.clients:
        abort(400, "Unknown client_id")
    params = {"state": form.get("state", "")}
    if form.get("decision") == "approve":
        params.update(code=store.issue_code(form["client_id"], form["redirect_uri"]), realmId=store.realm_id)
    else:
        params["error"] = "access_denied"
    separator = "&" if "?" in form["redirect_uri"] else "?"
    return redirect(form["redirect_uri"] + separator + urlencode(params))


def _client_id():
    """The client authenticated with HTTP Basic, or ``None``."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    client_id, secret = unquote(client_id), unquote(secret)
    return client_id if _store().clients.get(client_id) == secret else None


def _oauth_error(error, description, status=400):
    return {"error_description": description, "error": error}, status


@bp.post(TOKEN_PATH)
def token():
    client_id = _client_id()
    if client_id is None:
        return _oauth_error("invalid_client", "Client authentication failed", 401)
    store = _store()
    grant_type = request.form.get("grant_type")
    if grant_type == "authorization_code":
        tokens = store.exchange_code(client_id, request.form.get("code", ""), request.form.get("redirect_uri", ""))
    elif grant_type == "refresh_token":
        tokens = store.refresh(client_id, request.form.get("refresh_token", ""))
    else:
        return _oauth_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    if tokens is None:
        return _oauth_error("invalid_grant", "Token invalid")
    return tokens


@bp.post(REVOKE_PATH)
def revoke():
    if _client_id() is None:
        return _oauth_error("invalid_client", "Client authentication failed", 401)
    data = request.get_json(silent=True) or {}
    token = data.get("token")
    if not token:
        return _oauth_error("invalid_request", "token is required")
    _store().revoke(token)
    return "", 200
