"""Showing a plugin ``Result`` to the user as flashed messages."""
import dataclasses
import re
from datetime import datetime

from flask import flash
from markupsafe import Markup, escape

from host.api import Result
from host.integrations.settings import setting_for as _setting_for


def flash_result(result: Result, section: str | None = None) -> None:
    """Flash ``result``'s messages; with ``section`` (a provider key) they are
    shown inside that provider's section of the invoice page, where the user acted."""
    for message in result.messages:
        flash({"text": message.text, "details": list(message.details), "section": section}, message.level)


def flash_new(result, provider_key: str) -> None:
    """Flash ``result``'s messages except those the page shows already as the
    provider's stored notices: one plate per fact."""
    shown = {(n.get("level"), n.get("text")) for n in (_setting_for(provider_key).notices or [])}
    fresh = tuple(m for m in result.messages if (m.level, m.text) not in shown)
    flash_result(dataclasses.replace(result, messages=fresh))


_LINKABLE = re.compile(r"(https?://[^\s<>\"')]+|[\w.+-]+@[\w-]+\.[\w.-]+)")


def autolink(text: str) -> Markup:
    """Escape ``text`` and turn bare URLs and email addresses into links."""
    parts = []
    for index, piece in enumerate(_LINKABLE.split(str(text or ""))):
        if index % 2 == 0:
            parts.append(escape(piece))
            continue
        target = piece.rstrip(".,;:!?")  # sentence punctuation is not part of the link
        if "@" in target and not target.startswith("http"):
            parts.append(Markup('<a href="mailto:{0}">{0}</a>').format(target))
        else:
            parts.append(Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(target))
        parts.append(escape(piece[len(target):]))
    return Markup("").join(parts)


def utc_time(moment: datetime | None) -> str:
    """``18:04:05 UTC`` (datetimes are UTC; SQLite returns them without a zone)."""
    return moment.strftime("%H:%M:%S UTC") if moment else "—"


def tidy(text: str) -> str:
    """A logged message without the ".;" left by older summaries."""
    return str(text or "").replace(".; ", ". ").replace(":; ", ": ")


def provider_titles() -> dict:
    """``provider_titles``: {key: title} of the installed providers, for templates."""
    from host.integrations.settings import registry

    return {"provider_titles": {key: (p.info.title if p.info else key) for key, p in registry().providers.items()}}
