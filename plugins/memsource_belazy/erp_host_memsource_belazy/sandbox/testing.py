"""Run the sandbox in a background thread (tests and the host's demo)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass

from werkzeug.serving import make_server

from erp_host_memsource_belazy.sandbox import TOKEN, create_app


@dataclass(frozen=True)
class RunningSandbox:
    url: str  # server root, for /_sandbox/ knobs
    token: str

    @property
    def base_url(self) -> str:
        """The Phrase TMS base URL to put in the provider's settings."""
        return f"{self.url}/web"


@contextmanager
def running_sandbox(token: str = TOKEN, latency: float = 0.0):
    server = make_server("127.0.0.1", 0, create_app(token=token, latency=latency), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield RunningSandbox(f"http://127.0.0.1:{server.server_port}", token)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@dataclass
class DemoSandbox:
    """What ``erp-host demo`` expects from an ``erp_host.sandboxes`` entry point."""

    url: str
    config: dict
    stop: object


def start(port: int) -> DemoSandbox:
    """Serve the sandbox on ``port`` for the host's demo; ``stop()`` ends it."""
    server = make_server("127.0.0.1", port, create_app(token=TOKEN, latency=0.0), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    config = {"phrase_base_url": f"{url}/web", "phrase_api_token": TOKEN, "contact_email": "pm@lingua.example"}
    return DemoSandbox(url, config, server.shutdown)
