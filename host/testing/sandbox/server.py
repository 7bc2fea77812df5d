"""Serve a WSGI app on loopback in a daemon thread, wait until it answers, stop it."""
from __future__ import annotations

import http.client
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

HOST = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request: test output and benchmarks stay readable."""

    def log_request(self, *args, **kwargs):
        pass


@dataclass
class ServedApp:
    """An app listening on ``url`` until :meth:`stop`."""

    url: str
    port: int
    _server: BaseWSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        """Stop serving and free the port; safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def wait(self) -> None:
        """Block until the server stops (the command-line sandboxes)."""
        self._thread.join()

    def control(self, path: str, body: dict | None = None, method: str = "POST") -> dict:
        """Call a ``/_sandbox/<path>`` control endpoint with a JSON body; returns its JSON answer."""
        response = requests.request(method, f"{self.url}/_sandbox/{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()


@dataclass
class RunningSandbox:
    """A served sandbox and its live data, for a plugin's tests: subclass it
    to add the plugin's config (``config()``) and shortcuts."""

    served: ServedApp
    store: Any = None

    @property
    def url(self) -> str:
        return self.served.url

    def stop(self) -> None:
        self.served.stop()

    def control(self, path: str, **body) -> dict:
        """POST to a ``/_sandbox`` control endpoint, e.g. ``control("traffic/inject", status=503)``."""
        return self.served.control(path, body)


def serve(app, port: int = 0, *, name: str = "sandbox", quiet: bool = True, ready_timeout: float = 5.0) -> ServedApp:
    """Serve ``app`` on ``127.0.0.1:port`` (0: a free port) with one thread per request.

    Returns once the server answers HTTP, so callers never race its start.
    :raises OSError: the port is taken.
    """
    handler = _QuietHandler if quiet else WSGIRequestHandler
    server = make_server(HOST, port, app, threaded=True, request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True)
    thread.start()
    served = ServedApp(f"http://{HOST}:{server.server_port}", server.server_port, server, thread)
    _wait_until_ready(served.port, ready_timeout)
    return served


@contextmanager
def serving(app, port: int = 0, **options):
    """``with serving(app) as served:`` — :func:`serve`, stopped on leaving the block."""
    served = serve(app, port, **options)
    try:
        yield served
    finally:
        served.stop()


def _wait_until_ready(port: int, timeout: float) -> None:
    """Any HTTP answer (even a 404) means the serving thread handles requests."""
    deadline = time.monotonic() + timeout
    while True:
        connection = http.client.HTTPConnection(HOST, port, timeout=1)
        try:
            connection.request("HEAD", "/_sandbox/ready")
            connection.getresponse().read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
        finally:
            connection.close()
