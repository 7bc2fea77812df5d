"""``python -m erp_host_memsource_belazy.sandbox --port N``"""
import argparse

from werkzeug.serving import make_server

from erp_host_memsource_belazy.sandbox import TOKEN, create_app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Loopback Phrase TMS who-am-I sandbox")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=TOKEN, help=f"the API token it accepts (default {TOKEN})")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before every answer")
    args = parser.parse_args(argv)
    server = make_server("127.0.0.1", args.port, create_app(token=args.token, latency=args.latency), threaded=True)
    print(f"Phrase TMS sandbox: base URL http://127.0.0.1:{server.server_port}/web (token: {args.token})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
