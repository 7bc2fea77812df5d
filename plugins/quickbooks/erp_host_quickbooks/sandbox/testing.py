"""Starting the sandbox in a thread and connecting a context to it (tests, demos)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from erp_host_quickbooks.config import QuickBooksConfigSchema
from erp_host_quickbooks.sandbox.app import create_app
from erp_host_quickbooks.sandbox.seed import CLIENT_ID, CLIENT_SECRET
from erp_host_quickbooks.sandbox.store import SandboxStore


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@dataclass
class RunningSandbox:
    url: str
    store: SandboxStore
    server: object
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)

    @property
    def config(self) -> dict:
        """Configure-form values pointing the provider at this sandbox (``erp-host demo`` uses them)."""
        return {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "environment": "custom",
                "custom_base_url": self.url}

    def plugin_config(self, **overrides) -> dict:
        """The config as hooks receive it (loaded through the schema)."""
        return QuickBooksConfigSchema().load({**self.config, **overrides})


def start_sandbox(port: int = 0, store: SandboxStore | None = None, quiet: bool = True) -> RunningSandbox:
    """Serve the sandbox on 127.0.0.1 in a daemon thread (also the ``erp_host.sandboxes`` entry point)."""
    store = store or SandboxStore()
    handler = _QuietHandler if quiet else WSGIRequestHandler
    server = make_server("127.0.0.1", port, create_app(store), threaded=True, request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, name="quickbooks-sandbox", daemon=True)
    thread.start()
    return RunningSandbox(f"http://127.0.0.1:{server.server_port}", store, server, thread)


def approve(authorize_url: str) -> dict:
    """Do what the admin does on the sandbox's consent page; return the callback's query params."""
    page = requests.get(authorize_url, timeout=10)
    page.raise_for_status()
    query = dict(parse_qsl(urlsplit(authorize_url).query))
    fields = {k: query.get(k, "") for k in ("client_id", "redirect_uri", "state", "scope")}
    base = authorize_url.split("?", 1)[0]
    answer = requests.post(base + "/decision", data={**fields, "decision": "approve"}, allow_redirects=False, timeout=10)
    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))


def connect(plugin, config: dict, context):
    """Run the whole connect flow (action, consent, callback) against the sandbox."""
    started = plugin.run_action(name="connect", params={}, config=config, context=context)
    return plugin.handle_callback(params=approve(started.redirect_url), config=config, context=context)
