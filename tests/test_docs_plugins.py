"""docs/plugins.md stays true to the plugin contract (datasette's docs tests)."""
import ast
import inspect
import re
import types
from pathlib import Path

import pytest

from host import docgen
from host.plugins import new_registry

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "plugins.md"
CONTRACT = ROOT / "host" / "testing" / "contract.py"
HOOKS = [spec.__name__ for spec in docgen.hook_specs()]


def test_hook_list_matches_the_plugin_manager():
    assert set(HOOKS) == set(new_registry().pm.hook.__dict__)
    assert HOOKS[0] == "provider_info"


def test_docs_are_up_to_date():
    page = DOCS.read_text()
    assert docgen.update(page) == page, "docs/plugins.md is out of date: run python -m host.docgen"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_exact_signature(hook):
    spec = getattr(docgen.hookspecs, hook)
    signature = f"{hook}({', '.join(inspect.signature(spec).parameters)})"
    assert f"### `{signature}`" in DOCS.read_text()


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_docstring(hook):
    doc = inspect.getdoc(getattr(docgen.hookspecs, hook))
    assert doc and len(doc.split()) >= 5, f"hook {hook} needs a docstring saying when it is called and what it returns"


def _contract_test_names() -> set[str]:
    tree = ast.parse(CONTRACT.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_contract_test(hook):
    """Every hook has a ``test_hook_<name>`` in the contract suite (datasette's
    test_plugin_hooks_have_tests)."""
    assert CONTRACT.exists(), "host/testing/contract.py (the contract suite) is missing"
    names = _contract_test_names()
    assert any(name == f"test_hook_{hook}" or name.startswith(f"test_hook_{hook}_") for name in names), (
        f"host/testing/contract.py has no test_hook_{hook}"
    )


def test_update_replaces_only_the_generated_block():
    page = "# Title\n\nbefore\n\n<!-- hooks:start -->\nstale\n<!-- hooks:end -->\n\nafter\n"
    fresh = docgen.update(page)
    assert fresh.startswith("# Title\n\nbefore\n\n<!-- hooks:start -->")
    assert fresh.endswith("<!-- hooks:end -->\nafter\n")
    assert "stale" not in fresh and "### `link(invoice, remote_id, config, context)`" in fresh
    with pytest.raises(ValueError, match="hooks:start"):
        docgen.update("# no markers\n")


def test_check_mode_reports_a_stale_page(tmp_path, capsys):
    page = tmp_path / "plugins.md"
    page.write_text("<!-- hooks:start -->\nold\n<!-- hooks:end -->\n")
    assert docgen.main([str(page), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert docgen.main([str(page)]) == 0
    assert docgen.main([str(page), "--check"]) == 0


def test_every_public_type_is_documented_with_its_fields():
    page = DOCS.read_text()
    for cls in docgen.public_types():
        assert f"### `{cls.__name__}`" in page
    assert "- `remote_id: str`" in page
    assert "- classmethod `blocked(problems: list[str] | tuple[str, ...], text: str | None = None) -> Result`" in page


def test_worked_example_is_a_valid_provider():
    """The example on the page registers: its hooks exist and take documented arguments."""
    code = re.search(r'```python\n("""Acme Books.*?)```', DOCS.read_text(), re.S).group(1)
    module = types.ModuleType("erp_host_acme_books_example")
    exec(compile(code, "docs/plugins.md", "exec"), module.__dict__)
    registry = new_registry()
    provider = registry.register("acme_books", module)
    assert provider.load_error is None
    assert provider.hooks == ("create_remote_invoice", "provider_info", "validate_config")
