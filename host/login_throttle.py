"""Login throttling with Flask-Limiter: failed logins are counted per account
(the username typed) and per client address; past either limit the login
form answers 429 with a cool-down until the window ends.

Only failures count (``deduct_when``), so people who type their password
right are never slowed down. The counters live in the storage named by
``ERP_HOST_LIMITER_URL`` (``RATELIMIT_STORAGE_URI``): ``memory://`` counts per
process, so with several worker processes use a shared one, e.g. ``redis://``.
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app, flash, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

DEFAULTS = {
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "erp-host",
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "20 per 15 minutes",
}


def _account() -> str:
    return "account:" + request.form.get("username", "").strip().lower()


def _failed(response) -> bool:
    return response.status_code == 401


def _too_many(_error):
    """The login page again, saying how long to wait."""
    limit = current_app.extensions["erp_host_limiter"].current_limit
    seconds = max(int(limit.reset_at - time.time()), 1) if limit else 60
    minutes = math.ceil(seconds / 60)
    flash(
        "Too many failed logins for this account or from your address. "
        f"Wait {minutes} minute{'s' if minutes != 1 else ''} and try again.",
        "error",
    )
    response = current_app.make_response((render_template("auth/login.html"), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


def init_app(app: Flask, endpoint: str) -> None:
    """Throttle POSTs to ``endpoint`` (already registered). One limiter per app,
    so apps never share in-memory counters. Flask-Limiter applies decorated
    limits when the decorated function runs, hence the view is replaced by it."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    limiter = Limiter(get_remote_address, app=app)
    view = app.view_functions[endpoint]
    for setting, key_func in (("LOGIN_LIMIT_PER_ACCOUNT", _account), ("LOGIN_LIMIT_PER_ADDRESS", get_remote_address)):
        view = limiter.limit(lambda setting=setting: app.config[setting], key_func=key_func,
                             methods=["POST"], deduct_when=_failed)(view)
    app.view_functions[endpoint] = view
    app.extensions["erp_host_limiter"] = limiter
    app.register_error_handler(429, _too_many)
