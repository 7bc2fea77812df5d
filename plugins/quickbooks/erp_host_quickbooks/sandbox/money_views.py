"""Routes for credit memos and change data capture (API), and payments and
webhook deliveries (``/_sandbox``): see :mod:`.money`.

- ``POST /v3/company/<realm>/creditmemo`` (``requestid`` idempotent, like invoices).
- ``GET /v3/company/<realm>/cdc?entities=Invoice,Payment&changedSince=<ISO time>``.
- ``POST /_sandbox/invoices/<id>/payment`` ``{"amount", "txn_date"}``: a Payment for the invoice.
- ``GET /_sandbox/webhooks?format=cloudevents|legacy&since=<n>``: the signed delivery of the events
  from number ``n`` on (``{"body", "signature", "count"}``); ``POST /_sandbox/webhooks/deliver``
  ``{"url", "format", "since"}`` posts it to ``url`` (again and again: replayable).
"""
from __future__ import annotations

import json
from decimal import Decimal

import requests
from flask import abort, jsonify, request

from erp_host_quickbooks.sandbox import money
from erp_host_quickbooks.sandbox.api_views import _store, bp as api, idempotent_create
from erp_host_quickbooks.sandbox.control_views import bp as control
from erp_host_quickbooks.sandbox.faults import Fault, now_iso


@api.post("/creditmemo")
def create_credit_memo(realm):
    def build(store) -> tuple[int, dict]:
        try:
            body = json.loads(request.get_data(as_text=True), parse_float=Decimal)
        except ValueError as exc:
            raise Fault(400, "2310", "Invalid Request Body", f"Request has invalid or unsupported JSON: {exc}") from exc
        try:
            with store.lock:
                memo = money.create_credit_memo(store, body)
        except Fault as fault:
            return fault.status, fault.body()
        store.traffic.record_created("CreditMemo", memo["Id"], memo.get("DocNumber"))
        return 200, {"CreditMemo": memo, "time": now_iso()}

    return idempotent_create(_store(), build)


@api.get("/cdc")
def change_data_capture(realm):
    entities = [e.strip() for e in (request.args.get("entities") or "").split(",") if e.strip()]
    store = _store()
    with store.lock:
        return jsonify(money.cdc(store, entities, request.args.get("changedSince", "")))


@control.post("/_sandbox/invoices/<invoice_id>/payment")
def pay(invoice_id):
    data = request.get_json(silent=True) or {}
    amount = data.get("amount")
    store = _store()
    try:
        with store.lock:
            payment = money.receive_payment(store, invoice_id, Decimal(str(amount)) if amount is not None else None,
                                            data.get("txn_date"))
            invoice = store.get("Invoice", invoice_id)
    except KeyError:
        abort(404)
    return jsonify({**invoice, "Payment": payment})


def _delivery():
    args = {**request.args, **(request.get_json(silent=True) or {})}
    store = _store()
    with store.lock:
        events = list(store.events[int(args.get("since") or 0):])
    body = money.webhook_body(events, args.get("format") or "cloudevents")
    return args, body, len(events)


@control.get("/_sandbox/webhooks")
def webhooks():
    _, body, count = _delivery()
    return jsonify({"body": body.decode(), "signature": money.sign(body), "count": count})


@control.post("/_sandbox/webhooks/deliver")
def deliver():
    args, body, count = _delivery()
    answer = requests.post(args["url"], data=body, timeout=10,
                           headers={"intuit-signature": money.sign(body), "Content-Type": "application/json"})
    return jsonify({"status": answer.status_code, "count": count, "answer": answer.text[:500]})
