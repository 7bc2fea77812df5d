"""The shared ``python -m erp_host_<key>.sandbox`` command line."""
from __future__ import annotations

import argparse
from collections.abc import Callable

from host.testing.sandbox.server import serve

TRAFFIC_FLAGS = ("latency", "rate_limit", "concurrency_limit")


def sandbox_parser(description: str, default_port: int = 0, keeps_data: bool = True) -> argparse.ArgumentParser:
    """A parser with the options every sandbox has (``--data-file`` only if
    ``keeps_data``); add the sandbox's own with ``add_argument``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=default_port, help="0 picks a free port")
    parser.add_argument("--latency", type=float, help="seconds added to every API request")
    parser.add_argument("--rate-limit", type=int, help="API requests per rolling minute before 429")
    if keeps_data:
        parser.add_argument("--data-file", help="keep the sandbox's data in this JSON file (kept across restarts)")
    return parser


def traffic_options(args: argparse.Namespace) -> dict:
    """The traffic settings given on the command line, for the app factory."""
    return {name: getattr(args, name) for name in TRAFFIC_FLAGS if getattr(args, name, None) is not None}


def serve_until_interrupted(app, port: int, banner: Callable[[str], str]) -> None:
    """Serve ``app`` with an access log, print ``banner(url)`` (its first line
    starts with the URL's program name and contains the URL), stop on Ctrl-C."""
    served = serve(app, port, name="sandbox", quiet=False)
    print(banner(served.url), flush=True)
    try:
        served.wait()
    except KeyboardInterrupt:
        served.stop()
