"""Error pages in the app's layout: what went wrong, why, and the way back.

A 500 gets a short reference that is also written to the log with the
traceback, so an admin can find what happened from what the user reports.
JSON clients (the live panel polling, webhooks) get JSON.
"""
from __future__ import annotations

import logging
import secrets

from flask import Flask, jsonify, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException, InternalServerError

from host.extensions import db

log = logging.getLogger("host.errors")

TITLES = {
    400: "The request could not be used",
    403: "Admins only",
    404: "Not found",
    405: "Not allowed here",
    413: "Too large",
    500: "Something went wrong",
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _reason(code: int, description: str | None) -> str:
    if code == 403:
        if current_user.is_authenticated and not current_user.is_admin:
            return "This page is for admins: ask an admin to open it or to do this for you."
        return "You are not allowed to open this page."
    if code == 404:
        return "There is nothing at this address: the link may be old, or the record was deleted."
    return description or ""


def _title(code: int) -> str:
    if code == 403 and not (current_user.is_authenticated and not current_user.is_admin):
        return "Not allowed"
    return TITLES.get(code, "Error")


def _page(code: int, description: str | None, reference: str | None = None):
    if _wants_json():
        return jsonify(error=_title(code), detail=_reason(code, description), reference=reference), code
    return render_template(
        "errors/page.html", code=code, title=_title(code),
        reason=_reason(code, description), reference=reference,
    ), code


def http_error(error: HTTPException):
    if error.code is not None and error.code < 400:  # routing redirects
        return error
    return _page(error.code, error.description)


def server_error(error: Exception):
    db.session.rollback()
    reference = secrets.token_hex(4).upper()
    original = getattr(error, "original_exception", None) or error
    log.error("error reference %s: %s %s", reference, request.method, request.path,
              exc_info=(type(original), original, original.__traceback__))
    return _page(500, "The error was logged. Give this reference to an admin, who can find the details in the "
                      "host's log.", reference)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
