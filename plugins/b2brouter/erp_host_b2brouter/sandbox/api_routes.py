"""The sandbox's API routes: accounts, contacts and invoices, as B2BRouter answers them.

``g.accounts`` (the accounts the request's API key sees) is set by the gate in
:mod:`.app`; a record of another account is "not found", as on the real service.
"""
from __future__ import annotations

from flask import Flask, Response, g, request

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.sandbox import document_routes, documents, updates, web
from erp_host_b2brouter.sandbox.pdf import text_pdf
from erp_host_b2brouter.sandbox.replies import body, error, invalid, missing_param, page, paging, reply
from erp_host_b2brouter.sandbox.store import Invalid, Store


def register(app: Flask, store: Store) -> None:
    _accounts(app, store)
    _contacts(app, store)
    _invoices(app, store)
    _invoice_actions(app, store)
    document_routes.register(app, store)


def _account_or_404(store: Store, account_id: int):
    if account_id not in g.accounts or account_id not in store.accounts:
        return None, error(404, "not_found", "Account not found")
    return store.accounts[account_id], None


def _invoice_or_404(store: Store, invoice_id: int):
    invoice = store.invoices.get(invoice_id)
    if invoice is None or invoice["account_id"] not in g.accounts:
        return None, error(404, "not_found", "Invoice not found")
    return invoice, None


def _accounts(app: Flask, store: Store) -> None:
    @app.get("/accounts")
    def list_accounts():
        offset, limit = paging(25)
        with store.lock:
            visible = [store.accounts[i] for i in sorted(g.accounts) if i in store.accounts]
            return reply({"accounts": visible[offset:offset + limit], "total_count": len(visible),
                          "offset": offset, "limit": limit})

    @app.route("/accounts/<int:account_id>", methods=["GET", "PUT"])
    def account(account_id):
        with store.lock:
            found, missing = _account_or_404(store, account_id)
            if missing:
                return missing
            if request.method == "PUT":
                data = body()
                if data is None or not isinstance(data.get("account"), dict):
                    return missing_param("account")
                try:
                    found = store.update_account(account_id, data["account"])
                except Invalid as problem:
                    return invalid(problem)
            return reply({"account": found})


def _contacts(app: Flask, store: Store) -> None:
    @app.route("/accounts/<int:account_id>/contacts", methods=["GET", "POST"])
    def contacts(account_id):
        with store.lock:
            _, missing = _account_or_404(store, account_id)
            if missing:
                return missing
            if request.method == "POST":
                return _add_contact(store, account_id)
            offset, limit = paging()
            found = [c for c in store.contacts.values() if c["account_id"] == account_id]
            if request.args.get("integration_code"):
                found = [c for c in found if c["integration_code"] == request.args["integration_code"]]
            if request.args.get("name"):
                needle = request.args["name"].lower()
                found = [c for c in found if needle in (c["name"] or "").lower() or needle in (c["tin_value"] or "").lower()]
            return page("contacts", found, store.contact_json, offset, limit)

    @app.get("/contacts/<int:contact_id>")
    def contact(contact_id):
        with store.lock:
            found = store.contacts.get(contact_id)
            if found is None or found["account_id"] not in g.accounts:
                return error(404, "not_found", "Contact not found")
            return reply({"contact": store.contact_json(found)})


def _add_contact(store: Store, account_id: int) -> Response:
    data = body()
    if data is None or not isinstance(data.get("contact"), dict):
        return missing_param("contact")
    try:
        contact = store.add_contact(account_id, data["contact"])
    except Invalid as problem:
        return invalid(problem)
    return reply({"contact": store.contact_json(contact)}, 201)


def _invoices(app: Flask, store: Store) -> None:
    @app.route("/accounts/<int:account_id>/invoices", methods=["GET", "POST"])
    def invoices(account_id):
        if request.method == "POST":
            store.traffic.pause_for_create()
        with store.lock:
            _, missing = _account_or_404(store, account_id)
            if missing:
                return missing
            if request.method == "POST":
                return _create_invoice(store, account_id)
            offset, limit = paging()
            kind = request.args.get("type", "IssuedInvoice")
            found = [i for i in store.invoices.values() if i["account_id"] == account_id and i["type"] == kind]
            if request.args.get("number"):
                found = [i for i in found if i["number"] == request.args["number"]]
            if request.args.get("date_from"):
                found = [i for i in found if i["date"] >= request.args["date_from"]]
            if request.args.get("date_to"):
                found = [i for i in found if i["date"] <= request.args["date_to"]]
            found.sort(key=lambda i: (i["date"], i["id"]), reverse=True)
            return page("invoices", found, store.invoice_json, offset, limit)

    @app.get("/invoices/<int:invoice_id>")
    def invoice(invoice_id):
        with store.lock:
            if g.web:
                return web.invoice_page(store, invoice_id)
            found, missing = _invoice_or_404(store, invoice_id)
            if missing:
                return missing
            include = request.args.get("include", "")
            return reply({"invoice": store.invoice_json(found, include_lines="lines" in include)})


def _create_invoice(store: Store, account_id: int) -> Response:
    data = body()
    if data is None or not isinstance(data.get("invoice"), dict):
        return missing_param("invoice")
    try:
        problems = documents.extra_problems(store, account_id, data["invoice"])
        invoice = store.create_invoice(account_id, data["invoice"])
    except Invalid as problem:
        problem.messages = problems + problem.messages
        return invalid(problem)
    if problems:
        del store.invoices[invoice["id"]]
        return invalid(Invalid(problems))
    documents.keep_extras(invoice, data["invoice"])
    if data.get("send_after_import"):
        invoice["state"] = "sending"
    store.traffic.record_created(invoice["type"], invoice["id"], invoice["number"])
    if store.knobs.fail_after_create > 0:
        store.knobs.fail_after_create -= 1
        return error(500, "internal_server_error", "Internal server error")
    return reply({"invoice": store.invoice_json(invoice)}, 201)


def _invoice_actions(app: Flask, store: Store) -> None:
    @app.get("/invoices/<int:invoice_id>/as/<document_type>")
    def invoice_document(invoice_id, document_type):
        with store.lock:
            found, missing = _invoice_or_404(store, invoice_id)
            if missing:
                return missing
            if document_type != api_facts.PDF_DOCUMENT_TYPE:
                return error(422, "unprocessable_entity", f"Unsupported document type {document_type}")
            data = store.invoice_json(found)
        contact = data.get("contact") or {}
        lines = [f"Invoice {data.get('number')}", f"Date: {data.get('date')}",
                 f"Customer: {contact.get('name', '')}", f"Total: {data.get('total')} {data.get('currency')}",
                 f"State: {data.get('state')}"]
        return Response(text_pdf(lines), mimetype=api_facts.PDF_CONTENT_TYPE)

    @app.put("/invoices/<int:invoice_id>")
    def update_invoice(invoice_id):
        with store.lock:
            found, missing = _invoice_or_404(store, invoice_id)
            if missing:
                return missing
            data = body()
            if data is None or not isinstance(data.get("invoice"), dict):
                return missing_param("invoice")
            try:
                updates.update_invoice(store, found, data["invoice"])
            except Invalid as problem:
                return invalid(problem)
            return reply({"invoice": store.invoice_json(found)})

    @app.post("/invoices/<int:invoice_id>/mark_as")
    def mark_as(invoice_id):
        with store.lock:
            found, missing = _invoice_or_404(store, invoice_id)
            if missing:
                return missing
            data = body() or {}
            try:
                store.set_state(found, str(data.get("state")))
            except Invalid as problem:
                return invalid(problem)
            if data.get("state") == "paid":
                documents.mark_paid(store, found, data.get("paid_date"))
            return reply({"invoice": store.invoice_json(found)})
