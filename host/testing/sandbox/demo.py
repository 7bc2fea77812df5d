"""The ``erp_host.sandboxes`` entry-point contract, used by ``erp-host demo``.

A provider joins the demo by declaring, under its key::

    [project.entry-points."erp_host.sandboxes"]
    acme_books = "erp_host_acme_books.sandbox.testing:start"

``start(port, data_file)`` (a :class:`StartSandbox`) serves the sandbox on
``port``, keeping its data in ``data_file`` (a JSON file in the host's
instance folder) so a restarted demo still has the invoices its links point
at, and returns a :class:`DemoSandbox`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from host.testing.sandbox.server import serve

SANDBOX_GROUP = "erp_host.sandboxes"


@dataclass(frozen=True)
class DemoSandbox:
    """A running sandbox as the demo sees it.

    - ``url``: where it listens;
    - ``config``: the provider's configure-form values pointing at it;
    - ``stop()``: stop serving;
    - ``approve(authorize_url)``: for a provider that connects an account
      (its action with ``when="not connected"`` redirects to a consent page),
      what the sandbox's consent page sends back: the callback's query
      parameters. The demo connects with it before enabling the provider.
    """

    url: str
    config: dict
    stop: Callable[[], None]
    approve: Callable[[str], dict] | None = None


class StartSandbox(Protocol):
    def __call__(self, port: int, data_file: Path | None = None) -> DemoSandbox: ...


def demo_sandbox(app, port: int, config: Callable[[str], dict], name: str = "sandbox",
                 approve: Callable[[str], dict] | None = None) -> DemoSandbox:
    """Serve ``app`` on ``port``; ``config(url)`` gives the provider's settings for that URL."""
    served = serve(app, port, name=name)
    return DemoSandbox(served.url, config(served.url), served.stop, approve)
