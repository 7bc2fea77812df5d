"""One error format for the whole API: RFC 9457 problem details
(``application/problem+json``).

Every error under ``/api/v1`` — a refusal of ours, a validation error from
the request schemas, an unknown address, a wrong method, a rate limit, even an
unexpected exception — answers ``{"type", "title", "status", "detail"}``,
plus ``errors`` (field → messages) for invalid input and ``reasons`` (every
blocking reason) when an action is refused.
"""
from __future__ import annotations

import json
import logging
import math
import time
from http import HTTPStatus

import marshmallow as ma
from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/v1"
log = logging.getLogger("host.rest")


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem details object."""

    type = ma.fields.String(metadata={"description": "Always about:blank: the status says what kind of problem.",
                                      "example": "about:blank"})
    title = ma.fields.String(metadata={"description": "The status's phrase.", "example": "Unprocessable Content"})
    status = ma.fields.Integer(metadata={"description": "The HTTP status.", "example": 422})
    detail = ma.fields.String(metadata={"description": "What went wrong and what to do, as the pages say it.",
                                        "example": "Some fields are not valid; see errors."})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(),
                            metadata={"description": "Invalid input: field name → messages.",
                                      "example": {"number": ["Another invoice already uses this number."]}})
    reasons = ma.fields.List(ma.fields.String(), metadata={
        "description": "Every reason an action was refused or blocked.",
        "example": ["Client Freelance Collective has no tax ID."]})
    job = ma.fields.Integer(metadata={"description": "The job that was blocked, when there is one."})


class Problem(HTTPException):
    """Raise to answer with a problem: ``Problem(409, "Already linked.", reasons=[...])``."""

    def __init__(self, status: int, detail: str, *, errors: dict | None = None, reasons: list[str] | None = None,
                 headers: dict | None = None, **extra):
        super().__init__(detail)
        self.code = status
        self.detail = detail
        self.extra = {k: v for k, v in (("errors", errors), ("reasons", reasons)) if v} | extra
        self.headers = headers or {}


def problem_response(status: int, detail: str, headers: dict | None = None, **extra):
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail, **extra}
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _webargs_errors(messages) -> dict:
    """webargs nests errors by location (``{"json": {...}}``); the client needs the fields."""
    if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in ("json", "query", "path"):
        messages = next(iter(messages.values()))
    return messages if isinstance(messages, dict) else {"_schema": messages}


def _retry_after() -> str:
    limiter = current_app.extensions.get("erp_host_limiter")
    limit = limiter.current_limit if limiter else None
    return str(max(math.ceil(limit.reset_at - time.time()), 1) if limit else 60)


DETAILS = {
    401: "Send a personal API token: “Authorization: Bearer <token>”. Make one on the API tokens page.",
    404: "Nothing here: check the address (the API lives under /api/v1; see /api/v1/docs).",
    405: "This address does not accept that method; see /api/v1/docs for what it does accept.",
    413: "The request is too large.",
    429: "Too many requests with this token. Wait as long as Retry-After says and try again.",
    500: "Unexpected error in the host; nothing you sent caused it. Try again, and tell an admin if it persists.",
}


def handle(error: HTTPException):
    """The problem for ``error`` under the API; anything else keeps Flask's own answer."""
    if not request.path.startswith(API_PREFIX + "/"):
        return error
    status = error.code or 500
    headers = dict(getattr(error, "headers", None) or {})
    if isinstance(error, Problem):
        return problem_response(status, error.detail, headers, **error.extra)
    data = getattr(error, "data", None) or {}
    headers.update(data.get("headers") or {})
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        headers["Retry-After"] = _retry_after()
    if status == 500:
        log.error("unexpected error in %s %s", request.method, request.path, exc_info=error.original_exception
                  if hasattr(error, "original_exception") else None)
    if "messages" in data:
        return problem_response(422 if status == 422 else status, "Some fields are not valid; see errors.",
                                headers, errors=_webargs_errors(data["messages"]))
    detail = DETAILS.get(status) or (error.description if status < 500 else DETAILS[500])
    return problem_response(status, detail, headers)


def init_app(app: Flask) -> None:
    """Problems for errors anywhere under /api/v1, including addresses no route matches."""
    app.register_error_handler(HTTPException, handle)


def init_blueprint(blueprint) -> None:
    """Blueprint-level handlers come before the app's code-specific ones (the
    login page's 429), so the API's blueprints register theirs."""
    for code in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500):
        blueprint.register_error_handler(code, handle)
    blueprint.register_error_handler(HTTPException, handle)
