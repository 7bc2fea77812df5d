"""Commands that need no migrations and no provider network code do not import
them: Alembic and Flask-Migrate only for ``erp-host db``, Authlib only when
QuickBooks makes a token call."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ERP_HOST = str(Path(sys.executable).parent / "erp-host")
HEAVY = ("alembic", "flask_migrate", "authlib")


def _erp_host(instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ERP_HOST_PLUGINS")}
    env["ERP_HOST_INSTANCE"] = str(instance)
    return subprocess.run([sys.executable, "-X", "importtime", ERP_HOST, *args], env=env,
                          capture_output=True, text=True, timeout=120, check=True)


def _imported(stderr: str) -> set[str]:
    """Top-level packages named in ``-X importtime`` output."""
    return {line.split("|")[-1].strip().split(".")[0] for line in stderr.splitlines() if line.startswith("import time:")}


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    folder = tmp_path_factory.mktemp("instance")
    upgraded = _erp_host(folder, "db", "upgrade")
    assert {"alembic", "flask_migrate"} <= _imported(upgraded.stderr)
    return folder


@pytest.mark.parametrize("args", [("plugins",), ("--help",)])
def test_plugins_and_help_import_neither_alembic_nor_authlib(instance, args):
    result = _erp_host(instance, *args)
    assert set(HEAVY).isdisjoint(_imported(result.stderr))
    if args == ("plugins",):
        providers = {row["key"]: row for row in json.loads(result.stdout)}
        assert all(row["load_error"] is None for row in providers.values())
    else:
        assert "db" in result.stdout and "plugins" in result.stdout


def test_db_commands_still_run_flask_migrate(instance):
    result = _erp_host(instance, "db", "current")
    assert "(head)" in result.stdout
