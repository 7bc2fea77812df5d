"""Files holding password hashes and secrets are readable by their owner only."""
import stat

from host.app import create_app
from host.plugins import new_registry


def test_the_sqlite_database_file_is_created_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ERP_HOST_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("ERP_HOST_ENCRYPTION_KEY", raising=False)
    create_app({"SECRET_KEY": "x", "PROVIDER_REGISTRY": new_registry()})
    database = tmp_path / "instance" / "erp-host.sqlite"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "instance").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "instance" / "encryption.key").stat().st_mode) == 0o600
