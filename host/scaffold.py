"""``erp-host new-provider NAME``: write a working provider package to start from.

The package is rendered from ``host/scaffold_templates/provider/``: a
provider whose hooks work against its own in-memory sandbox, with tests that
run the host's contract suite, so it is green before the integrator changes
anything. Placeholders are ``{{key}}``, ``{{dist}}``, ``{{package}}``,
``{{title}}`` and ``{{class}}`` in file contents and paths; template files
end in ``.tmpl`` so nothing picks them up as code.
"""
from __future__ import annotations

import keyword
import re
from importlib import resources
from pathlib import Path

import click

KEY_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
TEMPLATE_SUFFIX = ".tmpl"


def names_for(key: str) -> dict[str, str]:
    """Every spelling of the provider's name the templates use."""
    words = key.split("_")
    return {
        "key": key,
        "dist": "erp-host-" + key.replace("_", "-"),
        "package": "erp_host_" + key,
        "title": " ".join(word.capitalize() for word in words),
        "class": "".join(word.capitalize() for word in words),
    }


def check_key(key: str) -> None:
    """A provider key is a lower-case Python identifier (it names a package and a URL segment)."""
    if not KEY_PATTERN.fullmatch(key) or keyword.iskeyword(key) or len(key) > 40:
        suggestion = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")
        hint = f" (e.g. {suggestion!r})" if suggestion and KEY_PATTERN.fullmatch(suggestion) else ""
        raise ValueError(
            f"{key!r} is not a valid provider key: use lower-case letters, digits and single "
            f"underscores, starting with a letter, at most 40 characters{hint}"
        )


def render(text: str, names: dict[str, str]) -> str:
    for name, value in names.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def scaffold_provider(name: str, dest: Path) -> Path:
    """Write the provider ``name`` to ``dest/name`` and return that folder.

    :raises ValueError: ``name`` is not a valid provider key.
    :raises FileExistsError: ``dest/name`` exists; nothing is overwritten.
    """
    check_key(name)
    target = Path(dest) / name
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose another name or remove it first")
    names = names_for(name)
    templates = resources.files("host") / "scaffold_templates" / "provider"
    files = list(_walk(templates, ""))
    if not files:
        raise FileNotFoundError(f"no provider templates in {templates}; the erp-host installation is incomplete")
    for relative, source in files:
        path = target / render(relative.removesuffix(TEMPLATE_SUFFIX), names)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(source.read_text(encoding="utf-8"), names), encoding="utf-8")
    return target


def _walk(folder, prefix: str):
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _walk(entry, relative + "/")
        elif entry.name.endswith(TEMPLATE_SUFFIX):
            yield relative, entry


@click.command("new-provider")
@click.argument("name")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("plugins"),
    show_default=True,
    help="Folder to create the provider's folder in.",
)
def new_provider(name: str, dest: Path) -> None:
    """Write a new provider package NAME (e.g. acme_books) under DEST.

    The package works as generated against its own sandbox and passes the
    contract suite; then adapt its client to the real service.
    """
    try:
        target = scaffold_provider(name, dest)
    except (ValueError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from exc
    names = names_for(name)
    click.echo(f"Created {target} (distribution {names['dist']}, package {names['package']}).")
    click.echo("Next:")
    click.echo(f"  pip install -e '{target}[test]'")
    click.echo("  erp-host plugins")
    click.echo(f"  pytest {target}")
