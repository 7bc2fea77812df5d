"""Wire a :class:`~host.testing.sandbox.traffic.Traffic` into a sandbox's Flask app.

:func:`install` adds the admission/latency/counting hooks and the shared
control endpoints (loopback sandboxes need no authentication for them):

- ``GET /_sandbox/traffic``: settings, queued injections and counters
  (``requests`` answered, ``throttled`` = 429s, ``statuses``, ``created`` per type).
- ``POST /_sandbox/traffic``: change settings (``latency``, ``rate_limit``,
  ``rate_window``, ``concurrency_limit``, ``slow_create``); answers like the GET.
- ``POST /_sandbox/traffic/inject``: ``{"status": 429|503, "count": K,
  "retry_after": s, "path": "/invoice"}`` — the next K API requests whose path
  contains ``path`` answer ``status`` with that ``Retry-After``.
- ``POST /_sandbox/traffic/reset``: counters, created-invoice list, injections and
  rate windows emptied; settings stay.
- ``GET /_sandbox/created``: ``{"invoices": [{"type", "id", "number"}], "duplicates": {type: {number: count}}}``.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, Response, g, jsonify, request

from host.testing.sandbox.traffic import Refusal, Traffic


def install(app: Flask, traffic: Traffic, *, is_api: Callable[[], bool], scope: Callable[[], str],
            refuse: Callable[[Refusal], Response], limits_send_retry_after: bool = True) -> None:
    """Apply ``traffic`` to the app's API requests and add the control endpoints.

    Call it before registering the sandbox's own ``before_request`` hooks, so
    admission and latency come first, as at a real service's front door.
    ``refuse`` renders a refusal in the real service's error body; its status
    and ``Retry-After`` header are set here. Injected refusals carry the
    ``Retry-After`` asked for; rate-limit refusals carry the seconds until the
    window frees a slot unless ``limits_send_retry_after`` is false (QuickBooks
    sends none).
    """

    @app.before_request
    def _admit():
        if not is_api():
            return None
        g.traffic_api = True
        key = scope()
        refusal = traffic.admit(key, request.path)
        if refusal is not None:
            response = refuse(refusal)
            response.status_code = refusal.status
            if refusal.retry_after is not None and (refusal.reason == "injected" or limits_send_retry_after):
                response.headers["Retry-After"] = str(refusal.retry_after)
            return response
        g.traffic_scope = key
        traffic.pause()
        return None

    @app.after_request
    def _count(response):
        if g.get("traffic_api"):
            traffic.record(response.status_code)
        return response

    @app.teardown_request
    def _release(_error):
        if "traffic_scope" in g:
            traffic.release(g.pop("traffic_scope"))

    app.register_blueprint(control_blueprint(traffic))


def control_blueprint(traffic: Traffic) -> Blueprint:
    bp = Blueprint("sandbox_traffic", __name__, url_prefix="/_sandbox")

    def bad_request(error: Exception):
        return jsonify({"error": str(error)}), 400

    @bp.get("/traffic")
    def show():
        return jsonify(traffic.as_json())

    @bp.post("/traffic")
    def configure():
        try:
            traffic.configure(**_json_object())
        except (TypeError, ValueError) as error:
            return bad_request(error)
        return jsonify(traffic.as_json())

    @bp.post("/traffic/inject")
    def inject():
        try:
            traffic.inject(**_json_object())
        except (TypeError, ValueError) as error:
            return bad_request(error)
        return jsonify(traffic.as_json())

    @bp.post("/traffic/reset")
    def reset():
        traffic.clear()
        return jsonify(traffic.as_json())

    @bp.get("/created")
    def created():
        return jsonify(traffic.created_json())

    return bp


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body
