"""The sandbox Flask app: QuickBooks' OAuth endpoints, the Accounting API subset,
a fake web app page per invoice, and control endpoints under ``/_sandbox/``."""
from __future__ import annotations

import json
import uuid
from decimal import Decimal

from flask import Flask, g, jsonify
from flask.json.provider import DefaultJSONProvider

from erp_host_quickbooks.sandbox import api_views, control_views, oauth_views
from erp_host_quickbooks.sandbox.store import Fault, SandboxStore


class _NumbersJSON(DefaultJSONProvider):
    """QuickBooks sends amounts as JSON numbers; Flask would send Decimals as strings."""

    @staticmethod
    def default(o):
        if isinstance(o, Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return DefaultJSONProvider.default(o)

    def dumps(self, obj, **kwargs):
        kwargs.setdefault("default", self.default)
        return json.dumps(obj, **kwargs)


def create_app(store: SandboxStore | None = None) -> Flask:
    app = Flask(__name__)
    app.json = _NumbersJSON(app)
    app.config["QB_STORE"] = store or SandboxStore()

    @app.before_request
    def _tag():
        g.intuit_tid = "sbx-" + uuid.uuid4().hex[:20]

    @app.after_request
    def _tid(response):
        response.headers["intuit_tid"] = g.get("intuit_tid", "")
        return response

    @app.errorhandler(Fault)
    def _fault(fault):
        return jsonify(fault.body()), fault.status

    app.register_blueprint(oauth_views.bp)
    app.register_blueprint(api_views.bp)
    app.register_blueprint(control_views.bp)
    return app
