"""Run the sandbox in a background thread (tests and the host's demo)."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from host.testing.sandbox import DemoSandbox, demo_sandbox, serving

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
def running_sandbox(token: str = TOKEN, **traffic):
    with serving(create_app(token=token, **traffic), name="memsource-sandbox") as served:
        yield RunningSandbox(served.url, token)


def demo_config(url: str) -> dict:
    return {"phrase_base_url": f"{url}/web", "phrase_api_token": TOKEN, "contact_email": "pm@lingua.example"}


def start(port: int, data_file=None) -> DemoSandbox:
    """The ``erp_host.sandboxes`` entry point. The sandbox holds no data, so ``data_file`` is not used."""
    return demo_sandbox(create_app(), port, demo_config, name="memsource-sandbox")
