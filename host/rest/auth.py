"""Who is calling: ``Authorization: Bearer <personal API token>``, nothing else.

The API never reads the session cookie and needs no CSRF token: a request
is authenticated by its token alone, and acts as the token's user with the
user's role (users work on invoices, admins also configure integrations).
"""
from __future__ import annotations

from functools import wraps

from flask import g, request

from host.models import ApiToken, User
from host.rest import tokens
from host.rest.errors import Problem

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="erp-host"'}


def bearer() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def authenticate() -> None:
    """Before every API request: find the token, or answer 401 saying why."""
    token = bearer()
    if token is None:
        raise Problem(401, "Send a personal API token: “Authorization: Bearer <token>”. "
                           "Make one on the API tokens page (your name → API tokens).", headers=CHALLENGE)
    row = tokens.find(token)
    if row is None:
        raise Problem(401, "This API token is not valid. Check that it was copied whole, "
                           "or make a new one on the API tokens page.", headers=CHALLENGE)
    why = tokens.refusal(row)
    if why:
        raise Problem(401, why, headers=CHALLENGE)
    tokens.touch(row)
    g.api_token = row
    g.api_user = row.user


def current_token() -> ApiToken:
    return g.api_token


def current_user() -> User:
    return g.api_user


def username() -> str:
    return g.api_user.username


def admin_required(view):
    """For what only admins may do: configure, enable and disable integrations, read the log."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not g.api_user.is_admin:
            raise Problem(403, "Only admins can do this: configuring integrations and reading the "
                               "integration log need an admin's token.")
        return view(*args, **kwargs)

    return wrapped
