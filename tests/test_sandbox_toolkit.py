"""``host.testing.sandbox``: serving, traffic control, control endpoints, data files."""
from __future__ import annotations

import json
import socket
import threading
import time
from decimal import Decimal

import pytest
import requests
from flask import Flask, jsonify, request

from host.testing.sandbox import DataFile, Traffic, install, keep_in_file, sandbox_parser, serve, serving, traffic_options


def tiny_sandbox(traffic: Traffic) -> Flask:
    """A sandbox with one API route, scoped by the ``X-Scope`` header."""
    app = Flask(__name__)
    install(app, traffic, is_api=lambda: request.path.startswith("/api/"),
            scope=lambda: request.headers.get("X-Scope", ""),
            refuse=lambda refusal: jsonify({"refused": refusal.reason}))

    @app.route("/api/invoices", methods=["GET", "POST"])
    def invoices():
        if request.method == "POST":
            traffic.pause_for_create()
            traffic.record_created("Invoice", request.json["id"], request.json["number"])
        return jsonify({"ok": True})

    return app


@pytest.fixture
def traffic():
    return Traffic()


@pytest.fixture
def served(traffic):
    with serving(tiny_sandbox(traffic)) as running:
        yield running


def test_serve_answers_at_once_and_stop_frees_the_port(traffic):
    running = serve(tiny_sandbox(traffic))
    assert requests.get(running.url + "/api/invoices", timeout=5).json() == {"ok": True}
    running.stop()
    running.stop()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", running.port))  # free again


def test_rate_limit_is_a_rolling_window_per_scope_with_retry_after(served):
    served.control("traffic", {"rate_limit": 2, "rate_window": 1.5})
    get = lambda scope: requests.get(served.url + "/api/invoices", headers={"X-Scope": scope}, timeout=5)  # noqa: E731
    assert [get("a").status_code for _ in range(2)] == [200, 200]
    refused = get("a")
    assert refused.status_code == 429 and refused.json() == {"refused": "rate_limit"}
    assert refused.headers["Retry-After"] in ("1", "2")
    assert get("b").status_code == 200  # another scope has its own window
    time.sleep(1.6)
    assert get("a").status_code == 200
    counters = served.control("traffic", method="GET")["counters"]
    assert counters["requests"] == 5 and counters["throttled"] == 1 and counters["statuses"] == {"200": 4, "429": 1}


def test_concurrency_limit_counts_requests_in_progress(served):
    served.control("traffic", {"concurrency_limit": 2, "latency": 0.6})
    statuses = []
    threads = [threading.Thread(target=lambda: statuses.append(
        requests.get(served.url + "/api/invoices", timeout=10).status_code)) for _ in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 429]
    served.control("traffic", {"latency": 0})
    assert requests.get(served.url + "/api/invoices", timeout=5).status_code == 200  # slots were released


def test_injected_refusals_match_a_path_and_count_down(served):
    served.control("traffic/inject", {"status": 503, "count": 2, "retry_after": 7, "path": "/api/inv"})
    first, second, third = (requests.get(served.url + "/api/invoices", timeout=5) for _ in range(3))
    assert (first.status_code, first.headers["Retry-After"], second.status_code, third.status_code) == (503, "7", 503, 200)
    assert requests.get(served.url + "/elsewhere", timeout=5).status_code == 404  # not an API call: never refused


def test_bad_settings_are_refused_with_the_reason(served):
    for body in ({"rate_limit": 0}, {"latency": -1}, {"speed": 3}):
        answer = requests.post(served.url + "/_sandbox/traffic", json=body, timeout=5)
        assert answer.status_code == 400 and answer.json()["error"]
    answer = requests.post(served.url + "/_sandbox/traffic/inject", json={"status": 500}, timeout=5)
    assert answer.status_code == 400 and "429" in answer.json()["error"]


def test_created_invoices_are_listed_with_duplicates_and_reset(served):
    for remote_id, number in ((1, "A-1"), (2, "A-2"), (3, "A-1")):
        requests.post(served.url + "/api/invoices", json={"id": remote_id, "number": number}, timeout=5)
    created = served.control("created", method="GET")
    assert [i["id"] for i in created["invoices"]] == ["1", "2", "3"]
    assert created["duplicates"] == {"Invoice": {"A-1": 2}}
    assert served.control("traffic", method="GET")["counters"]["created"] == {"Invoice": 3}
    after = served.control("traffic/reset")
    assert after["counters"]["requests"] == 0 and served.control("created", method="GET")["invoices"] == []


def test_reset_returns_to_the_defaults_given_at_start():
    traffic = Traffic(latency=0.01, rate_limit=5)
    traffic.configure(latency=1.0, rate_limit=None)
    traffic.reset()
    assert (traffic.settings.latency, traffic.settings.rate_limit) == (0.01, 5)


def test_data_file_round_trips_decimals_and_replaces_atomically(tmp_path):
    data_file = DataFile(tmp_path / "sub" / "sandbox.json")
    assert data_file.load() is None
    data_file.save({"total": Decimal("10.10"), "items": [{"price": Decimal("0.1")}]})
    assert data_file.load() == {"total": Decimal("10.10"), "items": [{"price": Decimal("0.1")}]}
    assert [p.name for p in data_file.path.parent.iterdir()] == ["sandbox.json"]  # no temporary file left
    with pytest.raises(TypeError):
        data_file.save({"bad": object()})
    assert data_file.load()["total"] == Decimal("10.10")  # a failed save leaves the old data
    assert [p.name for p in data_file.path.parent.iterdir()] == ["sandbox.json"]


def test_keep_in_file_saves_after_writes_and_loads_at_start(tmp_path):
    path = tmp_path / "notes.json"

    def notes_app():
        notes: list[str] = []
        app = Flask(__name__)
        keep_in_file(app, path, lambda: {"notes": list(notes)}, lambda data: notes.extend(data["notes"]))

        @app.route("/notes", methods=["GET", "POST"])
        def index():
            if request.method == "POST":
                notes.append(request.json["text"])
            return jsonify(notes)

        return app

    with serving(notes_app()) as first:
        assert json.loads(path.read_text()) == {"notes": []}
        requests.post(first.url + "/notes", json={"text": "kept"}, timeout=5)
    with serving(notes_app()) as second:
        assert requests.get(second.url + "/notes", timeout=5).json() == ["kept"]


def test_command_line_options():
    args = sandbox_parser("x").parse_args(["--port", "9", "--latency", "0.05", "--rate-limit", "100"])
    assert args.port == 9 and args.data_file is None
    assert traffic_options(args) == {"latency": 0.05, "rate_limit": 100}
    assert traffic_options(sandbox_parser("x").parse_args([])) == {}
