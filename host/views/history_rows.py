"""History rows (integration events) rendered once and kept.

The invoice page, the log and each provider's page show up to 50 events, and
rendering them costs about as much as the rest of the invoice page's template.
A row's HTML depends only on what its cache key holds: the event's own
columns, the provider's title, the invoice's number where the log shows it,
and the address the app is served under. So a change to any of them is a new
key, never a stale row; the least recently shown rows are dropped first.
"""
from __future__ import annotations

from functools import lru_cache

from flask import current_app, request
from markupsafe import Markup
from sqlalchemy import Row

from host.integrations.history import EVENT_COLUMNS

ROWS_KEPT = 4096  # about 1 KiB each, with the key


def event_rows(events, titles: dict[str, str], invoice_numbers: dict[int, str] | None = None) -> Markup:
    """The ``<tr>`` of each event: rows of ``EVENT_COLUMNS`` (read as tuples, the
    fast way) or ORM objects; with ``invoice_numbers``, an invoice column too."""
    script_root = request.script_root
    html = []
    for event in events:
        key = tuple(event) if isinstance(event, Row) else tuple(getattr(event, name) for name in EVENT_COLUMNS)
        provider, invoice_id = key[1], key[2]
        number = None if invoice_numbers is None else invoice_numbers.get(invoice_id)
        html.append(_rendered(key, titles.get(provider, provider), number, invoice_numbers is not None, script_root))
    return Markup("\n").join(html)


@lru_cache(maxsize=ROWS_KEPT)
def _rendered(key: tuple, title: str, invoice_number: str | None, show_invoice: bool, _script_root: str) -> Markup:
    row = current_app.jinja_env.get_template("integrations/_event_row.html").module.row
    return Markup(row(dict(zip(EVENT_COLUMNS, key)), title, invoice_number, show_invoice))
