"""The HTTP error helper for provider clients (part of the plugin API, re-exported by ``host``).

A provider client turns every failed call into one :class:`HttpError`:
``HttpError.from_response(response, provider="Acme")`` for an HTTP error
answer, ``HttpError.from_exception(exc, provider="Acme")`` for a timeout or
a dropped connection. The hook then returns ``error.to_result()``.
Subclass it to add what a provider needs (its error codes, its own wording):
set ``text`` to the provider's message after ``from_response``.
"""
from __future__ import annotations

import email.utils
import time
from typing import Any, Literal

from host.api import Result

ErrorKind = Literal["auth", "forbidden", "not_found", "invalid", "conflict", "throttled", "server",
                    "timeout", "network", "malformed", "http"]

#: Kinds that may pass by themselves: worth trying again later.
TRANSIENT_KINDS = ("throttled", "server", "timeout", "network")
#: The longest wait a ``Retry-After`` is taken at (a longer one, or a date far ahead, is cut to this).
MAX_RETRY_AFTER = 3600.0
#: The wait after a transient failure whose provider said nothing about when to come back.
DEFAULT_RETRY_AFTER = 60.0
#: The longest raw body kept for the history.
MAX_DETAIL = 4000

_KIND_OF_STATUS = {400: "invalid", 401: "auth", 403: "forbidden", 404: "not_found", 409: "conflict",
                   422: "invalid", 429: "throttled"}


def kind_of_status(status: int) -> str:
    """The ``ErrorKind`` of an HTTP error status (``http`` for one with no better name)."""
    if status >= 500:
        return "server"
    return _KIND_OF_STATUS.get(status, "http")


def parse_retry_after(value: str | None, *, cap: float = MAX_RETRY_AFTER, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date.

    ``None`` when absent or unreadable; never below 0 nor above ``cap``.
    """
    if not value or not value.strip():
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if moment is None:
            return None
        seconds = moment.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return min(max(0.0, seconds), cap)


def default_text(provider: str, kind: str, status: int | None = None, retry_after: float | None = None) -> str:
    """A plain message for people about a failure of ``kind`` at ``provider``."""
    later = f" Try again in {int(retry_after)} seconds." if retry_after else " Try again in a minute."
    texts = {
        "auth": f"{provider} rejected the credentials (HTTP 401). Check them on the configure page.",
        "forbidden": f"{provider} refused access (HTTP 403): the account may not do this.",
        "not_found": f"{provider} has no such record, or the account cannot see it (HTTP 404).",
        "invalid": f"{provider} refused the request (HTTP {status}).",
        "conflict": f"{provider} refused the change: it conflicts with its current state (HTTP 409).",
        "throttled": f"{provider} is limiting requests (HTTP 429)." + later,
        "server": f"{provider} is unavailable (HTTP {status}). Try again later.",
        "timeout": f"{provider} did not answer in time. Try again later.",
        "network": f"Could not reach {provider}. Check the address and the network, then try again.",
        "malformed": f"{provider} sent an answer that could not be read.",
    }
    return texts.get(kind, f"{provider} answered HTTP {status}.")


def _first_header(headers, names) -> str | None:
    for name in names:
        if headers.get(name):
            return headers[name]
    return None


class HttpError(Exception):
    """A failed call to a provider, classified once for every plugin.

    - ``kind``: an ``ErrorKind`` (a subclass may add its own).
    - ``text``/``details``: what to show the user (``details`` as a list under it).
    - ``status``: the HTTP status, ``None`` when no answer came.
    - ``request_id``: the provider's request ID, for support (kept in the history).
    - ``raw``: the raw answer, at most ``MAX_DETAIL`` characters (history only, never shown in full).
    - ``code``: the provider's own error code, when it sends one.
    - ``retry_after``: seconds the provider asked to wait (``Retry-After``, capped).
    """

    def __init__(self, kind: str, text: str, *, status: int | None = None, details=(),
                 request_id: str | None = None, raw: str | None = None, code: str | None = None,
                 retry_after: float | None = None):
        super().__init__(text)
        self.kind = kind
        self.text = text
        self.status = status
        self.details = tuple(details)
        self.request_id = request_id
        self.raw = raw[:MAX_DETAIL] if raw else raw
        self.code = code
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.text

    @classmethod
    def from_response(cls, response, *, provider: str, request_id_headers=("X-Request-Id",), details=(),
                      code: str | None = None, raw: str | None = None, retry_cap: float = MAX_RETRY_AFTER,
                      **extra: Any):
        """The error for an HTTP error answer (a ``requests.Response``).

        The status decides the kind; ``Retry-After`` (seconds or an HTTP date)
        is read and capped at ``retry_cap``; the request ID is the first of
        ``request_id_headers`` present. ``raw`` replaces the body kept for the
        history (e.g. with secrets taken out); ``extra`` goes to a subclass.
        """
        status = response.status_code
        kind = kind_of_status(status)
        retry_after = parse_retry_after(response.headers.get("Retry-After"), cap=retry_cap)
        return cls(kind, default_text(provider, kind, status, retry_after), status=status, details=details,
                   request_id=_first_header(response.headers, request_id_headers),
                   raw=response.text if raw is None else raw, code=code, retry_after=retry_after, **extra)

    @classmethod
    def from_exception(cls, exc: Exception, *, provider: str, text: str | None = None, raw: str | None = None,
                       **extra: Any):
        """The error for a call that got no answer: ``timeout`` for a ``requests.Timeout``, else ``network``."""
        import requests  # the host's own dependency; imported here to keep ``import host`` light

        kind = "timeout" if isinstance(exc, requests.Timeout) else "network"
        return cls(kind, text or default_text(provider, kind), raw=type(exc).__name__ if raw is None else raw,
                   **extra)

    @property
    def transient(self) -> bool:
        """A failure that may pass by itself (throttled, server, timeout, network)."""
        return self.kind in TRANSIENT_KINDS

    @property
    def rejected(self) -> bool:
        """The provider certainly did not act on the request (a 4xx answer)."""
        return self.status is not None and 400 <= self.status < 500

    @property
    def sent(self) -> bool:
        """Whether the request may have had an effect remotely (``Result.sent``)."""
        return not self.rejected

    def to_result(self, text: str | None = None, *, sent: bool | None = None,
                  retry_after: float | None = None) -> Result:
        """A failed :class:`host.Result` for this error.

        ``text`` replaces the message (this error's own text then comes first
        among the details). ``sent`` defaults to :attr:`sent`. A transient
        failure says when to try again: ``retry_after`` if given, else the
        provider's ``Retry-After``, else ``DEFAULT_RETRY_AFTER``; the job
        runner reschedules a background job then.
        """
        if retry_after is None and self.transient:
            retry_after = self.retry_after if self.retry_after is not None else DEFAULT_RETRY_AFTER
        details = [d for d in self.details if d not in (text or self.text)]
        if text and self.text not in text:
            details.insert(0, self.text)
        return Result.failure(
            text or self.text,
            *details,
            request_id=self.request_id,
            error_detail=self.raw or self.text,
            sent=self.sent if sent is None else sent,
            retry_after=retry_after,
        )
