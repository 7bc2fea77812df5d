"""Clients, services, taxes and payment terms: what each record type is, and
saving one through its form's rules (pages and the REST API alike).

``KINDS`` says what differs between the four (model, form, list columns, which
fields must be unique).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from host.extensions import db
from host.inputs import like_pattern
from host.forms import ClientForm, PaymentTermForm, ServiceForm, TaxForm
from host.models import Client, PaymentTerm, Service, Tax


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


def duplicates(kind: Kind, form, record) -> bool:
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


def save_record(kind: Kind, form, record) -> bool:
    """Validate ``form`` (its own rules, then uniqueness) and save it onto
    ``record``. False leaves the reasons on the form's fields and changes nothing."""
    if not form.validate() or duplicates(kind, form, record):
        return False
    form.populate_obj(record)
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:
        # Someone else took the value between our check and the insert.
        db.session.rollback()
        if not duplicates(kind, form, record):
            form.form_errors.append(f"The {kind.noun} could not be saved; please try again.")
        return False
    return True


def list_query(kind: Kind, search: str = ""):
    """The records in list order; ``search`` matches the unique fields and the name (a plain substring)."""
    query = db.select(kind.model).order_by(getattr(kind.model, kind.order_by))
    if search:
        pattern = like_pattern(search)
        names = dict.fromkeys(kind.unique + ("name",))
        query = query.where(or_(*(getattr(kind.model, name).ilike(pattern, escape="\\") for name in names)))
    return query
