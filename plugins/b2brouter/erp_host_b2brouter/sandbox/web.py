"""The sandbox's web-app pages: what a browser sees at ``/`` and ``/invoices/<id>``.

One server plays both hosts: a browser request (no API key, wants HTML) to one
of these paths gets the page; anything else is an API call.
"""
from __future__ import annotations

import re

from flask import Flask, Response, render_template_string, request

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.sandbox.store import Store

WEB_PATH = re.compile(r"/|/invoices/\d+")

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


def is_web() -> bool:
    """A browser asking for one of the web-app pages (no API key, wants HTML)."""
    accept = request.accept_mimetypes
    return (request.method == "GET" and WEB_PATH.fullmatch(request.path) is not None
            and api_facts.HEADER_API_KEY not in request.headers
            and accept.best_match(["application/json", "text/html"]) == "text/html"
            and accept["text/html"] > accept["application/json"])


def invoice_page(store: Store, invoice_id: int):
    """The invoice's web page (any account's: the browser is logged in to all)."""
    found = store.invoices.get(invoice_id)
    if found is None:
        return Response("<h1>Invoice not found</h1>", 404, mimetype="text/html")
    return render_template_string(WEB_INVOICE, inv=store.invoice_json(found, include_lines=True))


def register(app: Flask, store: Store) -> None:
    @app.get("/")
    def index():
        with store.lock:
            listed = sorted(store.invoices.values(), key=lambda i: i["id"])
            return render_template_string(WEB_INDEX, key="sandbox-key", account=100001, invoices=listed)
