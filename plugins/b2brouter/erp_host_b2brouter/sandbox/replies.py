"""The sandbox's JSON answers in B2BRouter's shapes, and reading a request's body and paging."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from flask import Response, request

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.sandbox.store import Invalid


def _default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def reply(data, status: int = 200, headers=None) -> Response:
    response = Response(json.dumps(data, default=_default), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error(status: int, code: str, message: str, headers=None) -> Response:
    return reply(api_facts.error_body(code, message), status, headers)


def invalid(problem: Invalid) -> Response:
    return reply(api_facts.validation_error_body(problem.messages), 422)


def missing_param(name: str) -> Response:
    return error(400, "invalid_request", f"param is missing or the value is empty: {name}")


def body() -> dict | None:
    """The request's JSON object (decimals kept exact), or ``None``."""
    try:
        data = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def paging(default_limit: int = 25) -> tuple[int, int]:
    offset = max(0, request.args.get("offset", 0, type=int) or 0)
    limit = request.args.get("limit", default_limit, type=int) or default_limit
    return offset, max(1, min(limit, api_facts.MAX_LIMIT))


def page(name: str, found: list, render, offset: int, limit: int) -> Response:
    """One page of ``found`` (each row through ``render``) in the ``meta`` paging envelope."""
    rows = [render(row) for row in found[offset:offset + limit]]
    return reply({name: rows, "meta": {"total_count": len(found), "offset": offset, "limit": limit}})
