"""Clients, services, taxes and payment terms: list, read, create, update.

Input is checked by the very forms the pages use (``host.forms``) and saved
by ``host.records.save_record``, so the API accepts and refuses exactly what
the pages do, with the same messages.
"""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from host.extensions import db
from host.inputs import MAX_SEARCH
from host.models import TAX_CATEGORIES
from host.records import KINDS, Kind, list_query, save_record
from host.rest.common import DecimalString, PageArgs, form_data, invalid, page_of, page_schema
from host.rest.errors import API_PREFIX, Problem


def _text(length: int, **kwargs) -> ma.fields.String:
    """A string the form checks (length, control characters) with the page's messages; documented here."""
    metadata = {"maxLength": length, **kwargs.pop("metadata", {})}
    return ma.fields.String(metadata=metadata, **kwargs)


class ClientSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    code = _text(40, required=True, metadata={"example": "ACME-DE"})
    name = _text(200, required=True, metadata={"example": "Acme Übersetzungen GmbH"})
    email = _text(200, metadata={"example": "billing@acme.example"})
    tax_id = _text(50, metadata={"example": "DE123456789"})
    tax_scheme = _text(20, metadata={"example": "VAT"})
    country = _text(2, metadata={"example": "DE", "description": "2-letter ISO code."})
    address = _text(2000)
    city = _text(100)
    postal_code = _text(20)


class ServiceSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = _text(200, required=True, metadata={"example": "Translation"})
    unit_price = DecimalString(required=True, metadata={"example": "0.12"})


class TaxSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = _text(100, required=True, metadata={"example": "IVA 21%"})
    percent = DecimalString(required=True, metadata={"example": "21", "description": "Negative for a withholding."})
    category = ma.fields.String(load_default="S", validate=ma.validate.OneOf(TAX_CATEGORIES),
                                metadata={"description": "UNCL5305 tax category code."})


class PaymentTermSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = _text(100, required=True, metadata={"example": "Net 30"})
    days = ma.fields.Integer(required=True, strict=True, metadata={"example": 30, "minimum": 0, "maximum": 3650})


class SearchArgs(PageArgs):
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=MAX_SEARCH),
                         metadata={"description": "Text to look for in the code or name."})


SCHEMAS = {"clients": ClientSchema, "services": ServiceSchema, "taxes": TaxSchema, "terms": PaymentTermSchema}
PATHS = {"clients": "clients", "services": "services", "taxes": "taxes", "terms": "payment-terms"}


def save(kind: Kind, schema: type[ma.Schema], record, data: dict):
    """Save ``data`` over ``record``'s current values through the page's form."""
    current = schema().dump(record) if record.id is not None else {}
    current.pop("id", None)
    form = kind.form(formdata=form_data({**current, **data}), meta={"csrf": False})
    if not save_record(kind, form, record):
        raise invalid(form)
    return record


def _get(kind: Kind, record_id: int):
    record = db.session.get(kind.model, record_id)
    if record is None:
        raise Problem(404, f"There is no {kind.noun} {record_id}.")
    return record


def _blueprint(kind: Kind) -> Blueprint:
    schema = SCHEMAS[kind.key]
    blp = Blueprint(f"api_{kind.key}", __name__, url_prefix=f"{API_PREFIX}/{PATHS[kind.key]}",
                    description=f"{kind.title}: list, read, create, update (users and admins).")
    listing = page_schema(schema, f"{schema.__name__.removesuffix('Schema')}Page")

    @blp.route("")
    class Collection(MethodView):
        @blp.arguments(SearchArgs, location="query")
        @blp.response(200, listing)
        @blp.doc(summary=f"List {kind.title.lower()}", operationId=f"list_{kind.key}")
        def get(self, args):
            return page_of(list_query(kind, args["q"].strip()), args)

        @blp.arguments(schema)
        @blp.response(201, schema)
        @blp.doc(summary=f"Create a {kind.noun}", operationId=f"create_{kind.key}")
        def post(self, data):
            return save(kind, schema, kind.model(), data)

    @blp.route("/<int:record_id>")
    class Item(MethodView):
        @blp.response(200, schema)
        @blp.doc(summary=f"Read a {kind.noun}", operationId=f"read_{kind.key}")
        def get(self, record_id):
            return _get(kind, record_id)

        @blp.arguments(schema(partial=True))
        @blp.response(200, schema)
        @blp.doc(summary=f"Change a {kind.noun} (only the fields sent)", operationId=f"update_{kind.key}")
        def patch(self, data, record_id):
            return save(kind, schema, _get(kind, record_id), data)

    return blp


def blueprints() -> list[Blueprint]:
    """New blueprints for each app (a blueprint's hooks cannot change once registered)."""
    return [_blueprint(kind) for kind in KINDS.values()]
