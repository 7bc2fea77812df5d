"""Running the sandbox in a thread, for tests and for the host's demo."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass

import requests
from werkzeug.serving import make_server

from erp_host_b2brouter.sandbox.app import create_app
from erp_host_b2brouter.sandbox.store import MAIN_ACCOUNT, SANDBOX_KEY, Store


@dataclass
class RunningSandbox:
    """A sandbox listening on ``url``; ``store`` is its live data."""

    url: str
    store: Store

    def config(self, **overrides) -> dict:
        """A loaded plugin config pointing at this sandbox (as the host passes it to hooks)."""
        config = {"api_key": SANDBOX_KEY, "account_id": MAIN_ACCOUNT, "environment": "custom",
                  "custom_base_url": self.url, "webhook_secret": "sandbox-webhook-secret",
                  "send_after_import": False}
        config.update(overrides)
        return config

    def control(self, path: str, **body) -> dict:
        """POST to a ``/_sandbox`` control endpoint, e.g. ``control("knobs", failures=["500"])``."""
        response = requests.post(f"{self.url}/_sandbox/{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def requests_log(self) -> list[dict]:
        with self.store.lock:
            return list(self.store.requests)


@dataclass
class DemoSandbox:
    """What ``erp-host demo`` expects from an ``erp_host.sandboxes`` entry point."""

    url: str
    config: dict
    stop: object


def start(port: int) -> DemoSandbox:
    """Start a seeded sandbox on ``port`` for the host's demo; ``stop()`` ends it."""
    manager = run_sandbox(port)
    running = manager.__enter__()
    return DemoSandbox(running.url, running.config(), lambda: manager.__exit__(None, None, None))


@contextmanager
def run_sandbox(port: int = 0, store: Store | None = None):
    """Serve a fresh (or the given) sandbox on 127.0.0.1 in a daemon thread."""
    store = store or Store()
    server = make_server("127.0.0.1", port, create_app(store), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="b2brouter-sandbox", daemon=True)
    thread.start()
    try:
        yield RunningSandbox(f"http://127.0.0.1:{server.server_port}", store)
    finally:
        server.shutdown()
        thread.join(timeout=5)
