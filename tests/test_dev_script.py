"""``./dev setup`` installs only when the pyproject files changed, without setuptools' banners."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECTS = ("pyproject.toml", "plugins/b2brouter/pyproject.toml", "plugins/quickbooks/pyproject.toml",
              "plugins/memsource_belazy/pyproject.toml")


def checkout(tmp_path: Path) -> Path:
    """The dev script and its pyproject files, with a venv whose python runs pip as a recorder."""
    repo = tmp_path / "repo"
    for name in ("dev", *PYPROJECTS):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    python = repo / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"""#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
  echo "$* PYTHONWARNINGS=$PYTHONWARNINGS" >> "{repo}/pip.log"
  exit 0
fi
exec {sys.executable} "$@"
""")
    python.chmod(0o755)
    return repo


def setup(repo: Path) -> str:
    env = {**os.environ, "ERP_HOST_VENV": str(repo / "venv")}
    done = subprocess.run([str(repo / "dev"), "setup"], cwd=repo, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def pip_calls(repo: Path) -> list[str]:
    log = repo / "pip.log"
    return log.read_text().splitlines() if log.exists() else []


def test_setup_installs_once_until_a_pyproject_changes(tmp_path):
    repo = checkout(tmp_path)
    assert "installing erp-host" in setup(repo)
    calls = pip_calls(repo)
    assert len(calls) == 2 and "-e plugins/quickbooks" in calls[1]
    assert all("PYTHONWARNINGS=ignore:Editable installation" in call for call in calls)

    assert setup(repo) == ""  # nothing changed: no pip, no output
    assert len(pip_calls(repo)) == 2

    pyproject = repo / "plugins/b2brouter/pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# a new dependency\n")
    assert "installing erp-host" in setup(repo)
    assert len(pip_calls(repo)) == 4
