"""A loopback stand-in for Phrase TMS's who-am-I endpoint.

It answers ``GET /web/api2/v1/auth/whoAmI`` like Phrase TMS: the demo user
for ``Authorization: ApiToken <token>``, a 401 ``{"errorCode", "errorDescription"}``
body for a missing or wrong token. Knobs, set by ``POST /_sandbox/config``
(JSON) or the command-line flags:

- ``latency``: seconds to wait before every answer (with ``rate_limit`` and
  the rest of the shared traffic controls also at ``/_sandbox/traffic``);
- ``fail``: a list of HTTP statuses the next requests answer with, in order
  (e.g. ``[503, 429]``), then normal service resumes;
- ``malformed``: how many next requests get an HTML page instead of JSON.

``GET /_sandbox/requests`` lists the requests seen (path, user agent, whether
a token was sent), so tests can check what the client sent.
"""
from __future__ import annotations

import threading

from flask import Flask, jsonify, request
from host.testing.sandbox import Traffic, install

TOKEN = "sandbox-token"
API_PREFIX = "/web/api2/"
_ERROR_CODES = {429: "TooManyRequests", 503: "ServerError"}

DEMO_WHO_AM_I = {
    "user": {
        "uid": "sbxU5er01",
        "id": "1001",
        "userName": "demo.pm",
        "firstName": "Dana",
        "lastName": "Project",
        "email": "dana.project@example.com",
        "role": "ADMIN",
        "timezone": "Europe/Madrid",
    },
    "organization": {"uid": "sbx0rg01", "id": "2001", "name": "Lingua Demo SL"},
    "edition": {"name": "Team"},
    "features": {"projectTemplates": True},
}


def create_app(token: str = TOKEN, **traffic) -> Flask:
    """``traffic``: :class:`host.testing.sandbox.Settings` values (``latency``, ``rate_limit``, ...)."""
    app = Flask(__name__)
    lock = threading.Lock()
    knobs = {"fail": [], "malformed": 0}
    seen: list[dict] = []
    controls = Traffic(**traffic)
    install(app, controls, is_api=lambda: request.path.startswith(API_PREFIX), scope=lambda: "",
            refuse=lambda refusal: _error(refusal.status, _ERROR_CODES[refusal.status], "Injected by the sandbox"))

    @app.get("/web/api2/v1/auth/whoAmI")
    def who_am_i():
        with lock:
            seen.append(
                {
                    "path": request.path,
                    "user_agent": request.headers.get("User-Agent"),
                    "token_sent": request.headers.get("Authorization", "").startswith("ApiToken "),
                }
            )
            fail = knobs["fail"].pop(0) if knobs["fail"] else None
            malformed = fail is None and knobs["malformed"] > 0
            if malformed:
                knobs["malformed"] -= 1
        if fail is not None:
            return _error(fail, "ServerError" if fail >= 500 else "TooManyRequests", "Injected by the sandbox")
        if request.headers.get("Authorization") != f"ApiToken {token}":
            return _error(401, "AuthUnauthorized", "Unauthorized: invalid or expired token")
        if malformed:
            return "<html><body>Maintenance</body></html>", 200, {"Content-Type": "text/html"}
        return jsonify(DEMO_WHO_AM_I)

    @app.post("/_sandbox/config")
    def configure():
        body = request.get_json(force=True)
        if "latency" in body:
            controls.configure(latency=float(body["latency"]))
        with lock:
            if "fail" in body:
                knobs["fail"] = [int(code) for code in body["fail"]]
            if "malformed" in body:
                knobs["malformed"] = int(body["malformed"])
            return jsonify({**knobs, "latency": controls.settings.latency})

    @app.get("/_sandbox/requests")
    def requests_seen():
        with lock:
            return jsonify(list(seen))

    return app


def _error(status: int, code: str, description: str):
    response = jsonify({"errorCode": code, "errorDescription": description})
    response.status_code = status
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response
