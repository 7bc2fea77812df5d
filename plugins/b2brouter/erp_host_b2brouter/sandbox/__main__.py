"""``python -m erp_host_b2brouter.sandbox --port N [--latency S] [--rate-limit N] [--data-file F] [--seed N]``."""
from __future__ import annotations

from host.testing.sandbox import sandbox_parser, serve_until_interrupted, traffic_options

from erp_host_b2brouter.sandbox.app import create_app
from erp_host_b2brouter.sandbox.store import MAIN_ACCOUNT, SANDBOX_KEY, SEED, Store


def main(argv=None) -> None:
    parser = sandbox_parser("Loopback B2BRouter sandbox (API and web pages).", default_port=8780)
    parser.add_argument("--fail", action="append", default=[], metavar="KIND",
                        help="fail the next API call with 500, 503, 429 or timeout (repeatable, in order)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    store = Store(args.seed)
    store.knobs.failures = list(args.fail)
    app = create_app(store, data_file=args.data_file, **traffic_options(args))
    serve_until_interrupted(app, args.port, lambda url: (
        f"B2BRouter sandbox on {url}  (API key {SANDBOX_KEY}, account {MAIN_ACCOUNT}; "
        "configure the plugin with environment Custom and this URL)"))


if __name__ == "__main__":
    main()
