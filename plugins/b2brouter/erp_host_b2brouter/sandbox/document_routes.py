"""The sandbox's routes for sending, contact updates and payments (see :mod:`.documents`).

- ``PUT /contacts/<id>`` ``{"contact": {...}}``: partial update.
- ``POST /invoices/send_invoice/<id>``: ``new``/``error`` → ``sent`` (``error`` when the
  contact has no e-mail); answers ``{"tax_report_ids": [...]}``.
- ``POST /_sandbox/invoices/<id>/pay`` ``{"paid_date"}``: the customer paid (state ``paid``).
- ``GET /_sandbox/invoices/<id>/event``: the ``issued_invoice.state_change`` event for the
  invoice's current state, to deliver (and replay) to a webhook.
"""
from __future__ import annotations

from flask import Flask, g

from erp_host_b2brouter.sandbox import documents
from erp_host_b2brouter.sandbox.replies import body, error, invalid, missing_param, reply
from erp_host_b2brouter.sandbox.store import Invalid, Store


def register(app: Flask, store: Store) -> None:
    @app.put("/contacts/<int:contact_id>")
    def update_contact(contact_id):
        with store.lock:
            found = store.contacts.get(contact_id)
            if found is None or found["account_id"] not in g.accounts:
                return error(404, "not_found", "Contact not found")
            data = body()
            if data is None or not isinstance(data.get("contact"), dict):
                return missing_param("contact")
            problems = documents.update_contact(found, data["contact"])
            if problems:
                return invalid(Invalid(problems))
            return reply({"contact": store.contact_json(found)})

    @app.post("/invoices/send_invoice/<int:invoice_id>")
    def send_invoice(invoice_id):
        with store.lock:
            found = store.invoices.get(invoice_id)
            if found is None or found["account_id"] not in g.accounts:
                return error(404, "not_found", "Invoice not found")
            answer = documents.send(store, found)
            if isinstance(answer, list):
                return invalid(Invalid(answer))
            return reply(answer)

    @app.post("/_sandbox/invoices/<int:invoice_id>/pay")
    def pay(invoice_id):
        with store.lock:
            found = store.invoices.get(invoice_id)
            if found is None:
                return error(404, "not_found", "Invoice not found")
            documents.mark_paid(store, found, (body() or {}).get("paid_date"))
            return reply({"invoice": store.invoice_json(found)})

    @app.get("/_sandbox/invoices/<int:invoice_id>/event")
    def event(invoice_id):
        with store.lock:
            found = store.invoices.get(invoice_id)
            if found is None:
                return error(404, "not_found", "Invoice not found")
            return reply(documents.webhook_body(found))
