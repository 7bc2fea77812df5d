"""``python -m erp_host_b2brouter.sandbox --port N [--latency S] [--seed N]``."""
from __future__ import annotations

import argparse

from werkzeug.serving import make_server

from erp_host_b2brouter.sandbox.app import create_app
from erp_host_b2brouter.sandbox.store import MAIN_ACCOUNT, SANDBOX_KEY, SEED, Store


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Loopback B2BRouter sandbox (API and web pages).")
    parser.add_argument("--port", type=int, default=8780, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every API call")
    parser.add_argument("--fail", action="append", default=[], metavar="KIND",
                        help="fail the next API call with 500, 503, 429 or timeout (repeatable, in order)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    store = Store(args.seed)
    store.knobs.latency = args.latency
    store.knobs.failures = list(args.fail)
    server = make_server("127.0.0.1", args.port, create_app(store), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    print(f"B2BRouter sandbox on {url}  (API key {SANDBOX_KEY}, account {MAIN_ACCOUNT}; "
          "configure the plugin with environment Custom and this URL)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
