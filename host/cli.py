"""The ``erp-host`` console script: Flask's commands (``run``, ``db``) plus ours."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from host.app import create_app
from host.keys import KeyProblem


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "user"]), default="user", show_default=True)
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(username: str, role: str, password: str) -> None:
    """Create a user who can log in."""
    from host.auth import create_user

    try:
        create_user(username, password, role)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"Created {role} {username}.")


@click.command("plugins")
@with_appcontext
def plugins_command() -> None:
    """Print the installed providers as JSON."""
    from host.integrations.settings import is_enabled

    registry = current_app.extensions["erp_host_registry"]
    rows = []
    for key, provider in sorted(registry.providers.items()):
        row = provider.as_json()
        try:
            row["enabled"] = is_enabled(key)
        except (OperationalError, ProgrammingError) as error:
            raise click.ClickException("The database is not ready: run `erp-host db upgrade` first.") from error
        rows.append(row)
    click.echo(json.dumps(rows, indent=2))


@click.command("load-demo")
@with_appcontext
def load_demo_command() -> None:
    """Load demo company, users, clients, services, taxes, terms and invoices."""
    from host.demo import DEMO_USERS, load_demo

    load_demo()
    for username, (password, role) in DEMO_USERS.items():
        click.echo(f"demo {role}: {username} / {password}")


@click.command("rotate-key")
@with_appcontext
def rotate_key_command() -> None:
    """Re-encrypt every stored secret under a new encryption key.

    With the key file, a new key is generated and the file updated. With
    ERP_HOST_ENCRYPTION_KEY, set it to NEW_KEY,OLD_KEY first, then run this.
    Stop the app first and restart it afterwards.
    """
    from host.keys import KeySource, fingerprint, rotate
    from host.secrets import current_keys

    source = KeySource.find(current_app.instance_path)
    try:
        count, key = rotate(source, current_keys())
    except KeyProblem as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Re-encrypted {count} secret(s) under the key with fingerprint {fingerprint(key)} "
               f"({source.describe()}). Back up the new key; restart the app.")
    if source.env:
        click.echo("You may now remove the old key from ERP_HOST_ENCRYPTION_KEY.")


@click.command("forget-secrets")
@click.confirmation_option(prompt="Delete every stored provider secret and token? Admins must enter them again.")
def forget_secrets_command() -> None:
    """Delete every stored provider secret: only when the encryption key is lost for good."""
    from host.keys import forget_secrets

    app = create_app({"CHECK_ENCRYPTION_KEY": False})
    with app.app_context():
        count = forget_secrets()
    click.echo(f"Deleted {count} secret(s). Restart the app; it will make a new key if the old one is gone.")


def _commands():
    from host.demo_run import demo_command
    from host.scaffold import new_provider

    return [create_user_command, plugins_command, load_demo_command, demo_command, new_provider,
            rotate_key_command, forget_secrets_command]


def main() -> None:
    group = FlaskGroup(create_app=create_app, help="erp-host: the ERP and its integrations.")
    for command in _commands():
        group.add_command(command)
    try:
        group.main()
    except KeyProblem as problem:
        raise SystemExit(f"erp-host cannot start: {problem}") from None
