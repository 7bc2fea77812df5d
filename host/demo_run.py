"""``erp-host demo``: the host with every installed provider against its local sandbox.

Sandboxes are found through the ``erp_host.sandboxes`` entry-point group:
the name is the provider key; the value is a callable
``start(port: int) -> sandbox`` returning an object with ``url`` (where it
listens), ``config`` (configure-form values pointing the provider at it) and
``stop()``. Providers whose sandbox configuration validates are enabled.
"""
from __future__ import annotations

import importlib.metadata

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

SANDBOX_GROUP = "erp_host.sandboxes"
FIRST_SANDBOX_PORT = 8101


def start_sandboxes(first_port: int = FIRST_SANDBOX_PORT) -> dict:
    """Start each installed provider's sandbox on consecutive loopback ports."""
    started = {}
    entry_points = sorted(importlib.metadata.entry_points(group=SANDBOX_GROUP), key=lambda ep: ep.name)
    for offset, ep in enumerate(entry_points):
        started[ep.name] = ep.load()(first_port + offset)
    return started


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
            result = admin.enable(provider, username)
        state = "enabled" if result.ok else "not enabled: " + "; ".join(m.text for m in result.messages)
        lines.append(f"{provider.info.title}: sandbox {sandbox.url} ({state})")
    return lines


@click.command("demo")
@click.option("--port", default=5000, show_default=True, help="Port of the web app.")
@click.option("--sandbox-port", default=FIRST_SANDBOX_PORT, show_default=True, help="First sandbox port.")
@with_appcontext
def demo_command(port: int, sandbox_port: int) -> None:
    """Migrate, load demo data, start the sandboxes and serve the app on loopback."""
    from flask_migrate import upgrade

    from host.app import init_migrations
    from host.demo import DEMO_USERS, load_demo

    app = current_app._get_current_object()
    init_migrations(app)
    upgrade()
    load_demo()
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    sandboxes = start_sandboxes(sandbox_port)
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        report = configure_providers(sandboxes, "admin")
    for line in report:
        click.echo(line)
    click.echo(f"\nerp-host demo: http://127.0.0.1:{port}/")
    for username, (password, role) in DEMO_USERS.items():
        click.echo(f"  log in as {role}: {username} / {password}")
    try:
        run_simple("127.0.0.1", port, app, threaded=True)
    finally:
        for sandbox in sandboxes.values():
            sandbox.stop()
