"""``python -m erp_host_quickbooks.sandbox --port 8765`` (``--port 0`` picks a free port)."""
from __future__ import annotations

import argparse
import dataclasses

from erp_host_quickbooks.sandbox.seed import CLIENT_ID, CLIENT_SECRET, REALM_ID
from erp_host_quickbooks.sandbox.store import SandboxStore
from erp_host_quickbooks.sandbox.testing import start_sandbox


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Loopback QuickBooks Online sandbox")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every API request")
    parser.add_argument("--fail-next", type=int, default=0, help="the next N API requests fail")
    parser.add_argument("--fail-mode", choices=["500", "503", "429", "timeout"], default="500")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="access token lifetime in seconds")
    parser.add_argument("--rate-limit", type=int, default=10, help="API requests per second before 429")
    args = parser.parse_args(argv)
    store = SandboxStore()
    store.knobs = dataclasses.replace(store.knobs, latency=args.latency, fail_next=args.fail_next,
                                      fail_mode=args.fail_mode, token_lifetime=args.token_lifetime,
                                      rate_limit=args.rate_limit)
    sandbox = start_sandbox(args.port, store, quiet=False)
    print(f"QuickBooks sandbox on {sandbox.url}", flush=True)
    print(f"  client ID {CLIENT_ID}, client secret {CLIENT_SECRET}, realm {REALM_ID}", flush=True)
    print(f"  knobs: {sandbox.url}/_sandbox/knobs", flush=True)
    try:
        sandbox.thread.join()
    except KeyboardInterrupt:
        sandbox.stop()


if __name__ == "__main__":
    main()
