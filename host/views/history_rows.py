"""History rows (integration events) rendered once and kept.

The invoice page, the log and each provider's page show up to 50 events, and
rendering a row costs about as much as the rest of the invoice page's template.
A row's HTML depends only on what the cache key holds: the event's own
columns, the provider's title, the invoice's number where the log shows it,
and the address the app is served under. So a change to any of them is a new
key, never a stale row; the least recently shown rows are dropped first.
"""
from __future__ import annotations

from functools import lru_cache

from flask import current_app, request
from markupsafe import Markup

ROWS_KEPT = 4096  # about 1 KiB each, with the key
COLUMNS = ("id", "provider", "invoice_id", "username", "action", "outcome", "message", "request_id",
           "error_detail", "created_at")


def event_row(event, title: str, invoice_number: str | None = None, show_invoice: bool = False) -> Markup:
    """``<tr>`` of one event (a row or an ORM object with the event's columns)."""
    key = tuple(getattr(event, column) for column in COLUMNS)
    return _rendered(key, title, invoice_number, bool(show_invoice), request.script_root)


@lru_cache(maxsize=ROWS_KEPT)
def _rendered(key: tuple, title: str, invoice_number: str | None, show_invoice: bool, _script_root: str) -> Markup:
    row = current_app.jinja_env.get_template("integrations/_event_row.html").module.row
    return Markup(row(dict(zip(COLUMNS, key)), title, invoice_number, show_invoice))
