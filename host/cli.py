"""The ``erp-host`` console script: Flask's commands (``run``), Flask-Migrate's
(``db``, imported only when it runs) plus ours."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from host.app import create_app, init_migrations


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


class MigrationsGroup(click.Group):
    """``erp-host db``: stands in for Flask-Migrate's ``db`` group, so that
    Alembic is imported only when a database command runs, not for
    ``erp-host --help`` or ``erp-host plugins``."""

    def __init__(self) -> None:
        super().__init__("db", help="Perform database migrations.")

    def make_context(self, info_name, args, parent=None, **extra):
        from flask_migrate.cli import db

        if parent is not None:
            init_migrations(parent.ensure_object(ScriptInfo).load_app())
        return db.make_context(info_name, args, parent=parent, **extra)


def _commands():
    from host.demo_run import demo_command
    from host.scaffold import new_provider

    return [create_user_command, plugins_command, load_demo_command, demo_command, new_provider, MigrationsGroup()]


def main() -> None:
    group = FlaskGroup(create_app=create_app, help="erp-host: the ERP and its integrations.")
    for command in _commands():
        group.add_command(command)
    group.main()
