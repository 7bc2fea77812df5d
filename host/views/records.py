"""Clients, services, taxes and payment terms: list, new and edit (users and admins).

The four records share one list and one form template; ``KINDS`` says what
differs (model, form, columns, which fields must be unique).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from host.extensions import db
from host.inputs import MAX_PAGE, int_arg, search_arg
from host.forms import TAX_CATEGORY_LABELS, ClientForm, PaymentTermForm, ServiceForm, TaxForm
from host.invoice_data import plain
from host.models import Client, PaymentTerm, Service, Tax

bp = Blueprint("records", __name__)


@dataclass(frozen=True)
class Column:
    label: str
    attr: str
    numeric: bool = False


@dataclass(frozen=True)
class Kind:
    """One record type: ``key`` is the URL segment and the endpoint suffix."""

    key: str
    title: str  # plural, for headings
    noun: str  # singular, for messages
    model: type
    form: type
    order_by: str
    unique: tuple[str, ...]
    columns: tuple[Column, ...]


PAGE_SIZE = 50
KINDS = {
    kind.key: kind
    for kind in (
        Kind(
            "clients", "Clients", "client", Client, ClientForm, "code", ("code",),
            (Column("Code", "code"), Column("Name", "name"), Column("Email", "email"),
             Column("Tax ID", "tax_id"), Column("Country", "country"), Column("City", "city")),
        ),
        Kind(
            "services", "Services", "service", Service, ServiceForm, "name", ("name",),
            (Column("Name", "name"), Column("Unit price", "unit_price", numeric=True)),
        ),
        Kind(
            "taxes", "Taxes", "tax", Tax, TaxForm, "name", ("name",),
            (Column("Name", "name"), Column("Percent", "percent", numeric=True), Column("Category", "category")),
        ),
        Kind(
            "terms", "Payment terms", "payment term", PaymentTerm, PaymentTermForm, "name", ("name",),
            (Column("Name", "name"), Column("Days", "days", numeric=True), Column("Payment means", "payment_means")),
        ),
    )
}


def _list(kind: Kind):
    query = db.select(kind.model).order_by(getattr(kind.model, kind.order_by))
    search = search_arg()
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(*(getattr(kind.model, name).ilike(pattern, escape="\\") for name in dict.fromkeys(kind.unique + ("name",)))))
    page = db.paginate(query, page=int_arg("page", 1, MAX_PAGE), per_page=PAGE_SIZE, error_out=False)
    return render_template("records/list.html", kind=kind, page=page, rows=page.items, search=search,
                           categories=TAX_CATEGORY_LABELS)


def _duplicates(kind: Kind, form, record) -> bool:
    """Put "already exists" on every unique field another record already uses."""
    found = False
    for name in kind.unique:
        field = getattr(form, name)
        column = getattr(kind.model, name)
        query = db.select(kind.model.id).where(column == field.data)
        if record.id is not None:
            query = query.where(kind.model.id != record.id)
        if db.session.execute(query).first():
            field.errors = [*field.errors, f"Another {kind.noun} already uses this {field.label.text.lower()}."]
            found = True
    return found


def _edit(kind: Kind, record):
    """Show, validate and save the form; on any problem re-render it with what was typed."""
    form = kind.form(obj=record)
    is_new = record.id is None
    if form.validate_on_submit() and not _duplicates(kind, form, record):
        form.populate_obj(record)
        db.session.add(record)
        try:
            db.session.commit()
        except IntegrityError:
            # Someone else took the value between our check and the insert.
            db.session.rollback()
            if not _duplicates(kind, form, record):
                form.form_errors.append(f"The {kind.noun} could not be saved; please try again.")
        else:
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
