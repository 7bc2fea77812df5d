"""Running the sandbox in a thread, for tests and for the host's demo."""
from __future__ import annotations

from contextlib import contextmanager

from host.testing.sandbox import DemoSandbox, demo_sandbox, serving
from host.testing.sandbox import RunningSandbox as BaseSandbox

from erp_host_b2brouter.sandbox.app import create_app
from erp_host_b2brouter.sandbox.store import MAIN_ACCOUNT, SANDBOX_KEY, Store


def plugin_config(url: str, **overrides) -> dict:
    """A loaded plugin config pointing at the sandbox on ``url`` (as the host passes it to hooks)."""
    config = {"api_key": SANDBOX_KEY, "account_id": MAIN_ACCOUNT, "environment": "custom",
              "custom_base_url": url, "webhook_secret": "sandbox-webhook-secret", "send_after_import": False}
    config.update(overrides)
    return config


class RunningSandbox(BaseSandbox):
    """A sandbox listening on ``url``; ``store`` is its live data."""

    store: Store

    def config(self, **overrides) -> dict:
        return plugin_config(self.url, **overrides)

    def requests_log(self) -> list[dict]:
        with self.store.lock:
            return list(self.store.requests)


def start(port: int, data_file=None) -> DemoSandbox:
    """The ``erp_host.sandboxes`` entry point: a seeded sandbox on ``port`` for ``erp-host demo``."""
    return demo_sandbox(create_app(data_file=data_file), port, plugin_config, name="b2brouter-sandbox")


@contextmanager
def run_sandbox(port: int = 0, store: Store | None = None, **options):
    """Serve a fresh (or the given) sandbox on 127.0.0.1 in a daemon thread;
    ``options`` go to :func:`~erp_host_b2brouter.sandbox.app.create_app`."""
    store = store or Store()
    with serving(create_app(store, **options), port, name="b2brouter-sandbox") as served:
        yield RunningSandbox(served, store)
