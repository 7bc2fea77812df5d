"""Clients, services, taxes and payment terms: list, new and edit (users and admins).

The four records share one list and one form template; ``KINDS`` says what
differs (model, form, columns, which fields must be unique).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from host.extensions import db
from host.inputs import MAX_PAGE, int_arg, search_arg
from host.forms import TAX_CATEGORY_LABELS
from host.invoice_data import plain
from host.records import KINDS, PAGE_SIZE, Kind, list_query, save_record

bp = Blueprint("records", __name__)


def _list(kind: Kind):
    search = search_arg()
    query = list_query(kind, search)
    page = db.paginate(query, page=int_arg("page", 1, MAX_PAGE), per_page=PAGE_SIZE, error_out=False)
    return render_template("records/list.html", kind=kind, page=page, rows=page.items, search=search,
                           categories=TAX_CATEGORY_LABELS)


def _edit(kind: Kind, record):
    """Show, validate and save the form; on any problem re-render it with what was typed."""
    form = kind.form(obj=record)
    is_new = record.id is None
    if form.is_submitted() and save_record(kind, form, record):
        flash(f"{kind.noun.capitalize()} “{_label(kind, record)}” {'created' if is_new else 'saved'}.", "success")
        return redirect(url_for(f"records.list_{kind.key}"))
    status = 400 if form.is_submitted() else 200
    return render_template("records/form.html", kind=kind, form=form, record=record, is_new=is_new), status


def _label(kind: Kind, record) -> str:
    return f"{record.code} – {record.name}" if kind.key == "clients" else record.name


def _get(kind: Kind, record_id: int):
    record = db.session.get(kind.model, record_id)
    if record is None:
        abort(404)
    return record


def _register(kind: Kind) -> None:
    base = f"/{kind.key}"
    bp.add_url_rule(base, f"list_{kind.key}", lambda: _list(kind))
    bp.add_url_rule(f"{base}/new", f"new_{kind.key}", lambda: _edit(kind, kind.model()), methods=["GET", "POST"])
    bp.add_url_rule(
        f"{base}/<int:record_id>/edit",
        f"edit_{kind.key}",
        lambda record_id: _edit(kind, _get(kind, record_id)),
        methods=["GET", "POST"],
    )


for _kind in KINDS.values():
    _register(_kind)


@bp.app_template_filter("plain")
def plain_number(value) -> str:
    """A stored number without trailing zeros: 21.0000 → 21, 12.5000 → 12.5."""
    return "" if value is None else str(plain(value))
