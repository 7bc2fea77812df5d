"""Generate the hook reference in ``docs/plugins.md`` from the code itself.

The part of the page between ``<!-- hooks:start -->`` and
``<!-- hooks:end -->`` is rendered from ``host/hookspecs.py`` (every hook with
its exact signature and docstring), ``host/api.py`` and ``host/http_errors.py`` (every public type with
its docstring and fields), so the docs cannot drift from the contract; a test
fails when the page is out of date.

    python -m host.docgen           # rewrite docs/plugins.md
    python -m host.docgen --check   # exit 1 if it is out of date
"""
from __future__ import annotations

import argparse
import dataclasses
import inspect
import re
import sys
import typing
from pathlib import Path

import host
from host import api, api_invoices, api_provider, config_fields, hookspecs, http_errors

#: The modules whose exported classes make the public types, in this order.
PUBLIC_MODULES = (api, api_invoices, api_provider, http_errors, config_fields)

START = "<!-- hooks:start -->"
END = "<!-- hooks:end -->"
DEFAULT_PATH = Path("docs/plugins.md")
SPEC_MARKER = "erp_host_spec"  # pluggy sets "<project>_spec" on each hookspec function


def hook_specs() -> list:
    """The hookspec functions, in the order ``hookspecs.py`` declares them."""
    specs = [value for value in vars(hookspecs).values() if callable(value) and hasattr(value, SPEC_MARKER)]
    return sorted(specs, key=lambda fn: fn.__code__.co_firstlineno)


def hook_signature(spec) -> str:
    """``name(arg, ...)``: exactly what a plugin may accept."""
    return f"{spec.__name__}({', '.join(inspect.signature(spec).parameters)})"


def public_types(module=api) -> list[type]:
    """Classes of ``module`` that ``host`` exports, in declaration order."""
    exported = set(host.__all__)
    return [
        value
        for name, value in vars(module).items()
        if inspect.isclass(value) and value.__module__ == module.__name__ and name in exported
    ]


def markdown(docstring: str | None) -> str:
    """Turn the reST roles used in docstrings into Markdown."""
    text = docstring or ""
    text = re.sub(r":class:`([\w.]+)`", _class_link, text)
    text = re.sub(r":(?:param|arg) (\w+):", r"- **\1**:", text)
    text = re.sub(r":returns?:", "- **returns**:", text)
    text = re.sub(r":raises (\w+):", r"- **raises** `\1`:", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def _class_link(match: re.Match) -> str:
    """Link ``host.X`` to its section below; other classes stay plain code."""
    name = match.group(1)
    if name.startswith("host."):
        return f"[`{name[5:]}`](#{name[5:]})"
    return f"`{name}`"


def anchor(name: str) -> str:
    return f'<a id="{name}"></a>'


def render_hook(spec) -> str:
    return f"### `{hook_signature(spec)}`\n\n{anchor(spec.__name__)}\n\n{markdown(inspect.getdoc(spec))}\n"


def render_type(cls: type) -> str:
    parts = [f"### `{cls.__name__}`", anchor(cls.__name__), markdown(_own_doc(cls))]
    if dataclasses.is_dataclass(cls):
        comments = _field_comments(cls)
        parts.append(
            "\n".join(
                f"- `{_field(f)}`" + (f": {comments[f.name]}" if f.name in comments else "")
                for f in dataclasses.fields(cls)
            )
        )
    members = _members(cls)
    if members:
        parts.append("\n".join(members))
    return "\n\n".join(part for part in parts if part) + "\n"


def _own_doc(cls: type) -> str | None:
    """The class docstring, unless it is the one ``@dataclass`` makes up."""
    doc = inspect.getdoc(cls)
    return None if doc and doc.startswith(f"{cls.__name__}(") else doc


def _field_comments(cls: type) -> dict[str, str]:
    """Trailing ``# comments`` on field lines: they explain the field."""
    comments = {}
    for line in inspect.getsource(cls).splitlines():
        found = re.match(r"\s+(\w+):[^#]*#\s*(.+)$", line)
        if found:
            comments[found.group(1)] = found.group(2).strip()
    return comments


def aliases() -> list[str]:
    """Type aliases of the public modules (e.g. ``Level``, ``ErrorKind``)."""
    return [
        f"- `{name} = {value!r}`".replace("typing.", "")
        for module in PUBLIC_MODULES
        for name, value in vars(module).items()
        if typing.get_origin(value) is typing.Literal
    ]


def constants(module) -> list[str]:
    """Public upper-case constants of ``module`` with the ``#:`` comment above them."""
    lines = inspect.getsource(module).splitlines()
    found = []
    for number, line in enumerate(lines):
        match = re.match(r"([A-Z][A-Z_]+)\s*=", line)
        if match and number and lines[number - 1].startswith("#:"):
            name = match.group(1)
            found.append(f"- `{name} = {getattr(module, name)!r}`: " + markdown(lines[number - 1][2:].strip()))
    return found


def functions(module) -> list[str]:
    """Public functions ``module`` defines, with their signature and first docstring line."""
    return [
        f"- `{name}{inspect.signature(value)}`".replace("'", "") + _summary(value)
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")
    ]


def _field(f: dataclasses.Field) -> str:
    text = f"{f.name}: {f.type}"
    if f.default is not dataclasses.MISSING:
        return f"{text} = {f.default!r}"
    if f.default_factory is not dataclasses.MISSING:
        return f"{text} = {f.default_factory.__name__}()"
    return text


def _members(cls: type) -> list[str]:
    """Public methods and properties the class itself defines."""
    lines = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            lines.append(f"- property `{name}`" + _summary(member.fget))
        elif isinstance(member, classmethod):
            lines.append(f"- classmethod `{name}{_signature(member.__func__)}`" + _summary(member.__func__))
        elif inspect.isfunction(member):
            lines.append(f"- method `{name}{_signature(member)}`" + _summary(member))
    return lines


def _signature(fn) -> str:
    """``(a: str, b: int = 1) -> Result`` without ``self``/``cls``, with the
    annotations as written (they are strings under postponed evaluation)."""
    signature = inspect.signature(fn)
    parts, star_done = [], False
    for param in list(signature.parameters.values())[1:]:
        prefix = ""
        if param.kind is param.VAR_POSITIONAL:
            prefix, star_done = "*", True
        elif param.kind is param.VAR_KEYWORD:
            prefix = "**"
        elif param.kind is param.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        text = prefix + param.name
        if param.annotation is not param.empty:
            text += f": {_annotation(param.annotation)}"
        if param.default is not param.empty:
            text += f" = {param.default!r}"
        parts.append(text)
    returns = signature.return_annotation
    suffix = "" if returns is signature.empty else f" -> {_annotation(returns)}"
    return f"({', '.join(parts)}){suffix}"


def _annotation(value) -> str:
    return value.strip("'\"") if isinstance(value, str) else inspect.formatannotation(value)


def _summary(fn) -> str:
    doc = inspect.getdoc(fn)
    return f": {markdown(doc.splitlines()[0])}" if doc else ""


def render() -> str:
    """The generated block, markers included."""
    sections = [
        START,
        "<!-- Generated by `python -m host.docgen` from host/hookspecs.py, host/api.py and host/http_errors.py: do not edit. -->",
        "## Hook reference",
        markdown(inspect.getdoc(hookspecs)),
        *[render_hook(spec) for spec in hook_specs()],
        "## Types (`host.api`)",
        markdown(inspect.getdoc(api)),
        *[render_type(cls) for cls in public_types()],
        *[render_type(cls) for cls in public_types(api_provider)],
        *[render_type(cls) for cls in public_types(api_invoices)],
        "## HTTP errors (`host.http_errors`)",
        markdown(inspect.getdoc(http_errors)),
        *[render_type(cls) for cls in public_types(http_errors)],
        "What `HttpError` uses (in `host.http_errors`; plugins need only `HttpError`):\n\n" + "\n".join(functions(http_errors) + constants(http_errors)),
        "## Configure forms (`host.config_fields`)",
        markdown(inspect.getdoc(config_fields)),
        *[render_type(cls) for cls in public_types(config_fields)],
        "\n".join(functions(config_fields)),
        "### Type aliases",
        "\n".join(aliases()),
        END,
    ]
    return "\n\n".join(section.strip("\n") for section in sections) + "\n"


def update(page: str) -> str:
    """``page`` with its generated block replaced by a fresh one."""
    start, end = page.find(START), page.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the page needs a {START} ... {END} block")
    return page[:start] + render() + page[end + len(END):].lstrip("\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m host.docgen", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is out of date; change nothing")
    args = parser.parse_args(argv)
    page = args.path.read_text()
    fresh = update(page)
    if args.check:
        if fresh != page:
            print(f"{args.path} is out of date: run python -m host.docgen", file=sys.stderr)
            return 1
        return 0
    if fresh != page:
        args.path.write_text(fresh)
        print(f"updated {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
