"""The sandbox toolkit: what every provider's loopback sandbox shares.

- :func:`serve` / :func:`serving`: run a sandbox's WSGI app on a loopback port
  in a thread, return once it answers, :meth:`ServedApp.stop` it;
  :class:`RunningSandbox` (the served app and its data) to subclass in tests.
- :class:`Traffic` and :func:`install`: latency, rate and concurrency limits,
  injected 429/503 with ``Retry-After``, a slow invoice create, counters and
  the list of created invoices, with their ``/_sandbox/traffic`` and
  ``/_sandbox/created`` control endpoints.
- :func:`keep_in_file`: the sandbox's data in a JSON file, across restarts.
- :class:`DemoSandbox`, :class:`StartSandbox`, :func:`demo_sandbox`: the
  ``erp_host.sandboxes`` entry point that ``erp-host demo`` starts.
- :func:`sandbox_parser`, :func:`traffic_options`, :func:`serve_until_interrupted`:
  the ``python -m erp_host_<key>.sandbox`` command line.
"""
from host.testing.sandbox.cli import sandbox_parser, serve_until_interrupted, traffic_options
from host.testing.sandbox.demo import SANDBOX_GROUP, DemoSandbox, StartSandbox, demo_sandbox
from host.testing.sandbox.persist import DataFile, keep_in_file
from host.testing.sandbox.server import RunningSandbox, ServedApp, serve, serving
from host.testing.sandbox.traffic import SETTING_NAMES, Refusal, Settings, Traffic
from host.testing.sandbox.wiring import install

__all__ = [
    "SANDBOX_GROUP", "SETTING_NAMES", "DataFile", "DemoSandbox", "Refusal", "RunningSandbox", "ServedApp", "Settings", "StartSandbox", "Traffic",
    "demo_sandbox", "install", "keep_in_file", "sandbox_parser", "serve", "serve_until_interrupted", "serving",
    "traffic_options",
]
