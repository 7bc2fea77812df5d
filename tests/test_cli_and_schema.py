"""The erp-host console script, and migrations that match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from host import ProviderInfo, Result, hookimpl
from host.extensions import db
from host.models import ProviderSetting, User


def test_migrations_produce_exactly_the_models_schema(app):
    with app.app_context():
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_create_user_command_creates_a_user_who_can_log_in(app, client):
    from host.cli import create_user_command

    result = app.test_cli_runner().invoke(create_user_command, ["dora", "--role", "admin", "--password", "long-enough-pw"])
    assert result.exit_code == 0 and "Created admin dora." in result.output
    assert "long-enough-pw" not in result.output
    with app.app_context():
        assert db.session.execute(db.select(User).filter_by(username="dora")).scalar_one().is_admin
    assert client.post("/login", data={"username": "dora", "password": "long-enough-pw"}).status_code == 302


def test_create_user_refuses_short_passwords(app):
    from host.cli import create_user_command

    result = app.test_cli_runner().invoke(create_user_command, ["eve", "--password", "short"])
    assert result.exit_code != 0 and "at least 8 characters" in result.output


def test_load_demo_is_idempotent(app):
    from host.cli import load_demo_command

    runner = app.test_cli_runner()
    assert runner.invoke(load_demo_command).exit_code == 0
    assert runner.invoke(load_demo_command).exit_code == 0
    with app.app_context():
        from host.models import Invoice

        assert db.session.execute(db.select(db.func.count(Invoice.id))).scalar() == 4


def test_version_names_erp_host_and_each_installed_provider():
    import importlib.metadata

    from click.testing import CliRunner

    from host.cli import build_cli

    result = CliRunner().invoke(build_cli(), ["--version"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"erp-host {importlib.metadata.version('erp-host')}"
    assert "Flask" not in result.output
    for ep in importlib.metadata.entry_points(group="erp_host"):
        assert f"  {ep.dist.name} {ep.dist.version} (provider {ep.name})" in lines


class FlagsAttention:
    """A provider whose check flags the integration, as an expired OAuth grant does."""

    @hookimpl
    def provider_info(self):
        return ProviderInfo("Flagger", "flags attention")

    @hookimpl
    def validate_config(self, context):
        context.needs_attention("Reconnect to Flagger")
        return Result.failure("The connection was revoked.")


def test_a_provider_can_put_its_integration_in_needs_attention(make_host_app):
    app = make_host_app({"flagger": FlagsAttention()}, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    client.post("/settings/integrations/flagger/check")
    page = client.get("/settings/integrations/").get_data(as_text=True)
    assert "needs attention" in page and "Reconnect to Flagger" in page
    with app.app_context():
        assert db.session.get(ProviderSetting, "flagger").attention == "Reconnect to Flagger"


def test_the_host_works_with_no_provider_installed(make_host_app):
    from host.demo import load_demo

    app = make_host_app({}, WTF_CSRF_ENABLED=False)
    with app.app_context():
        load_demo()
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    assert "No integration is installed" in client.get("/settings/integrations/").get_data(as_text=True)
    invoice = client.get("/invoices/1").get_data(as_text=True)
    assert "INV-2026-0001" in invoice and "integration-panel" not in invoice


def test_the_app_and_erp_host_plugins_find_one_instance_folder_and_database():
    """``host.instance`` decides for both; without settings, the folder is the one Flask would pick."""
    from flask import Flask

    from host.instance import database_url, instance_path, sqlite_path

    assert instance_path(None, environ={}) == Flask("host.app").instance_path
    assert instance_path(None, environ={"ERP_HOST_INSTANCE": "/srv/erp"}) == "/srv/erp"
    assert instance_path("/tmp/test", environ={"ERP_HOST_INSTANCE": "/srv/erp"}) == "/tmp/test"
    assert database_url("/srv/erp", environ={}) == "sqlite:////srv/erp/erp-host.sqlite"
    assert database_url("/srv/erp", environ={"DATABASE_URL": "postgresql://u@db/erp"}) == "postgresql+psycopg://u@db/erp"
    assert sqlite_path("sqlite:////srv/erp/erp-host.sqlite?timeout=30") == "/srv/erp/erp-host.sqlite"
    assert sqlite_path("sqlite:///:memory:") is None and sqlite_path("postgresql+psycopg://u@db/erp") is None
