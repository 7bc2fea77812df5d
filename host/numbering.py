"""Invoice numbers from the company's format, e.g. ``INV-{year}-{seq:04}``.

The sequence lives in ``invoice_sequences``, one row per period (the year
when the format has ``{year}``, else ``all``). A number is taken inside the
transaction that saves the invoice: the row's UPDATE holds its lock until
commit, so two clerks saving at once get different numbers, and a save that
fails gives its number back. Numbers already used (typed by hand, imported)
are skipped.
"""
from __future__ import annotations

import re
import string
from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from host.extensions import db
from host.models import Company, Invoice, InvoiceSequence

DEFAULT_FORMAT = "INV-{year}-{seq:04}"
FIELDS = {"year", "seq"}
MAX_NUMBER = 40  # Invoice.number's length
MAX_SKIPS = 10_000


def format_problem(fmt: str) -> str | None:
    """Why ``fmt`` cannot number invoices, or None."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None}
        if "seq" not in names:
            return "The format needs {seq}, the running number (e.g. {seq:04} for 0001)."
        if names - FIELDS:
            return f"Unknown field {{{sorted(names - FIELDS)[0]}}}: use {{year}} and {{seq}}."
        sample = fmt.format(year=2026, seq=1)
    except (ValueError, IndexError, KeyError) as error:
        return f"The format cannot be used: {error}."
    if len(fmt.format(year=2026, seq=999999)) > MAX_NUMBER or not sample.strip():
        return f"Numbers from this format would be longer than {MAX_NUMBER} characters."
    return None


def _period(fmt: str, day: date) -> str:
    return str(day.year) if re.search(r"\{year[:}]", fmt) else "all"


def _format(company: Company) -> str:
    return company.number_format or DEFAULT_FORMAT


def _taken(number: str) -> bool:
    return db.session.execute(db.select(Invoice.id).where(Invoice.number == number)).first() is not None


def preview(company: Company, day: date) -> str:
    """The number the next new invoice dated ``day`` would get (nothing reserved)."""
    fmt = _format(company)
    last = db.session.execute(
        db.select(InvoiceSequence.last).where(InvoiceSequence.period == _period(fmt, day))).scalar() or 0
    for seq in range(last + 1, last + 1 + MAX_SKIPS):
        number = fmt.format(year=day.year, seq=seq)
        if not _taken(number):
            return number
    return fmt.format(year=day.year, seq=last + 1)


def _bump(period: str) -> int:
    bumped = db.session.execute(
        update(InvoiceSequence).where(InvoiceSequence.period == period).values(last=InvoiceSequence.last + 1))
    if bumped.rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(InvoiceSequence(period=period, last=1))
            return 1
        except IntegrityError:  # another save created the row first
            return _bump(period)
    return db.session.execute(db.select(InvoiceSequence.last).where(InvoiceSequence.period == period)).scalar_one()


def allocate(company: Company, day: date) -> str:
    """Take the next free number for an invoice dated ``day`` (in the caller's transaction)."""
    fmt = _format(company)
    period = _period(fmt, day)
    for _ in range(MAX_SKIPS):
        number = fmt.format(year=day.year, seq=_bump(period))
        if not _taken(number):
            return number
    raise RuntimeError(f"No free invoice number after {MAX_SKIPS} tries with the format {fmt!r}.")
