"""The sandbox's control endpoints under ``/_sandbox`` (loopback only, no key): see :mod:`.app`."""
from __future__ import annotations

from flask import Flask, request

from host.testing.sandbox import SETTING_NAMES

from erp_host_b2brouter.sandbox.replies import body, error, invalid, reply
from erp_host_b2brouter.sandbox.store import Invalid, Store


def register(app: Flask, store: Store) -> None:
    @app.get("/_sandbox")
    def sandbox_state():
        with store.lock:
            data = {"knobs": store.knobs.as_json(), "invoices": len(store.invoices), "contacts": len(store.contacts)}
            if request.args.get("log"):
                data["requests"] = list(store.requests)
        data["traffic"] = store.traffic.as_json()
        return reply(data)

    @app.post("/_sandbox/knobs")
    def set_knobs():
        data = body() or {}
        try:
            store.traffic.configure(**{name: data[name] for name in SETTING_NAMES if name in data})
        except ValueError as problem:
            return error(400, "invalid_request", str(problem))
        with store.lock:
            _set_knobs(store.knobs, data)
            return reply({"knobs": store.knobs.as_json(), "traffic": store.traffic.as_json()})

    @app.post("/_sandbox/accounts/<int:account_id>")
    def set_account(account_id):
        with store.lock:
            if account_id not in store.accounts:
                return error(404, "not_found", "Account not found")
            try:
                return reply({"account": store.update_account(account_id, body() or {})})
            except Invalid as problem:
                return invalid(problem)

    @app.post("/_sandbox/invoices/<int:invoice_id>/state")
    def set_invoice_state(invoice_id):
        data = body() or {}
        with store.lock:
            found = store.invoices.get(invoice_id)
            if found is None:
                return error(404, "not_found", "Invoice not found")
            try:
                store.set_state(found, str(data.get("state")), data.get("errors"), data.get("refuse_reason"))
            except Invalid as problem:
                return invalid(problem)
            return reply({"invoice": store.invoice_json(found)})

    @app.post("/_sandbox/reset")
    def reset():
        store.reset()
        return reply({"reset": True})


def _set_knobs(knobs, data: dict) -> None:
    """Only the keys given change."""
    if "timeout_seconds" in data:
        knobs.timeout_seconds = float(data["timeout_seconds"])
    for name in ("fail_after_create", "retry_after"):
        if name in data:
            setattr(knobs, name, int(data[name]))
    if "failures" in data:
        knobs.failures = [str(f) for f in data["failures"]]
