"""A loopback stand-in for Phrase TMS's who-am-I endpoint.

It answers ``GET /web/api2/v1/auth/whoAmI`` like Phrase TMS: the demo user
for ``Authorization: ApiToken <token>``, a 401 ``{"errorCode", "errorDescription"}``
body for a missing or wrong token. Knobs, set by ``POST /_sandbox/config``
(JSON) or the command-line flags:

- ``latency``: seconds to wait before every answer;
- ``fail``: a list of HTTP statuses the next requests answer with, in order
  (e.g. ``[503, 429]``), then normal service resumes;
- ``malformed``: how many next requests get an HTML page instead of JSON.

``GET /_sandbox/requests`` lists the requests seen (path, user agent, whether
a token was sent), so tests can check what the client sent.
"""
from __future__ import annotations

import threading
import time

from flask import Flask, jsonify, request

TOKEN = "sandbox-token"

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


def create_app(token: str = TOKEN, latency: float = 0.0) -> Flask:
    app = Flask(__name__)
    lock = threading.Lock()
    knobs = {"latency": latency, "fail": [], "malformed": 0}
    seen: list[dict] = []

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
            delay = knobs["latency"]
            fail = knobs["fail"].pop(0) if knobs["fail"] else None
            malformed = fail is None and knobs["malformed"] > 0
            if malformed:
                knobs["malformed"] -= 1
        if delay:
            time.sleep(delay)
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
        with lock:
            if "latency" in body:
                knobs["latency"] = float(body["latency"])
            if "fail" in body:
                knobs["fail"] = [int(code) for code in body["fail"]]
            if "malformed" in body:
                knobs["malformed"] = int(body["malformed"])
            return jsonify(knobs)

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
