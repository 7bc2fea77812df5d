"""Showing a plugin ``Result`` to the user as flashed messages."""
import re

from flask import flash
from markupsafe import Markup, escape

from host.api import Result


def flash_result(result: Result) -> None:
    for message in result.messages:
        flash({"text": message.text, "details": list(message.details)}, message.level)


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
