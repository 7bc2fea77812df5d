"""``python -m erp_host_quickbooks.sandbox --port 8765`` (``--port 0`` picks a free port)."""
from __future__ import annotations

import dataclasses

from host.testing.sandbox import sandbox_parser, serve_until_interrupted, traffic_options

from erp_host_quickbooks.sandbox.app import create_app
from erp_host_quickbooks.sandbox.seed import CLIENT_ID, CLIENT_SECRET, REALM_ID
from erp_host_quickbooks.sandbox.store import CONCURRENCY_LIMIT, RATE_LIMIT, SandboxStore


def main(argv=None) -> None:
    parser = sandbox_parser("Loopback QuickBooks Online sandbox", default_port=8765)
    parser.add_argument("--concurrency-limit", type=int,
                        help=f"API requests in progress at once per company before 429 (default {CONCURRENCY_LIMIT}; "
                             f"--rate-limit defaults to {RATE_LIMIT} per company)")
    parser.add_argument("--fail-next", type=int, default=0, help="the next N API requests fail")
    parser.add_argument("--fail-mode", choices=["500", "503", "429", "timeout"], default="500")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="access token lifetime in seconds")
    args = parser.parse_args(argv)
    store = SandboxStore()
    store.knobs = dataclasses.replace(store.knobs, fail_next=args.fail_next, fail_mode=args.fail_mode,
                                      token_lifetime=args.token_lifetime)
    app = create_app(store, data_file=args.data_file, **traffic_options(args))
    serve_until_interrupted(app, args.port, lambda url: (
        f"QuickBooks sandbox on {url}\n"
        f"  client ID {CLIENT_ID}, client secret {CLIENT_SECRET}, realm {REALM_ID}\n"
        f"  knobs: {url}/_sandbox/knobs, traffic: {url}/_sandbox/traffic"))


if __name__ == "__main__":
    main()
