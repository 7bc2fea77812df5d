"""Guards on what any request may carry, so ordinary bad input is a 4xx, never a 500.

- Bodies without a Content-Length (chunked): Werkzeug stops reading them at
  ``MAX_CONTENT_LENGTH`` without an error, so a cut-off form would be parsed
  as if complete. They are read here, one byte past the limit, and refused
  whole (413) when longer. (The webhook bounds its own body.)
- NUL characters: PostgreSQL text columns cannot store them (the driver
  raises), so a request carrying one in its query or form is refused whole.
- Whole numbers in URLs and query strings: row IDs are 32-bit integers on
  PostgreSQL (``SERIAL``), so a larger ID in a URL cannot exist (404, instead
  of the driver's out-of-range error); other numbers stop at 64 bits (400).
"""
from __future__ import annotations

from flask import Flask, abort, current_app, request
from werkzeug.routing import IntegerConverter

MAX_INT64 = 2**63 - 1
MAX_ROW_ID = 2**31 - 1  # primary keys are INTEGER (int4) on PostgreSQL
MAX_PAGE = 10**9  # page * page size must stay a 64-bit offset
MAX_SEARCH = 200  # SQLite refuses LIKE patterns over 50,000 bytes; no real search is near 200
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` that matches only values a row ID can have."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


def int_arg(name: str, default: int | None = None, high: int = MAX_INT64) -> int | None:
    """A whole-number query or form parameter: ``default`` when absent or not a
    number (as ``type=int`` did), 400 when its size is beyond ``high``."""
    value = request.values.get(name, "").strip()
    try:
        number = int(value)
    except ValueError:
        return default
    if abs(number) > high:
        abort(400, description=f"The “{name}” parameter is out of range (at most {high}).")
    return number


def search_arg(name: str = "q") -> str:
    """A search text from the query string, stripped; 400 when longer than ``MAX_SEARCH``."""
    value = request.args.get(name, "").strip()
    if len(value) > MAX_SEARCH:
        abort(400, description=f"The search text is too long (at most {MAX_SEARCH} characters).")
    return value


def _refuse_unsized_excess() -> None:
    if request.content_length is not None or request.endpoint == "hooks.webhook":
        return
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    request.max_content_length = limit + 1
    if len(request.get_data(cache=True)) > limit:
        abort(413)


def _refuse_nul() -> None:
    values = list(request.args.keys()) + list(request.args.values()) + [request.path]
    if request.mimetype in FORM_TYPES and request.endpoint != "hooks.webhook":
        values += list(request.form.values()) + list(request.form.keys())
    if any("\x00" in value for value in values):
        abort(400, description="The request contains a NUL character, which no field accepts; nothing was changed.")


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered (the converter applies to rules
    added later) and before CSRFProtect (whose check reads the form)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_refuse_unsized_excess)
    app.before_request(_refuse_nul)
