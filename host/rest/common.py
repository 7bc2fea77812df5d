"""Pieces every resource uses: exact decimals, pagination, JSON guards, form validation."""
from __future__ import annotations

import re
from datetime import date, timezone
from decimal import Decimal

import marshmallow as ma
from flask import request
from werkzeug.datastructures import MultiDict

from host.inputs import MAX_ROW_ID
from host.rest.errors import Problem

DECIMAL_PATTERN = r"^-?[0-9]{1,13}(\.[0-9]{1,4})?$"
MAX_LIMIT = 200


class DecimalString(ma.fields.Decimal):
    """An exact decimal as a JSON string ("12.50"): JSON numbers are floats to most clients."""

    def __init__(self, **kwargs):
        metadata = {"example": "12.50", "pattern": DECIMAL_PATTERN, **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ma.ValidationError("Give the number as a string, e.g. \"12.50\" (JSON numbers lose digits).")
        if not re.match(DECIMAL_PATTERN, value):
            raise ma.ValidationError("Give the number as a string of digits with at most 4 decimals, e.g. \"12.50\".")
        return super()._deserialize(value, attr, data, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        from host.invoice_data import plain

        return str(plain(value))


class UtcDateTime(ma.fields.DateTime):
    """A moment in ISO 8601 with its zone (SQLite gives UTC datetimes back without one)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


def Id(**kwargs) -> ma.fields.Integer:
    """A row ID: a positive 64-bit integer."""
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(1, MAX_ROW_ID), **kwargs)


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(1, MAX_LIMIT),
                              metadata={"description": f"How many items (1–{MAX_LIMIT})."})
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 10**12),
                               metadata={"description": "How many items to skip."})


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """``{"items": [...], "total", "limit", "offset"}`` around ``item``."""
    return ma.Schema.from_dict({
        "items": ma.fields.List(ma.fields.Nested(item), required=True),
        "total": ma.fields.Integer(required=True, metadata={"description": "How many items match, in all pages."}),
        "limit": ma.fields.Integer(required=True),
        "offset": ma.fields.Integer(required=True),
    }, name=name)


def page_of(query, args: dict) -> dict:
    from sqlalchemy import func, select

    from host.extensions import db

    total = db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    items = db.session.execute(query.limit(args["limit"]).offset(args["offset"])).scalars().all()
    return {"items": items, "total": total, "limit": args["limit"], "offset": args["offset"]}


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul_in_json() -> None:
    """PostgreSQL text cannot hold NUL: refuse a JSON body carrying one, whole."""
    if request.method in ("POST", "PUT", "PATCH") and request.is_json:
        body = request.get_json(silent=True)
        if _has_nul(body):
            raise Problem(400, "The request contains a NUL character, which no field accepts; nothing was changed.")


def form_value(value) -> list[str]:
    if value is None or value is False:
        return []
    if value is True:
        return ["y"]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in form_value(item)]
    if isinstance(value, (Decimal, date, int)):
        return [str(value)]
    return [str(value)]


def form_data(values: dict, prefix: str = "") -> MultiDict:
    """JSON-like values as the form fields a page would post (lists of dicts become ``name-0-field``)."""
    data = MultiDict()
    for name, value in values.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                for key, item_values in form_data(item, f"{prefix}{name}-{index}-").lists():
                    data.setlist(key, item_values)
            continue
        data.setlist(prefix + name, form_value(value))
    return data


def form_errors(form) -> dict:
    """A validated form's errors as ``{"field": [...], "lines[0].quantity": [...]}``, read from
    the fields themselves (as the page shows them: some rules add errors after validation)."""
    from wtforms import FieldList, FormField

    found: dict[str, list[str]] = {}

    def walk(current, path: str) -> None:
        if getattr(current, "form_errors", None):
            found.setdefault(path or "_form", []).extend(current.form_errors)
        for field in current:
            name = f"{path}.{field.short_name}" if path else field.short_name
            if isinstance(field, FieldList):
                for index, entry in enumerate(field.entries):
                    if isinstance(entry, FormField):
                        walk(entry.form, f"{name}[{index}]")
                    elif entry.errors:
                        found.setdefault(f"{name}[{index}]", []).extend(entry.errors)
            elif isinstance(field, FormField):
                walk(field.form, name)
            elif field.errors and field.short_name != "csrf_token":
                found.setdefault(name, []).extend(field.errors)

    walk(form, "")
    return found


def invalid(form) -> Problem:
    return Problem(422, "Some fields are not valid; see errors. Nothing was saved.", errors=form_errors(form))
