"""``erp-host demo`` as a process: one worker beside the web server, and both stop together."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import requests

from host.testing.workers import wait_until


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _serves(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def test_sigterm_stops_the_demo_and_its_worker(tmp_path):
    port = _free_port()
    env = {**os.environ, "ERP_HOST_INSTANCE": str(tmp_path), "ERP_HOST_PLUGINS": ""}
    env.pop("DATABASE_URL", None)
    demo = subprocess.Popen([sys.executable, "-c", "from host.cli import main; main()", "demo", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        worker_pid = None
        for line in demo.stdout:
            if "background worker: pid" in line:
                worker_pid = int(line.split("pid", 1)[1].split()[0])
                break
        assert worker_pid and _alive(worker_pid)
        wait_until(lambda: _serves(f"http://127.0.0.1:{port}/login"), timeout=30)
        demo.send_signal(signal.SIGTERM)  # what `timeout`, systemd or a container stop send
        assert demo.wait(60) == 0
        assert not _alive(worker_pid)
    finally:
        if demo.poll() is None:
            demo.kill()


def test_the_demo_connects_and_enables_a_provider_that_connects_an_account(tmp_path):
    """QuickBooks is enabled only once connected: the demo connects it through its sandbox's consent page."""
    env = {**os.environ, "ERP_HOST_INSTANCE": str(tmp_path), "ERP_HOST_PLUGINS": "quickbooks"}
    env.pop("DATABASE_URL", None)
    demo = subprocess.Popen([sys.executable, "-c", "from host.cli import main; main()", "demo", "--port",
                             str(_free_port())], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = []
        for line in demo.stdout:
            lines.append(line)
            if "background worker: pid" in line:
                break
        (report,) = [line for line in lines if line.startswith("QuickBooks Online: sandbox")]
        assert report.rstrip().endswith("(enabled)"), report
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(60)
