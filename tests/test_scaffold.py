"""``erp-host new-provider``: the generated provider installs into a fresh
virtual environment, registers, is listed and passes its own tests (the
contract suite included)."""
import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from host.scaffold import check_key, names_for, new_provider, scaffold_provider

ROOT = Path(__file__).resolve().parent.parent
KEY = "acme_books"


def test_names_follow_the_project_conventions():
    assert names_for("acme_books") == {
        "key": "acme_books",
        "dist": "erp-host-acme-books",
        "package": "erp_host_acme_books",
        "title": "Acme Books",
        "class": "AcmeBooks",
    }


@pytest.mark.parametrize("bad", ["Acme", "acme-books", "1acme", "acme__books", "acme_", "class", "", "a" * 41, "acme books"])
def test_invalid_keys_are_refused(bad):
    with pytest.raises(ValueError, match="not a valid provider key"):
        check_key(bad)


def test_invalid_key_suggests_a_valid_one():
    with pytest.raises(ValueError, match="'acme_books'"):
        check_key("Acme-Books")


def test_existing_folder_is_never_overwritten(tmp_path):
    (tmp_path / KEY).mkdir()
    (tmp_path / KEY / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        scaffold_provider(KEY, tmp_path)
    assert [p.name for p in (tmp_path / KEY).iterdir()] == ["keep.txt"]


def test_command_writes_the_package_and_reports_errors(tmp_path):
    runner = CliRunner()
    made = runner.invoke(new_provider, [KEY, "--dest", str(tmp_path)])
    assert made.exit_code == 0, made.output
    assert "erp-host-acme-books" in made.output
    pyproject = tomllib.loads((tmp_path / KEY / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "erp-host-acme-books"
    assert pyproject["project"]["entry-points"]["erp_host"] == {KEY: "erp_host_acme_books"}
    assert pyproject["project"]["entry-points"]["erp_host.sandboxes"] == {KEY: "erp_host_acme_books.sandbox.testing:start"}
    files = {p.relative_to(tmp_path / KEY).as_posix() for p in (tmp_path / KEY).rglob("*") if p.is_file()}
    assert {
        "erp_host_acme_books/__init__.py",
        "erp_host_acme_books/client.py",
        "erp_host_acme_books/sandbox/__init__.py",
        "erp_host_acme_books/sandbox/__main__.py",
        "tests/test_acme_books_contract.py",
    } <= files
    assert not any("{{" in (tmp_path / KEY / name).read_text() for name in files)
    again = runner.invoke(new_provider, [KEY, "--dest", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output
    bad = runner.invoke(new_provider, ["Bad-Name", "--dest", str(tmp_path)])
    assert bad.exit_code == 1 and "not a valid provider key" in bad.output


def test_templates_ship_as_package_data():
    """A non-editable install of erp-host must carry the templates."""
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["host"]
    assert "scaffold_templates/**/*" in package_data


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv (no system site-packages) with erp-host and a scaffolded provider."""
    base = tmp_path_factory.mktemp("scaffold")
    plugin_dir = scaffold_provider(KEY, base / "plugins")
    venv = base / "venv"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run([*pip, "-e", str(ROOT), "pytest>=8"], cwd=base)
    _run([*pip, f"{plugin_dir}[test]"], cwd=base)
    print(f"fresh venv with erp-host and {KEY} installed in {time.monotonic() - started:.1f}s")
    env = {k: v for k, v in os.environ.items() if k not in ("ERP_HOST_PLUGINS", "VIRTUAL_ENV", "PYTHONPATH", "DATABASE_URL")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["ERP_HOST_INSTANCE"] = str(base / "instance")
    return {"venv": venv, "plugin_dir": plugin_dir, "env": env, "cwd": base}


def _run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_installed_provider_is_registered_and_listed(installed):
    bin_dir = installed["venv"] / "bin"
    run = dict(env=installed["env"], cwd=installed["cwd"])
    _run([str(bin_dir / "erp-host"), "db", "upgrade"], **run)
    listed = json.loads(_run([str(bin_dir / "erp-host"), "plugins"], **run).stdout)
    (row,) = [row for row in listed if row["key"] == KEY]
    assert row["distribution"] == "erp-host-acme-books"
    assert row["load_error"] is None
    assert set(row["hooks"]) == {
        "provider_info", "validate_config", "enable", "create_remote_invoice", "preview_remote_totals",
        "list_remote_invoices", "link", "unlink", "remote_status",
    }


DEMO_SANDBOX_CHECK = """
import importlib.metadata, json, urllib.request
(ep,) = [ep for ep in importlib.metadata.entry_points(group="erp_host.sandboxes") if ep.name == "acme_books"]
sandbox = ep.load()(0)
try:
    request = urllib.request.Request(sandbox.config["base_url"] + "/api/account",
                                     headers={"Authorization": "Bearer " + sandbox.config["api_key"]})
    status = urllib.request.urlopen(request).status
    print(json.dumps({"url": sandbox.url, "config": sorted(sandbox.config), "status": status}))
finally:
    sandbox.stop()
"""


def test_installed_provider_offers_a_sandbox_to_the_demo(installed):
    done = _run([str(installed["venv"] / "bin" / "python"), "-c", DEMO_SANDBOX_CHECK], env=installed["env"], cwd=installed["cwd"])
    report = json.loads(done.stdout)
    assert report["url"].startswith("http://127.0.0.1:") and report["config"] == ["api_key", "base_url"]
    assert report["status"] == 200


def test_generated_tests_pass_with_the_contract_suite(installed):
    done = _run(
        [str(installed["venv"] / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=installed["plugin_dir"],
        env=installed["env"],
    )
    assert " passed" in done.stdout and "failed" not in done.stdout
    assert "test_acme_books_contract.py" in _run(
        [str(installed["venv"] / "bin" / "python"), "-m", "pytest", "--collect-only", "-q"],
        cwd=installed["plugin_dir"],
        env=installed["env"],
    ).stdout
