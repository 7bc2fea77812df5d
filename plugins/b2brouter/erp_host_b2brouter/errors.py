"""One exception for every way a B2BRouter call can fail, with a message for people.

The client raises :class:`ApiError`; the hooks turn it into a ``host.Result``
through :func:`failure`. The raw body and the request ID go to the history
(``error_detail``/``request_id``), never into the text shown to the user.
"""
from __future__ import annotations

from host import Result

from erp_host_b2brouter import api_facts

#: Longest raw body kept for the history.
MAX_DETAIL = 4000
#: When B2BRouter is down or busy and says nothing about when to come back.
DEFAULT_RETRY_AFTER = 60.0


class ApiError(Exception):
    """A failed B2BRouter call.

    ``kind`` is one of: ``auth``, ``forbidden``, ``not_found``, ``invalid``,
    ``conflict``, ``rate_limited``, ``server``, ``timeout``, ``network``,
    ``malformed``, ``http``.
    """

    def __init__(self, kind: str, message: str, *, status: int | None = None, details=(),
                 request_id: str | None = None, raw: str | None = None, code: str | None = None,
                 retry_after: float | None = None, structured: bool = False):
        super().__init__(message)
        self.structured = structured  # the body was a JSON object (an answer from the API itself)
        self.kind = kind
        self.message = message
        self.status = status
        self.details = tuple(details)
        self.request_id = request_id
        self.raw = raw[:MAX_DETAIL] if raw else raw
        self.code = code
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        """A failure that may pass by itself: worth trying again later."""
        return self.kind in ("rate_limited", "server", "timeout", "network")

    @property
    def rejected(self) -> bool:
        """True when B2BRouter certainly did not act on the request (a 4xx answer).

        After a timeout, a network error, a 5xx or an unreadable 2xx, the
        request may have been carried out.
        """
        return self.status is not None and 400 <= self.status < 500


def from_response(status: int, body, raw: str, request_id: str | None, what: str,
                  retry_after: float | None = None) -> ApiError:
    """Build the error for an HTTP error answer about ``what`` (e.g. "invoice 12")."""
    details = api_facts.error_messages(body)
    code = api_facts.error_code(body)
    common = dict(status=status, details=details, request_id=request_id, raw=raw, code=code,
                  retry_after=retry_after, structured=isinstance(body, dict))
    if status == 401:
        return ApiError("auth", "B2BRouter rejected the API key (401). Check the key (B2BRouter → Developers → "
                        "Show API Key) and that the environment matches it: production and staging keys differ.",
                        **common)
    if status == 403:
        return ApiError("forbidden", f"The API key is not allowed to access {what} in B2BRouter (403).", **common)
    if status == 404:
        return ApiError("not_found", f"B2BRouter has no {what}, or the API key cannot see it (404).", **common)
    if status == 400 and code == api_facts.CODE_VERSION_HOST_MISMATCH:
        return ApiError("invalid", "B2BRouter says this API version does not belong to this host: "
                        "the environment (production/staging) is probably wrong.", **common)
    if status == 400 and code == api_facts.CODE_INVALID_VERSION:
        return ApiError("invalid", f"B2BRouter does not know API version {api_facts.API_VERSION}.", **common)
    if status in (400, 422):
        return ApiError("invalid", f"B2BRouter refused the {what} ({status}): "
                        + ("; ".join(details) if details else "no reason given") + ".", **common)
    if status == 409:
        return ApiError("conflict", f"B2BRouter refused the change to {what}: it conflicts with its current state (409).",
                        **common)
    if status == 429:
        wait = f" Try again in {int(retry_after)} seconds." if retry_after else " Try again in a minute."
        return ApiError("rate_limited", "B2BRouter is limiting requests (429 Too Many Requests)." + wait, **common)
    if status >= 500:
        return ApiError("server", f"B2BRouter had an internal error (HTTP {status}). Try again later.", **common)
    return ApiError("http", f"B2BRouter answered HTTP {status} about {what}.", **common)


def failure(error: ApiError, text: str | None = None, *, sent: bool | None = None,
            retry_after: float | None = None) -> Result:
    """A not-ok Result for ``error``; ``text`` replaces the generic message.

    ``sent`` defaults to "maybe" (True) unless B2BRouter certainly rejected the call.
    A transient failure says when to try again (B2BRouter's ``Retry-After``,
    or ``DEFAULT_RETRY_AFTER``) unless ``retry_after`` is given.
    """
    if retry_after is None and error.transient:
        retry_after = error.retry_after if error.retry_after is not None else DEFAULT_RETRY_AFTER
    details = [d for d in error.details if d not in (text or error.message)]
    if text and error.message not in text:
        details.insert(0, error.message)
    return Result.failure(
        text or error.message,
        *details,
        request_id=error.request_id,
        error_detail=error.raw or error.message,
        sent=(not error.rejected) if sent is None else sent,
        retry_after=retry_after,
    )
