"""The ``erp-host`` console script: Flask's commands (``run``), Flask-Migrate's
(``db``, imported only when it runs) plus ours.

The app, and with it SQLAlchemy, is imported only by the commands that need
it: ``erp-host --version`` and ``erp-host plugins`` start about as fast as
``flask --version``."""
from __future__ import annotations

import importlib
import importlib.metadata
import json

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from host.plugins import GROUP

NOT_READY = "erp-host plugins: database not ready (run `erp-host db upgrade`); enabled is unknown."


def create_app():
    """The app of the commands that need one (imported then: SQLAlchemy, models, views)."""
    from host.app import create_app as build

    return build()


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
def plugins_command() -> None:
    """Print the installed providers as JSON.

    Works before ``erp-host db upgrade``: then ``enabled`` is ``null``
    (unknown) and a note on stderr says the database is not ready. Builds no
    app: the enabled flags are read straight from the database.
    """
    from host.enabled_flags import DatabaseNotReady, enabled_flags
    from host.instance import database_url, instance_path
    from host.plugins import registry_from_env

    rows = [provider.as_json() for _key, provider in sorted(registry_from_env().providers.items())]
    if rows:
        try:
            flags = enabled_flags(database_url(instance_path()))
        except DatabaseNotReady:
            flags = None
            click.echo(NOT_READY, err=True)
        for row in rows:
            row["enabled"] = None if flags is None else flags.get(row["key"], False)
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

        from host.app import init_migrations

        if parent is not None:
            init_migrations(parent.ensure_object(ScriptInfo).load_app())
        return db.make_context(info_name, args, parent=parent, **extra)


@click.command("rotate-key")
@with_appcontext
def rotate_key_command() -> None:
    """Re-encrypt every stored secret under a new encryption key.

    With the key file, a new key is generated and the file updated. With
    ERP_HOST_ENCRYPTION_KEY, set it to NEW_KEY,OLD_KEY first, then run this.
    Stop the app first and restart it afterwards.
    """
    from host.keys import KeyProblem, KeySource, fingerprint, rotate
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
    from host.app import create_app as build
    from host.keys import forget_secrets

    app = build({"CHECK_ENCRYPTION_KEY": False})
    with app.app_context():
        count = forget_secrets()
    click.echo(f"Deleted {count} secret(s). Restart the app; it will make a new key if the old one is gone.")


class LazyCommand(click.Command):
    """A command imported only when it runs (or shows its own help), so that
    ``erp-host plugins`` does not import the demo's sandboxes, the worker's
    consumer or the scaffold."""

    def __init__(self, name: str, target: str, help: str) -> None:
        super().__init__(name, help=help)
        self.target = target

    def make_context(self, info_name, args, parent=None, **extra):
        module, attribute = self.target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        return command.make_context(info_name, args, parent=parent, **extra)


def _commands():
    return [
        create_user_command, plugins_command, load_demo_command,
        LazyCommand("demo", "host.demo_run:demo_command",
                    "Migrate, load demo data, start the sandboxes and serve the app on loopback."),
        LazyCommand("new-provider", "host.scaffold:new_provider",
                    "Write a new provider package NAME (e.g. acme_books) under DEST."),
        LazyCommand("worker", "host.jobs.worker:worker_command",
                    "Run provider jobs. SIGTERM (or Ctrl-C) stops after the jobs in hand."),
        LazyCommand("jobs", "host.jobs.worker:jobs_command",
                    "List queued, running, scheduled and failed jobs (JSON); see also retry and drop."),
        MigrationsGroup(), rotate_key_command, forget_secrets_command,
    ]


def version_lines() -> list[str]:
    """``erp-host X.Y.Z``, then each installed provider's distribution and version."""
    lines = [f"erp-host {importlib.metadata.version('erp-host')}"]
    for ep in sorted(importlib.metadata.entry_points(group=GROUP), key=lambda ep: ep.name):
        dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist else "(distribution unknown)"
        lines.append(f"  {dist} (provider {ep.name})")
    return lines


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo("\n".join(version_lines()))
        ctx.exit()


class HostGroup(FlaskGroup):
    """Flask's group, which finds its own commands (``erp-host plugins``) without
    first importing the commands Flask extensions register (flask-limiter's
    pulls in its storage backends and rich)."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self.commands.get(name) or super().get_command(ctx, name)


def build_cli() -> FlaskGroup:
    group = HostGroup(create_app=create_app, add_version_option=False,
                       params=[click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True,
                                            callback=_print_version, help="Show erp-host's and its providers' versions.")],
                       help="erp-host: the ERP and its integrations.")
    for command in _commands():
        group.add_command(command)
    return group


def main() -> None:
    try:
        build_cli().main()
    except RuntimeError as problem:
        from host.keys import KeyProblem  # imported already when it was raised

        if not isinstance(problem, KeyProblem):
            raise
        raise SystemExit(f"erp-host cannot start: {problem}") from None
