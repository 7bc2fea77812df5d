"""One exception for every way a B2BRouter call can fail, with a message for people.

The client raises :class:`ApiError` (a ``host.HttpError``: the host classifies
the status, reads ``Retry-After`` and the request ID); this module only words
the messages the B2BRouter way. Hooks return ``error.to_result(...)``. The raw
body and the request ID go to the history (``error_detail``/``request_id``),
never into the text shown to the user.
"""
from __future__ import annotations

from host import HttpError

from erp_host_b2brouter import api_facts

PROVIDER = "B2BRouter"


class ApiError(HttpError):
    """A failed B2BRouter call.

    ``kind`` is a ``host.HttpError`` kind: ``auth``, ``forbidden``, ``not_found``,
    ``invalid``, ``conflict``, ``throttled``, ``server``, ``timeout``, ``network``,
    ``malformed``, ``http``. ``structured``: the body was a JSON object (an
    answer from the API itself, not from a proxy in front of it).
    """

    def __init__(self, kind: str, message: str, *, structured: bool = False, **fields):
        super().__init__(kind, message, **fields)
        self.structured = structured

    @property
    def message(self) -> str:
        return self.text


def from_response(response, body, raw: str, what: str) -> ApiError:
    """The error for an HTTP error answer about ``what`` (e.g. "invoice 12"); ``body`` is the decoded JSON."""
    error = ApiError.from_response(response, provider=PROVIDER, request_id_headers=api_facts.REQUEST_ID_HEADERS,
                                   details=api_facts.error_messages(body), code=api_facts.error_code(body),
                                   raw=raw, structured=isinstance(body, dict))
    error.text = _text(error, what)
    return error


def _text(error: ApiError, what: str) -> str:
    """B2BRouter's wording: what went wrong with ``what`` and what to do."""
    status, details = error.status, error.details
    if error.code == api_facts.CODE_VERSION_HOST_MISMATCH and status == 400:
        return ("B2BRouter says this API version does not belong to this host: "
                "the environment (production/staging) is probably wrong.")
    if error.code == api_facts.CODE_INVALID_VERSION and status == 400:
        return f"B2BRouter does not know API version {api_facts.API_VERSION}."
    wait = f" Try again in {int(error.retry_after)} seconds." if error.retry_after else " Try again in a minute."
    texts = {
        "auth": "B2BRouter rejected the API key (401). Check the key (B2BRouter → Developers → Show API Key) "
                "and that the environment matches it: production and staging keys differ.",
        "forbidden": f"The API key is not allowed to access {what} in B2BRouter (403).",
        "not_found": f"B2BRouter has no {what}, or the API key cannot see it (404).",
        "invalid": f"B2BRouter refused the {what} ({status}): "
                   + ("; ".join(details) if details else "no reason given") + ".",
        "conflict": f"B2BRouter refused the change to {what}: it conflicts with its current state (409).",
        "throttled": "B2BRouter is limiting requests (429 Too Many Requests)." + wait,
        "server": f"B2BRouter had an internal error (HTTP {status}). Try again later.",
    }
    return texts.get(error.kind, f"B2BRouter answered HTTP {status} about {what}.")
