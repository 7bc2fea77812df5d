"""Commands that need no migrations and no provider network code do not import
them: ``erp-host plugins`` builds no app (no SQLAlchemy, no REST API) and the
providers load without their HTTP clients and forms; Alembic and Flask-Migrate
only for ``erp-host db``, Authlib only when QuickBooks makes a token call."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ERP_HOST = str(Path(sys.executable).parent / "erp-host")
#: Migrations and the providers' HTTP clients: no command but ``erp-host db`` and hook calls imports them.
HEAVY = ("alembic", "flask_migrate", "authlib", "requests", "urllib3")
#: ``erp-host plugins`` builds no app either: no database or REST API stack, no provider forms.
NOT_FOR_PLUGINS = HEAVY + ("sqlalchemy", "flask_sqlalchemy", "flask_smorest", "marshmallow", "flask_limiter",
                           "cryptography")
ENABLED = "memsource_belazy"


def _erp_host(instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ERP_HOST_PLUGINS")}
    env["ERP_HOST_INSTANCE"] = str(instance)
    return subprocess.run([sys.executable, "-X", "importtime", ERP_HOST, *args], env=env,
                          capture_output=True, text=True, timeout=120, check=True)


def _imported(stderr: str) -> set[str]:
    """Top-level packages named in ``-X importtime`` output."""
    return {line.split("|")[-1].strip().split(".")[0] for line in stderr.splitlines() if line.startswith("import time:")}


def _enable(instance: Path, key: str) -> None:
    """Enable ``key`` in the instance's SQLite database, as the Integrations page does."""
    from host.app import create_app
    from host.extensions import db
    from host.integrations.settings import setting_for
    from host.plugins import new_registry

    app = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'erp-host.sqlite'}",
                      "PROVIDER_REGISTRY": new_registry()})
    with app.app_context():
        setting_for(key).enabled = True
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    folder = tmp_path_factory.mktemp("instance")
    upgraded = _erp_host(folder, "db", "upgrade")
    assert {"alembic", "flask_migrate"} <= _imported(upgraded.stderr)
    _enable(folder, ENABLED)
    return folder


def test_plugins_reads_the_enabled_flags_without_the_app_or_provider_clients(instance):
    result = _erp_host(instance, "plugins")
    imported = _imported(result.stderr)
    assert set(NOT_FOR_PLUGINS).isdisjoint(imported), sorted(set(NOT_FOR_PLUGINS) & imported)
    providers = {row["key"]: row for row in json.loads(result.stdout)}
    assert all(row["load_error"] is None for row in providers.values())
    assert {key: row["enabled"] for key, row in providers.items()} == {
        "b2brouter": False, "memsource_belazy": True, "quickbooks": False}
    assert "create_remote_invoice" in providers["quickbooks"]["hooks"]


def test_help_imports_neither_alembic_nor_provider_clients(instance):
    result = _erp_host(instance, "--help")
    assert set(HEAVY).isdisjoint(_imported(result.stderr))
    assert "db" in result.stdout and "plugins" in result.stdout


def test_db_commands_still_run_flask_migrate(instance):
    result = _erp_host(instance, "db", "current")
    assert "(head)" in result.stdout
