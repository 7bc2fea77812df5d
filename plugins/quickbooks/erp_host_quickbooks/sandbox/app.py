"""The sandbox Flask app: QuickBooks' OAuth endpoints, the Accounting API subset,
a fake web app page per invoice, and control endpoints under ``/_sandbox/``.

API requests (``/v3/company/<realm>/...``) first pass the shared traffic
control (:mod:`host.testing.sandbox`): latency, and QuickBooks' limits per
realm (500 requests per rolling minute, 10 at once by default) answered with
Intuit's 429 ``ThrottleExceeded`` fault, without ``Retry-After`` like the real
service unless an injected refusal sets one.
"""
from __future__ import annotations

import json
import uuid
from decimal import Decimal

from flask import Flask, Response, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from host.testing.sandbox import Refusal, install, keep_in_file

from erp_host_quickbooks.sandbox import api_views, control_views, money_views, oauth_views  # noqa: F401 (routes)
from erp_host_quickbooks.sandbox.faults import Fault
from erp_host_quickbooks.sandbox.store import SandboxStore

API_PREFIX = "/v3/company/"


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


def _is_api() -> bool:
    return request.path.startswith(API_PREFIX)


def _realm() -> str:
    return request.path[len(API_PREFIX):].split("/", 1)[0]


def _refusal(refusal: Refusal) -> Response:
    return (api_views.throttled() if refusal.status == 429 else api_views.server_error(refusal.status))[0]


def create_app(store: SandboxStore | None = None, *, data_file=None, **traffic) -> Flask:
    """The sandbox app on ``store`` (a fresh seeded one by default).

    ``traffic``: :class:`host.testing.sandbox.Settings` values (``latency``,
    ``rate_limit``, ``concurrency_limit``, ...), the defaults ``/_sandbox/reset``
    returns to. ``data_file``: keep the data in this JSON file across restarts.
    """
    app = Flask(__name__)
    app.json = _NumbersJSON(app)
    store = store or SandboxStore()
    if traffic:
        store.traffic.set_defaults(**traffic)
    app.config["QB_STORE"] = store

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

    # after _tag: a 429 has an intuit_tid too
    install(app, store.traffic, is_api=_is_api, scope=_realm, refuse=_refusal, limits_send_retry_after=False)
    if data_file:
        keep_in_file(app, data_file, store.snapshot, store.restore)

    app.register_blueprint(oauth_views.bp)
    app.register_blueprint(api_views.bp)
    app.register_blueprint(control_views.bp)
    return app
