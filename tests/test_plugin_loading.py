"""Finding providers through entry points, and dispatching to exactly one."""
import json
import logging
import textwrap

import pytest

from host import ProviderInfo, Result, hookimpl
from host.plugins import GROUP, HookNotImplemented, StartupError, UnknownProvider, new_registry, registry_from_env
from host.testing.reference_provider import ReferenceProvider


def install_fake_distribution(root, dist, entry_points: dict[str, str], modules: dict[str, str]):
    """Lay out an installed distribution (dist-info + modules) under ``root``."""
    info = root / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    lines = [f"[{GROUP}]"] + [f"{name} = {target}" for name, target in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for name, source in modules.items():
        (root / f"{name}.py").write_text(textwrap.dedent(source))


GOOD_MODULE = """
from host import ProviderInfo, Result, hookimpl

@hookimpl
def provider_info():
    return ProviderInfo(title="Fake {n}", description="A fake provider")

@hookimpl
def link(remote_id):
    return Result.success("linked by {n} " + remote_id)
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("ERP_HOST_PLUGINS", raising=False)
    return tmp_path


def test_entry_points_register_under_their_name_with_distribution_and_version(site):
    install_fake_distribution(site, "erp-host-fakeone", {"fakeone": "erp_host_fakeone"}, {"erp_host_fakeone": GOOD_MODULE.replace("{n}", "one")})
    registry = registry_from_env({})
    provider = registry.get("fakeone")
    assert (provider.distribution, provider.version) == ("erp-host-fakeone", "1.2.3")
    assert provider.info.title == "Fake one"
    assert provider.hooks == ("link", "provider_info")


def test_allow_list_limits_loading_and_empty_loads_none(site):
    install_fake_distribution(site, "erp-host-fakeone", {"fakeone": "erp_host_fakeone"}, {"erp_host_fakeone": GOOD_MODULE.replace("{n}", "one")})
    install_fake_distribution(site, "erp-host-faketwo", {"faketwo": "erp_host_faketwo"}, {"erp_host_faketwo": GOOD_MODULE.replace("{n}", "two")})
    only_two = registry_from_env({"ERP_HOST_PLUGINS": "faketwo"})
    assert "faketwo" in only_two.providers and "fakeone" not in only_two.providers
    assert registry_from_env({"ERP_HOST_PLUGINS": ""}).providers == {}


def test_a_plugin_that_fails_to_import_is_recorded_and_others_still_load(site):
    install_fake_distribution(site, "erp-host-broken", {"broken": "erp_host_broken"}, {"erp_host_broken": "import does_not_exist_anywhere\n"})
    install_fake_distribution(site, "erp-host-fakeone", {"fakeone": "erp_host_fakeone"}, {"erp_host_fakeone": GOOD_MODULE.replace("{n}", "one")})
    registry = registry_from_env({"ERP_HOST_PLUGINS": "broken,fakeone"})
    assert "does_not_exist_anywhere" in registry.providers["broken"].load_error
    with pytest.raises(UnknownProvider):
        registry.get("broken")
    assert registry.call("fakeone", "link", invoice=None, remote_id="7", config={}, context=None).ok


def test_two_distributions_claiming_one_key_stop_start_up(site):
    install_fake_distribution(site, "erp-host-fakeone", {"samekey": "erp_host_fakeone"}, {"erp_host_fakeone": GOOD_MODULE.replace("{n}", "one")})
    install_fake_distribution(site, "erp-host-faketwo", {"samekey": "erp_host_faketwo"}, {"erp_host_faketwo": GOOD_MODULE.replace("{n}", "two")})
    with pytest.raises(StartupError, match="samekey"):
        registry_from_env({"ERP_HOST_PLUGINS": "samekey"})


def test_a_misspelled_hook_stops_start_up():
    class Misspelled:
        @hookimpl
        def provider_info(self):
            return ProviderInfo("M", "m")

        @hookimpl
        def create_remote_invoce(self, invoice):  # typo on purpose
            return Result.success()

    registry = new_registry()
    with pytest.raises(StartupError, match="create_remote_invoce"):
        registry.register("misspelled", Misspelled())
    assert "misspelled" not in registry.providers


def test_a_wrong_argument_name_stops_start_up():
    class WrongArgument:
        @hookimpl
        def provider_info(self):
            return ProviderInfo("W", "w")

        @hookimpl
        def link(self, invoice, remote):  # the spec says remote_id
            return Result.success()

    with pytest.raises(StartupError, match="remote"):
        new_registry().register("wrong", WrongArgument())


def test_provider_info_that_raises_is_a_load_error_not_a_crash():
    class Raises:
        @hookimpl
        def provider_info(self):
            raise RuntimeError("no info today")

    registry = new_registry()
    provider = registry.register("raises", Raises())
    assert "no info today" in provider.load_error
    assert registry.loaded() == []


def test_a_call_reaches_only_the_named_provider():
    registry = new_registry()
    one, two = ReferenceProvider("One"), ReferenceProvider("Two")
    registry.register("one", one)
    registry.register("two", two)
    result = registry.call("two", "run_action", name="ping", params={}, config={}, context=None)
    assert result.ok
    assert two.calls == ["run_action:ping"] and one.calls == []


def test_calling_a_hook_the_provider_lacks_is_reported():
    class Minimal:
        @hookimpl
        def provider_info(self):
            return ProviderInfo("Min", "minimal")

    registry = new_registry()
    registry.register("min", Minimal())
    registry.register("ref", ReferenceProvider())
    with pytest.raises(HookNotImplemented):
        registry.call("min", "create_remote_invoice", invoice=None, config={}, context=None, attempt_id="a")


def test_tracing_logs_every_hook_call(caplog):
    registry = new_registry(trace=True)
    registry.register("ref", ReferenceProvider())
    with caplog.at_level(logging.INFO, logger="host.plugins"):
        registry.call("ref", "run_action", name="ping", params={}, config={}, context=None)
    assert "hook run_action -> ['ref']" in caplog.text


@pytest.fixture
def two_fakes(site, monkeypatch):
    """``fakeone`` and ``faketwo`` installed, the only providers ``erp-host plugins`` loads."""
    for n in ("one", "two"):
        install_fake_distribution(site, f"erp-host-fake{n}", {f"fake{n}": f"erp_host_fake{n}"},
                                  {f"erp_host_fake{n}": GOOD_MODULE.replace("{n}", n)})
    monkeypatch.setenv("ERP_HOST_PLUGINS", "fakeone,faketwo")
    return site


def erp_host(*args: str):
    """Run the ``erp-host`` command group in this process, as the console script does."""
    from click.testing import CliRunner

    from host.cli import build_cli

    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


def test_erp_host_plugins_reads_the_enabled_flags_of_the_database(two_fakes, make_host_app, erp_database_url, monkeypatch):
    """On SQLite through ``sqlite3``, on PostgreSQL (TEST_DATABASE_URL) through SQLAlchemy Core."""
    from host.extensions import db
    from host.integrations.settings import setting_for

    app = make_host_app({})
    with app.app_context():
        setting_for("faketwo").enabled = True
        db.session.commit()
    monkeypatch.setenv("DATABASE_URL", erp_database_url)
    result = erp_host("plugins")
    assert result.exit_code == 0 and result.stderr == ""
    rows = json.loads(result.stdout)
    assert [(r["key"], r["distribution"], r["version"], r["enabled"]) for r in rows] == [
        ("fakeone", "erp-host-fakeone", "1.2.3", False), ("faketwo", "erp-host-faketwo", "1.2.3", True)]
    assert rows[0]["hooks"] == ["link", "provider_info"] and rows[0]["load_error"] is None


@pytest.fixture
def unmigrated_database_url(tmp_path):
    """A database without tables: a new PostgreSQL database when TEST_DATABASE_URL is set, else no SQLite file yet."""
    from host.testing.app import drop_postgres_database, fresh_postgres_database, postgres_url

    server = postgres_url()
    if not server:
        yield f"sqlite:///{tmp_path / 'instance' / 'erp-host.sqlite'}"
        return
    url = fresh_postgres_database(server)
    yield url
    drop_postgres_database(url)


def test_erp_host_plugins_before_the_database_is_migrated(two_fakes, unmigrated_database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ERP_HOST_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", unmigrated_database_url)
    result = erp_host("plugins")
    assert result.exit_code == 0
    assert [(r["key"], r["enabled"]) for r in json.loads(result.stdout)] == [("fakeone", None), ("faketwo", None)]
    assert "database not ready" in result.stderr and "erp-host db upgrade" in result.stderr
    assert not (tmp_path / "instance" / "erp-host.sqlite").exists()  # read-only: nothing created


def test_erp_host_plugins_with_no_providers_prints_an_empty_list(make_host_app, erp_database_url, monkeypatch):
    make_host_app({})
    monkeypatch.setenv("DATABASE_URL", erp_database_url)
    monkeypatch.setenv("ERP_HOST_PLUGINS", "")
    result = erp_host("plugins")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_a_config_schema_given_by_name_is_imported_when_used():
    from host.testing.reference_provider import ReferenceConfig

    info = ProviderInfo("Named", "schema by name", config_schema="host.testing.reference_provider:ReferenceConfig")
    assert info.schema_class is ReferenceConfig
    assert ProviderInfo("Class", "schema class", config_schema=ReferenceConfig).schema_class is ReferenceConfig
    assert ProviderInfo("None", "no schema").schema_class is None


def test_shipped_plugins_import_only_the_public_host_api():
    """Plugins may use ``from host import ...`` only; their sandboxes (and tests)
    may also use the public test kit, ``host.testing`` and its modules."""
    import ast
    from pathlib import Path

    def allowed(module: str, source: Path) -> bool:
        in_sandbox = "sandbox" in source.relative_to(root).parts
        return not module.startswith("host.") or (in_sandbox and module.startswith("host.testing"))

    root = Path(__file__).resolve().parent.parent / "plugins"
    offenders = []
    for source in root.glob("*/erp_host_*/**/*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not allowed(node.module, source):
                offenders.append(f"{source.relative_to(root)}: from {node.module}")
            if isinstance(node, ast.Import):
                offenders += [f"{source.relative_to(root)}: import {a.name}" for a in node.names if not allowed(a.name, source)]
    assert len(list(root.glob("*/erp_host_*/__init__.py"))) >= 3
    assert offenders == []
