"""A loopback B2BRouter: the API subset the plugin uses, its web invoice page, and knobs.

API routes answer like the real service (status codes, error bodies, the
``meta`` paging envelope, the flat one for ``GET /accounts``). One server
plays both hosts: a browser request (no API key, wants HTML) to
``/invoices/<id>`` gets the web page; anything else is an API call.

Control endpoints, no key needed (loopback only):

- ``GET /_sandbox``: knobs, traffic, and the request log (``?log=1``).
- ``POST /_sandbox/knobs``: ``{"failures": ["pass", "500", "429", "timeout", "malformed", ...],
  "fail_after_create": n, "timeout_seconds": s, "retry_after": s}`` and the traffic settings
  (``latency``, ``rate_limit``, ``rate_window``, ``concurrency_limit``, ``slow_create``); only keys given change.
- ``/_sandbox/traffic``, ``/_sandbox/traffic/inject``, ``/_sandbox/traffic/reset``, ``/_sandbox/created``:
  the shared traffic controls and counters (:mod:`host.testing.sandbox.wiring`). The rate limit
  counts per API key and answers 429 ``rate_limit_exceeded`` with ``Retry-After``.
- ``POST /_sandbox/accounts/<id>``: change the calculation settings (or name).
- ``POST /_sandbox/invoices/<id>/state``: ``{"state", "errors", "refuse_reason"}``; fires no webhook.
- ``POST /_sandbox/reset``: back to the seed and the traffic defaults.
"""
from __future__ import annotations

import json
import re
import time
import uuid
from datetime import date
from decimal import Decimal

from flask import Flask, Response, g, render_template_string, request

from host.testing.sandbox import SETTING_NAMES, Refusal, install, keep_in_file

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.sandbox import updates
from erp_host_b2brouter.sandbox.pdf import text_pdf
from erp_host_b2brouter.sandbox.store import Invalid, Store

KNOWN_VERSIONS = ("2025-10-13", "2026-03-02", "2026-04-20", "2026-06-26")


def _default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _json(data, status: int = 200, headers=None) -> Response:
    response = Response(json.dumps(data, default=_default), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _error(status: int, code: str, message: str, headers=None) -> Response:
    return _json(api_facts.error_body(code, message), status, headers)


def _invalid(error: Invalid) -> Response:
    return _json(api_facts.validation_error_body(error.messages), 422)


def _body() -> dict | None:
    try:
        data = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _paging(default_limit: int = 25) -> tuple[int, int]:
    offset = max(0, request.args.get("offset", 0, type=int) or 0)
    limit = request.args.get("limit", default_limit, type=int) or default_limit
    return offset, max(1, min(limit, api_facts.MAX_LIMIT))


WEB_PATH = re.compile(r"/|/invoices/\d+")


def _is_web() -> bool:
    """A browser asking for one of the web-app pages (no API key, wants HTML)."""
    accept = request.accept_mimetypes
    return (request.method == "GET" and WEB_PATH.fullmatch(request.path) is not None
            and api_facts.HEADER_API_KEY not in request.headers
            and accept.best_match(["application/json", "text/html"]) == "text/html"
            and accept["text/html"] > accept["application/json"])


def _is_api() -> bool:
    return not request.path.startswith("/_sandbox") and not _is_web()


def _refusal(refusal: Refusal) -> Response:
    """A rate-limit or injected refusal in B2BRouter's error body."""
    if refusal.status == 429:
        return _error(429, "rate_limit_exceeded", "Rate limit exceeded")
    return _error(refusal.status, "service_unavailable", "Service unavailable")


WEB_INVOICE = """<!doctype html><html><head><title>B2BRouter sandbox · Invoice {{ inv.number }}</title></head>
<body><p><strong>B2BRouter sandbox</strong> (not the real B2BRouter)</p>
<h1>Invoice {{ inv.number }}</h1>
<dl><dt>ID</dt><dd id="invoice-id">{{ inv.id }}</dd><dt>State</dt><dd id="state">{{ inv.state }}</dd>
<dt>Customer</dt><dd>{{ inv.contact.name }}</dd><dt>Date</dt><dd>{{ inv.date }}</dd>
<dt>Total</dt><dd id="total">{{ "%.2f"|format(inv.total) }} {{ inv.currency }}</dd></dl>
<table><tr><th>Description</th><th>Quantity</th><th>Price</th><th>Net</th></tr>
{% for line in inv.lines %}<tr><td>{{ line.description }}</td><td>{{ line.quantity }}</td><td>{{ line.price }}</td>
<td>{{ line.extension_amount }}</td></tr>{% endfor %}</table></body></html>"""

WEB_INDEX = """<!doctype html><html><head><title>B2BRouter sandbox</title></head><body>
<h1>B2BRouter sandbox</h1><p>API key <code>{{ key }}</code>, account {{ account }}.</p><ul>
{% for inv in invoices %}<li><a href="/invoices/{{ inv.id }}">{{ inv.number }}</a> {{ inv.state }}</li>{% endfor %}
</ul></body></html>"""


def create_app(store: Store | None = None, *, data_file=None, **traffic) -> Flask:
    """The sandbox app on ``store`` (a fresh seeded one by default).

    ``traffic``: :class:`host.testing.sandbox.Settings` values (``latency``,
    ``rate_limit``, ...), the defaults ``/_sandbox/reset`` returns to.
    ``data_file``: keep the data in this JSON file across restarts.
    """
    app = Flask(__name__)
    store = store or Store()
    if traffic:
        store.traffic.set_defaults(**traffic)
    app.config["SANDBOX_STORE"] = store
    install(app, store.traffic, is_api=_is_api, scope=lambda: request.headers.get(api_facts.HEADER_API_KEY, ""),
            refuse=_refusal)
    if data_file:
        keep_in_file(app, data_file, store.snapshot, store.restore)

    @app.before_request
    def _gate():
        g.web = _is_web()
        if not _is_api():
            return None
        g.api = True
        with store.lock:
            knobs = store.knobs
            failure = knobs.failures.pop(0) if knobs.failures else None
            timeout_seconds, retry_after = knobs.timeout_seconds, knobs.retry_after
        if failure == "timeout":
            time.sleep(timeout_seconds)
        elif failure == "malformed":
            return Response("<html><body>Bad gateway</body></html>", 200, mimetype="text/html")
        elif failure == "429":
            return _error(429, "rate_limit_exceeded", "Rate limit exceeded", {"Retry-After": str(retry_after)})
        elif failure and failure != "pass":
            return _error(int(failure), "internal_server_error", "Internal server error")
        version = request.headers.get(api_facts.HEADER_API_VERSION)
        if version and version not in KNOWN_VERSIONS:
            return _error(400, api_facts.CODE_INVALID_VERSION, f"Invalid API version {version}")
        key = request.headers.get(api_facts.HEADER_API_KEY)
        g.accounts = store.visible_accounts(key)
        if g.accounts is None:
            return _error(401, api_facts.CODE_INVALID_KEY, "Missing API key" if not key else "Invalid API key")
        return None

    @app.after_request
    def _log(response):
        if getattr(g, "api", False):
            response.headers["X-B2B-API-Request-Id"] = uuid.uuid4().hex
            with store.lock:
                store.requests.append({"method": request.method, "path": request.path,
                                       "query": request.query_string.decode(), "status": response.status_code})
        return response

    def account_or_404(account_id: int):
        if account_id not in g.accounts or account_id not in store.accounts:
            return None, _error(404, "not_found", "Account not found")
        return store.accounts[account_id], None

    def invoice_or_404(invoice_id: int):
        invoice = store.invoices.get(invoice_id)
        if invoice is None or invoice["account_id"] not in g.accounts:
            return None, _error(404, "not_found", "Invoice not found")
        return invoice, None

    # --- accounts ------------------------------------------------------------------

    @app.get("/accounts")
    def list_accounts():
        offset, limit = _paging(25)
        with store.lock:
            visible = [store.accounts[i] for i in sorted(g.accounts) if i in store.accounts]
            return _json({"accounts": visible[offset:offset + limit], "total_count": len(visible),
                          "offset": offset, "limit": limit})

    @app.route("/accounts/<int:account_id>", methods=["GET", "PUT"])
    def account(account_id):
        with store.lock:
            found, missing = account_or_404(account_id)
            if missing:
                return missing
            if request.method == "PUT":
                body = _body()
                if body is None or not isinstance(body.get("account"), dict):
                    return _error(400, "invalid_request", "param is missing or the value is empty: account")
                try:
                    found = store.update_account(account_id, body["account"])
                except Invalid as error:
                    return _invalid(error)
            return _json({"account": found})

    # --- contacts ------------------------------------------------------------------

    @app.route("/accounts/<int:account_id>/contacts", methods=["GET", "POST"])
    def contacts(account_id):
        with store.lock:
            _, missing = account_or_404(account_id)
            if missing:
                return missing
            if request.method == "POST":
                body = _body()
                if body is None or not isinstance(body.get("contact"), dict):
                    return _error(400, "invalid_request", "param is missing or the value is empty: contact")
                try:
                    contact = store.add_contact(account_id, body["contact"])
                except Invalid as error:
                    return _invalid(error)
                return _json({"contact": store.contact_json(contact)}, 201)
            offset, limit = _paging()
            found = [c for c in store.contacts.values() if c["account_id"] == account_id]
            if request.args.get("integration_code"):
                found = [c for c in found if c["integration_code"] == request.args["integration_code"]]
            if request.args.get("name"):
                needle = request.args["name"].lower()
                found = [c for c in found if needle in (c["name"] or "").lower() or needle in (c["tin_value"] or "").lower()]
            page = [store.contact_json(c) for c in found[offset:offset + limit]]
            return _json({"contacts": page, "meta": {"total_count": len(found), "offset": offset, "limit": limit}})

    @app.get("/contacts/<int:contact_id>")
    def contact(contact_id):
        with store.lock:
            found = store.contacts.get(contact_id)
            if found is None or found["account_id"] not in g.accounts:
                return _error(404, "not_found", "Contact not found")
            return _json({"contact": store.contact_json(found)})

    # --- invoices ------------------------------------------------------------------

    @app.route("/accounts/<int:account_id>/invoices", methods=["GET", "POST"])
    def invoices(account_id):
        if request.method == "POST":
            store.traffic.pause_for_create()
        with store.lock:
            _, missing = account_or_404(account_id)
            if missing:
                return missing
            if request.method == "POST":
                return create_invoice(account_id)
            offset, limit = _paging()
            kind = request.args.get("type", "IssuedInvoice")
            found = [i for i in store.invoices.values() if i["account_id"] == account_id and i["type"] == kind]
            if request.args.get("number"):
                found = [i for i in found if i["number"] == request.args["number"]]
            if request.args.get("date_from"):
                found = [i for i in found if i["date"] >= request.args["date_from"]]
            if request.args.get("date_to"):
                found = [i for i in found if i["date"] <= request.args["date_to"]]
            found.sort(key=lambda i: (i["date"], i["id"]), reverse=True)
            page = [store.invoice_json(i) for i in found[offset:offset + limit]]
            return _json({"invoices": page, "meta": {"total_count": len(found), "offset": offset, "limit": limit}})

    def create_invoice(account_id):
        body = _body()
        if body is None or not isinstance(body.get("invoice"), dict):
            return _error(400, "invalid_request", "param is missing or the value is empty: invoice")
        try:
            invoice = store.create_invoice(account_id, body["invoice"])
        except Invalid as error:
            return _invalid(error)
        if body.get("send_after_import"):
            invoice["state"] = "sending"
        store.traffic.record_created(invoice["type"], invoice["id"], invoice["number"])
        if store.knobs.fail_after_create > 0:
            store.knobs.fail_after_create -= 1
            return _error(500, "internal_server_error", "Internal server error")
        return _json({"invoice": store.invoice_json(invoice)}, 201)

    @app.get("/invoices/<int:invoice_id>")
    def invoice(invoice_id):
        with store.lock:
            if g.web:
                found = store.invoices.get(invoice_id)
                if found is None:
                    return Response("<h1>Invoice not found</h1>", 404, mimetype="text/html")
                return render_template_string(WEB_INVOICE, inv=store.invoice_json(found, include_lines=True))
            found, missing = invoice_or_404(invoice_id)
            if missing:
                return missing
            include = request.args.get("include", "")
            return _json({"invoice": store.invoice_json(found, include_lines="lines" in include)})

    @app.put("/invoices/<int:invoice_id>")
    def update_invoice(invoice_id):
        with store.lock:
            found, missing = invoice_or_404(invoice_id)
            if missing:
                return missing
            body = _body()
            if body is None or not isinstance(body.get("invoice"), dict):
                return _error(400, "invalid_request", "param is missing or the value is empty: invoice")
            try:
                updates.update_invoice(store, found, body["invoice"])
            except Invalid as error:
                return _invalid(error)
            return _json({"invoice": store.invoice_json(found)})

    @app.get("/invoices/<int:invoice_id>/as/<document_type>")
    def invoice_document(invoice_id, document_type):
        with store.lock:
            found, missing = invoice_or_404(invoice_id)
            if missing:
                return missing
            if document_type != api_facts.PDF_DOCUMENT_TYPE:
                return _error(422, "unprocessable_entity", f"Unsupported document type {document_type}")
            data = store.invoice_json(found)
        contact = data.get("contact") or {}
        lines = [f"Invoice {data.get('number')}", f"Date: {data.get('date')}",
                 f"Customer: {contact.get('name', '')}", f"Total: {data.get('total')} {data.get('currency')}",
                 f"State: {data.get('state')}"]
        return Response(text_pdf(lines), mimetype=api_facts.PDF_CONTENT_TYPE)

    @app.post("/invoices/<int:invoice_id>/mark_as")
    def mark_as(invoice_id):
        with store.lock:
            found, missing = invoice_or_404(invoice_id)
            if missing:
                return missing
            body = _body() or {}
            try:
                store.set_state(found, str(body.get("state")))
            except Invalid as error:
                return _invalid(error)
            return _json({"invoice": store.invoice_json(found)})

    @app.get("/")
    def index():
        with store.lock:
            listed = sorted(store.invoices.values(), key=lambda i: i["id"])
            return render_template_string(WEB_INDEX, key="sandbox-key", account=100001, invoices=listed)

    # --- control -------------------------------------------------------------------

    @app.get("/_sandbox")
    def sandbox_state():
        with store.lock:
            data = {"knobs": store.knobs.as_json(), "invoices": len(store.invoices), "contacts": len(store.contacts)}
            if request.args.get("log"):
                data["requests"] = list(store.requests)
        data["traffic"] = store.traffic.as_json()
        return _json(data)

    @app.post("/_sandbox/knobs")
    def set_knobs():
        body = _body() or {}
        try:
            store.traffic.configure(**{name: body[name] for name in SETTING_NAMES if name in body})
        except ValueError as error:
            return _error(400, "invalid_request", str(error))
        with store.lock:
            knobs = store.knobs
            if "timeout_seconds" in body:
                knobs.timeout_seconds = float(body["timeout_seconds"])
            for name in ("fail_after_create", "retry_after"):
                if name in body:
                    setattr(knobs, name, int(body[name]))
            if "failures" in body:
                knobs.failures = [str(f) for f in body["failures"]]
            return _json({"knobs": knobs.as_json(), "traffic": store.traffic.as_json()})

    @app.post("/_sandbox/accounts/<int:account_id>")
    def set_account(account_id):
        with store.lock:
            if account_id not in store.accounts:
                return _error(404, "not_found", "Account not found")
            try:
                return _json({"account": store.update_account(account_id, _body() or {})})
            except Invalid as error:
                return _invalid(error)

    @app.post("/_sandbox/invoices/<int:invoice_id>/state")
    def set_invoice_state(invoice_id):
        body = _body() or {}
        with store.lock:
            found = store.invoices.get(invoice_id)
            if found is None:
                return _error(404, "not_found", "Invoice not found")
            try:
                store.set_state(found, str(body.get("state")), body.get("errors"), body.get("refuse_reason"))
            except Invalid as error:
                return _invalid(error)
            return _json({"invoice": store.invoice_json(found)})

    @app.post("/_sandbox/reset")
    def reset():
        store.reset()
        return _json({"reset": True})

    return app
