"""The sandbox as a program: ``python -m erp_host_memsource_belazy.sandbox``."""
import re
import subprocess
import sys

import requests


def test_command_serves_who_am_i_on_a_free_loopback_port():
    proc = subprocess.Popen(
        [sys.executable, "-m", "erp_host_memsource_belazy.sandbox", "--port", "0", "--token", "demo-tok",
         "--latency", "0.01"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        base = re.search(r"base URL (http://127\.0\.0\.1:\d+/web)", line).group(1)
        url = base + "/api2/v1/auth/whoAmI"
        ok = requests.get(url, headers={"Authorization": "ApiToken demo-tok"}, timeout=5)
        assert ok.status_code == 200 and ok.json()["organization"]["name"] == "Lingua Demo SL"
        denied = requests.get(url, headers={"Authorization": "ApiToken nope"}, timeout=5)
        assert denied.status_code == 401 and denied.json()["errorCode"] == "AuthUnauthorized"
        traffic = requests.get(base.removesuffix("/web") + "/_sandbox/traffic", timeout=5).json()
        assert traffic["latency"] == 0.01 and traffic["counters"]["requests"] == 2
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_malformed_and_429_knobs():
    from erp_host_memsource_belazy.sandbox import TOKEN, create_app

    client = create_app().test_client()
    auth = {"Authorization": f"ApiToken {TOKEN}"}
    client.post("/_sandbox/config", json={"fail": [429], "malformed": 1})
    limited = client.get("/web/api2/v1/auth/whoAmI", headers=auth)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
    html = client.get("/web/api2/v1/auth/whoAmI", headers=auth)
    assert html.status_code == 200 and html.content_type.startswith("text/html")
    assert client.get("/web/api2/v1/auth/whoAmI", headers=auth).json["user"]["userName"] == "demo.pm"


def test_latency_knob_and_rate_limit():
    from erp_host_memsource_belazy.sandbox import TOKEN, create_app

    client = create_app(rate_limit=1).test_client()
    auth = {"Authorization": f"ApiToken {TOKEN}"}
    assert client.post("/_sandbox/config", json={"latency": 0.01}).json["latency"] == 0.01
    assert client.get("/web/api2/v1/auth/whoAmI", headers=auth).status_code == 200
    limited = client.get("/web/api2/v1/auth/whoAmI", headers=auth)
    assert limited.status_code == 429 and limited.json["errorCode"] == "TooManyRequests"
    assert limited.headers["Retry-After"]
