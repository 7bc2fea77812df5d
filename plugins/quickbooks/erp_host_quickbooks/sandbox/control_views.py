"""Knobs and fixtures under ``/_sandbox/`` (tests and demos), and the fake
QuickBooks web app page an invoice link opens."""
from __future__ import annotations

import copy
import dataclasses

from flask import Blueprint, abort, current_app, jsonify, render_template_string, request

from host.testing.sandbox import SETTING_NAMES

from erp_host_quickbooks.sandbox.faults import Fault
from erp_host_quickbooks.sandbox.store import LIST_ENTITIES

bp = Blueprint("qb_control", __name__)


def _store():
    return current_app.config["QB_STORE"]


def _knobs_json(store) -> dict:
    traffic = store.traffic.as_json()
    return {**dataclasses.asdict(store.knobs), **{name: traffic[name] for name in SETTING_NAMES}}


@bp.get("/_sandbox/knobs")
def get_knobs():
    return jsonify(_knobs_json(_store()))


@bp.post("/_sandbox/knobs")
def set_knobs():
    """JSON body with any of the ``Knobs`` fields, e.g. ``{"fail_next": 2, "fail_mode": "503"}``,
    or of the traffic settings (``latency``, ``rate_limit``, ``concurrency_limit``, ...)."""
    store = _store()
    data = request.get_json(force=True) or {}
    knob_names = {f.name for f in dataclasses.fields(store.knobs)}
    unknown = set(data) - knob_names - set(SETTING_NAMES)
    if unknown:
        abort(400, f"unknown knobs: {sorted(unknown)}")
    try:
        store.traffic.configure(**{name: value for name, value in data.items() if name in SETTING_NAMES})
    except ValueError as error:
        abort(400, str(error))
    with store.lock:
        store.knobs = dataclasses.replace(store.knobs, **{k: v for k, v in data.items() if k in knob_names})
    return jsonify(_knobs_json(store))


@bp.post("/_sandbox/reset")
def reset():
    _store().reset()
    return jsonify({"ok": True})


@bp.get("/_sandbox/stats")
def stats():
    store = _store()
    return jsonify({**dataclasses.asdict(store.stats), "invoices": len(store.entities["Invoice"]),
                    "traffic": store.traffic.as_json()["counters"]})


@bp.post("/_sandbox/expire-tokens")
def expire_tokens():
    _store().expire_access_tokens()
    return jsonify({"ok": True})


@bp.post("/_sandbox/entities/<entity>")
def add_entity(entity):
    """Add a customer, item, term, tax code or tax rate (JSON body in QuickBooks' shape)."""
    if entity not in LIST_ENTITIES:  # transactions come from their own endpoints
        abort(404)
    return jsonify(_store().add(entity, request.get_json(force=True)))


@bp.patch("/_sandbox/preferences")
def patch_preferences():
    """Merge e.g. ``{"CurrencyPrefs": {"MultiCurrencyEnabled": true}}`` into the preferences."""
    store = _store()
    with store.lock:
        for section, values in (request.get_json(force=True) or {}).items():
            if isinstance(values, dict):
                store.preferences.setdefault(section, {}).update(values)
            else:
                store.preferences[section] = values
    return jsonify(copy.deepcopy(store.preferences))


@bp.patch("/_sandbox/companyinfo")
def patch_company():
    store = _store()
    with store.lock:
        store.company_info.update(request.get_json(force=True) or {})
    return jsonify(copy.deepcopy(store.company_info))


INVOICE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice {{ inv.DocNumber or inv.Id }} - QuickBooks (sandbox)</title></head>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<p>{{ company }} · QuickBooks sandbox web app</p>
<h1>Invoice {{ inv.DocNumber or "(no number)" }}</h1>
<dl>
<dt>Customer</dt><dd id="customer">{{ inv.CustomerRef.name }}</dd>
<dt>Date</dt><dd>{{ inv.TxnDate }}</dd><dt>Due</dt><dd>{{ inv.DueDate }}</dd>
<dt>Total</dt><dd id="total">{{ inv.TotalAmt }} {{ inv.CurrencyRef.value }}</dd>
<dt>Balance</dt><dd id="balance">{{ inv.Balance }}</dd>
</dl>
<table><tr><th>Product/service</th><th>Description</th><th>Qty</th><th>Amount</th></tr>
{% for line in inv.Line if line.DetailType == "SalesItemLineDetail" %}
<tr><td>{{ line.SalesItemLineDetail.ItemRef.name }}</td><td>{{ line.Description }}</td>
<td>{{ line.SalesItemLineDetail.Qty }}</td><td>{{ line.Amount }}</td></tr>{% endfor %}
</table></body></html>"""


@bp.get("/app/invoice")
def invoice_page():
    try:
        invoice = _store().get("Invoice", request.args.get("txnId", ""))
    except Fault:
        abort(404)
    return render_template_string(INVOICE_PAGE, inv=invoice, company=_store().company_info["CompanyName"])
