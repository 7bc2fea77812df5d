"""``python -m erp_host_memsource_belazy.sandbox --port N [--token T] [--latency S]``"""
from host.testing.sandbox import sandbox_parser, serve_until_interrupted, traffic_options

from erp_host_memsource_belazy.sandbox import TOKEN, create_app


def main(argv=None) -> None:
    parser = sandbox_parser("Loopback Phrase TMS who-am-I sandbox", keeps_data=False)
    parser.add_argument("--token", default=TOKEN, help=f"the API token it accepts (default {TOKEN})")
    args = parser.parse_args(argv)
    serve_until_interrupted(create_app(token=args.token, **traffic_options(args)), args.port,
                            lambda url: f"Phrase TMS sandbox: base URL {url}/web (token: {args.token})")


if __name__ == "__main__":
    main()
