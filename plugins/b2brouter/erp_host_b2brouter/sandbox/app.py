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

import time
import uuid

from flask import Flask, Response, g, request

from host.testing.sandbox import Refusal, install, keep_in_file

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.sandbox import api_routes, control, web
from erp_host_b2brouter.sandbox.replies import error
from erp_host_b2brouter.sandbox.store import Store

KNOWN_VERSIONS = ("2025-10-13", "2026-03-02", "2026-04-20", "2026-06-26")


def _is_api() -> bool:
    return not request.path.startswith("/_sandbox") and not web.is_web()


def _refusal(refusal: Refusal) -> Response:
    """A rate-limit or injected refusal in B2BRouter's error body."""
    if refusal.status == 429:
        return error(429, "rate_limit_exceeded", "Rate limit exceeded")
    return error(refusal.status, "service_unavailable", "Service unavailable")


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
    _gate(app, store)
    api_routes.register(app, store)
    web.register(app, store)
    control.register(app, store)
    return app


def _gate(app: Flask, store: Store) -> None:
    """Before an API call: the failure knobs, the API version and key; after it: a request ID and the log."""

    @app.before_request
    def _check():
        g.web = web.is_web()
        if not _is_api():
            return None
        g.api = True
        return _injected_failure(store) or _refused_caller(store)

    @app.after_request
    def _log(response):
        if getattr(g, "api", False):
            response.headers["X-B2B-API-Request-Id"] = uuid.uuid4().hex
            with store.lock:
                store.requests.append({"method": request.method, "path": request.path,
                                       "query": request.query_string.decode(), "status": response.status_code})
        return response


def _injected_failure(store: Store) -> Response | None:
    """The next queued failure knob (``timeout`` only delays the answer)."""
    with store.lock:
        knobs = store.knobs
        failure = knobs.failures.pop(0) if knobs.failures else None
        timeout_seconds, retry_after = knobs.timeout_seconds, knobs.retry_after
    if failure == "timeout":
        time.sleep(timeout_seconds)
    elif failure == "malformed":
        return Response("<html><body>Bad gateway</body></html>", 200, mimetype="text/html")
    elif failure == "429":
        return error(429, "rate_limit_exceeded", "Rate limit exceeded", {"Retry-After": str(retry_after)})
    elif failure and failure != "pass":
        return error(int(failure), "internal_server_error", "Internal server error")
    return None


def _refused_caller(store: Store) -> Response | None:
    """An unknown API version or a missing or wrong key; sets ``g.accounts`` (what the key sees)."""
    version = request.headers.get(api_facts.HEADER_API_VERSION)
    if version and version not in KNOWN_VERSIONS:
        return error(400, api_facts.CODE_INVALID_VERSION, f"Invalid API version {version}")
    key = request.headers.get(api_facts.HEADER_API_KEY)
    g.accounts = store.visible_accounts(key)
    if g.accounts is None:
        return error(401, api_facts.CODE_INVALID_KEY, "Missing API key" if not key else "Invalid API key")
    return None
