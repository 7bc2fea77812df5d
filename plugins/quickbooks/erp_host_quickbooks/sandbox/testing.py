"""Starting the sandbox in a thread and connecting a context to it (tests, demos)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import requests
from host.testing.sandbox import DemoSandbox, demo_sandbox, serve
from host.testing.sandbox import RunningSandbox as BaseSandbox

from erp_host_quickbooks.config import QuickBooksConfigSchema
from erp_host_quickbooks.sandbox.app import create_app
from erp_host_quickbooks.sandbox.money import VERIFIER_TOKEN
from erp_host_quickbooks.sandbox.seed import CLIENT_ID, CLIENT_SECRET
from erp_host_quickbooks.sandbox.store import SandboxStore


def form_config(url: str) -> dict:
    """Configure-form values pointing the provider at the sandbox on ``url``."""
    return {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "environment": "custom", "custom_base_url": url,
            "webhook_verifier_token": VERIFIER_TOKEN}


class RunningSandbox(BaseSandbox):
    store: SandboxStore

    @property
    def config(self) -> dict:
        return form_config(self.url)

    def plugin_config(self, **overrides) -> dict:
        """The config as hooks receive it (loaded through the schema)."""
        return QuickBooksConfigSchema().load({**self.config, **overrides})


def start_sandbox(port: int = 0, store: SandboxStore | None = None, **options) -> RunningSandbox:
    """Serve the sandbox on 127.0.0.1 in a daemon thread; ``options`` go to
    :func:`~erp_host_quickbooks.sandbox.app.create_app`."""
    store = store or SandboxStore()
    return RunningSandbox(serve(create_app(store, **options), port, name="quickbooks-sandbox"), store)


def start(port: int, data_file=None) -> DemoSandbox:
    """The ``erp_host.sandboxes`` entry point: the sandbox on ``port`` for ``erp-host demo``."""
    return demo_sandbox(create_app(data_file=data_file), port, form_config, name="quickbooks-sandbox", approve=approve)


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
