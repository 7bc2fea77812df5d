"""``erp-host demo``: the host with every installed provider against its local sandbox.

Sandboxes are found through the ``erp_host.sandboxes`` entry-point group
(the contract: :mod:`host.testing.sandbox.demo`). Each starts on its key's
stable port (:mod:`host.demo_ports`) with its data in
``<instance>/sandboxes/<key>.json``, so links saved by an earlier run still
open the right sandbox and find their invoices. Providers whose sandbox
configuration validates are enabled. One ``erp-host worker`` runs beside the
web server and stops with it.
"""
from __future__ import annotations

import importlib.metadata
import inspect
import signal
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from host.demo_ports import assign_ports
from host.jobs.worker import spawn_worker
from host.testing.sandbox import SANDBOX_GROUP


def start_sandboxes(folder: Path) -> tuple[dict, list[str]]:
    """Start each installed provider's sandbox; ``folder`` holds its data and
    the ports file. Returns the sandboxes by key, and a line per sandbox that
    could not start (e.g. its port is taken)."""
    entry_points = {ep.name: ep for ep in importlib.metadata.entry_points(group=SANDBOX_GROUP)}
    ports = assign_ports(sorted(entry_points), folder / "ports.json")
    started, failures = {}, []
    for key, port in ports.items():
        try:
            started[key] = _start(entry_points[key].load(), port, folder / f"{key}.json")
        except Exception as error:  # one broken sandbox must not stop the demo
            failures.append(f"{key}: sandbox not started on port {port}: {error}")
    return started, failures


def _start(start, port: int, data_file: Path):
    """Sandboxes written for the first contract, ``start(port)``, keep their data in memory."""
    if "data_file" in inspect.signature(start).parameters:
        return start(port, data_file=data_file)
    return start(port)


def configure_providers(sandboxes: dict, username: str) -> list[str]:
    """Save each sandbox's config and enable the provider; returns report lines."""
    from host.integrations import admin
    from host.integrations.settings import registry

    lines = []
    for key, sandbox in sandboxes.items():
        try:
            provider = registry().get(key)
        except LookupError:
            continue
        result, errors = admin.configure(provider, {k: str(v) for k, v in sandbox.config.items() if v is not False}, username)
        if result.ok and not errors:
            result = _connect(provider, sandbox, username) or admin.enable(provider, username)
        state = "enabled" if result.ok else "not enabled: " + "; ".join(m.text for m in result.messages)
        lines.append(f"{provider.info.title}: sandbox {sandbox.url} ({state})")
    return lines


def _connect(provider, sandbox, username: str):
    """Connect through the sandbox's consent page when the provider connects an
    account; ``None`` when done (or nothing to do), else the failed ``Result``."""
    from host.integrations import admin

    action = next((a for a in (provider.info.actions if provider.info else ()) if a.when == "not connected"), None)
    if sandbox.approve is None or action is None:
        return None
    started = admin.run_action(provider, action.name, {}, username)
    if started.ok and started.redirect_url:
        started = admin.callback(provider, sandbox.approve(started.redirect_url), username)
    return None if started.ok else started


def _exit_cleanly(signum, frame) -> None:
    """SIGTERM (``timeout``, systemd, a container stop) ends the demo the way Ctrl-C does:
    through the ``finally`` that stops the worker and the sandboxes."""
    raise SystemExit(0)


@click.command("demo")
@click.option("--port", default=5000, show_default=True, help="Port of the web app.")
@with_appcontext
def demo_command(port: int) -> None:
    """Migrate, load demo data, start the sandboxes and serve the app on loopback.

    Sandbox ports and data are kept in the instance folder's ``sandboxes/``.
    """
    from flask_migrate import upgrade

    from host.app import init_migrations
    from host.demo import DEMO_USERS, load_demo

    app = current_app._get_current_object()
    init_migrations(app)
    upgrade()
    load_demo()
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    sandboxes, failures = start_sandboxes(Path(app.instance_path) / "sandboxes")
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        report = configure_providers(sandboxes, "admin")
    for line in failures + report:
        click.echo(line)
    click.echo(f"\nerp-host demo: http://127.0.0.1:{port}/")
    for username, (password, role) in DEMO_USERS.items():
        click.echo(f"  log in as {role}: {username} / {password}")
    worker = spawn_worker(app)
    click.echo(f"  background worker: pid {worker.pid} (erp-host worker)")
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        run_simple("127.0.0.1", port, app, threaded=True)
    finally:
        worker.terminate()  # SIGTERM: the worker finishes the jobs in hand
        worker.wait(60)
        for sandbox in sandboxes.values():
            sandbox.stop()
