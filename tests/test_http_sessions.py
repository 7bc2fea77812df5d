"""``host.http_session``: one session per provider configuration, its connections reused."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from host import http_session


def test_the_same_configuration_gets_the_same_session_and_another_a_new_one():
    first = http_session("acme-test", "https://api.acme.test", "key-1")
    assert http_session("acme-test", "https://api.acme.test", "key-1") is first
    changed = http_session("acme-test", "https://api.acme.test", "key-2")
    assert changed is not first
    assert http_session("other-test", "https://api.acme.test", "key-1") is not first


def test_old_configurations_are_dropped_beyond_the_few_kept():
    from host.http_sessions import KEPT_PER_PROVIDER

    first = http_session("churn-test", 0)
    for number in range(1, KEPT_PER_PROVIDER + 1):
        http_session("churn-test", number)
    assert http_session("churn-test", 0) is not first


class _KeepAlive(BaseHTTPRequestHandler):
    """Answers with the caller's port and keeps the connection open (HTTP/1.1)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = str(self.client_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_calls_reuse_one_connection():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    try:
        ports = {http_session("reuse-test", url).get(url, timeout=5).text for _ in range(3)}
        http_session("reuse-test", url).close()
    finally:
        server.shutdown()
        server.server_close()
    assert len(ports) == 1  # one TCP connection for all three calls
