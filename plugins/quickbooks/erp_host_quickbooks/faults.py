"""QuickBooks errors: parsing ``Fault`` bodies and turning them into clear messages.

Ordinary faults use ``Fault``/``Error``/``Message``/``Detail``; the gateway's
401 and 403 bodies use ``fault``/``error``/``message``/``detail``. Keys are
therefore read case-insensitively, and the HTTP status decides first
(``host.HttpError`` classifies it; this module keeps QuickBooks' wording).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from host import HttpError


@dataclass(frozen=True)
class FaultError:
    code: str
    message: str
    detail: str
    element: str = ""


def _key(obj, name):
    """``obj[name]`` ignoring the key's case (``Fault`` or ``fault``)."""
    if not isinstance(obj, dict):
        return None
    for key, value in obj.items():
        if key.lower() == name.lower():
            return value
    return None


def parse_fault(body: str) -> tuple[str, tuple[FaultError, ...]]:
    """Return ``(fault type, errors)`` from a response body; empty when it is no fault."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return "", ()
    fault = _key(data, "fault")
    if not isinstance(fault, dict):
        return "", ()
    errors = _key(fault, "error") or []
    if isinstance(errors, dict):
        errors = [errors]
    parsed = tuple(
        FaultError(
            code=str(_key(e, "code") or ""),
            message=str(_key(e, "message") or ""),
            detail=str(_key(e, "detail") or ""),
            element=str(_key(e, "element") or ""),
        )
        for e in errors
        if isinstance(e, dict)
    )
    return str(_key(fault, "type") or ""), parsed


#: QuickBooks' request ID, sent on every answer.
REQUEST_ID_HEADER = "intuit_tid"
#: The host's kinds QuickBooks keeps apart; any other error answer is a ``fault``.
ANSWER_KINDS = ("auth", "forbidden", "throttled", "server")


class QuickBooksError(HttpError):
    """A failed API call: a ``host.HttpError`` with QuickBooks' fault list and wording.

    ``kind`` is one of: auth, forbidden, throttled, server, fault (any other
    error answer), timeout, network, and, before any API call, not_connected,
    reconnect, credentials.
    """

    def __init__(self, kind: str, text: str = "", *, errors=(), fault_type: str = "", note: str = "",
                 body: str | None = None, **fields):
        fields.setdefault("raw", body)
        if fields.get("status") is not None and kind not in ANSWER_KINDS:
            kind = "fault"
        super().__init__(kind, text, **fields)
        self.errors: tuple[FaultError, ...] = tuple(errors)
        self.fault_type = fault_type
        self.note = note
        self.text, self.details = _message(self)

    @property
    def body(self) -> str | None:
        return self.raw

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.errors)

    @property
    def sent(self) -> bool:
        """Whether the request may have had an effect in QuickBooks."""
        return self.kind in ("timeout", "server", "network")

    def message(self) -> tuple[str, tuple[str, ...]]:
        """``(text, details)`` for the user: what happened and what to do."""
        return self.text, self.details


def _message(error: QuickBooksError) -> tuple[str, tuple[str, ...]]:
    kind, note = error.kind, ((error.note,) if error.note else ())
    details = tuple(e.detail or e.message for e in error.errors if (e.detail or e.message))
    texts = {
        "not_connected": ("QuickBooks is not connected. Click “Connect to QuickBooks” on the configure page.", ()),
        "reconnect": ("Reconnect to QuickBooks: the authorization was revoked or has expired.", note),
        "credentials": ("QuickBooks rejected the client ID or secret. Check them on the configure page.", ()),
        "auth": ("QuickBooks rejected the access token even after refreshing it. Reconnect to QuickBooks.", details),
        "forbidden": ("QuickBooks refused access to this company. The connecting user may have lost admin rights "
                      "or the subscription may have ended; reconnect with an admin user.", details),
        "throttled": ("QuickBooks is limiting requests for this company. Wait a minute and try again.", details),
        "server": (f"QuickBooks is unavailable (HTTP {error.status}). Try again later.", details),
        "timeout": ("QuickBooks did not answer in time.", ()),
        "network": ("Could not reach QuickBooks. Check the network and try again.", note),
    }
    if kind in texts:
        return texts[kind]
    return _fault_message(error.errors, error.status)


_CODE_TEXT = {
    "6140": "The invoice number is already used by another QuickBooks transaction. "
    "Link the existing QuickBooks invoice instead, or give this invoice another number.",
    "6240": "The name is already used by another customer, vendor or employee in QuickBooks.",
    "5010": "The record was changed in QuickBooks at the same time (stale object). Refresh and try again.",
    "610": "Something this invoice uses was made inactive or deleted in QuickBooks. Make it active again.",
    "2500": "A customer, item, term or tax code this invoice refers to no longer exists in QuickBooks.",
    "6190": "The QuickBooks company's subscription has ended or is suspended.",
    "6210": "The QuickBooks accounting period is closed for this date.",
    "6200": "The QuickBooks accounting period is closed for this date.",
}


def _fault_message(errors, status) -> tuple[str, tuple[str, ...]]:
    if not errors:
        return f"QuickBooks answered with an unexpected HTTP {status}.", ()
    first = errors[0]
    details = tuple(e.detail or e.message for e in errors)
    if first.code in _CODE_TEXT:
        return _CODE_TEXT[first.code], details
    if first.code == "6000":
        return "QuickBooks rejected the invoice (business validation error).", details
    return f"QuickBooks error {first.code}: {first.message}", tuple(e.detail for e in errors if e.detail)


def from_response(response) -> QuickBooksError:
    """Classify an HTTP error response (the host reads the status, the request ID and ``Retry-After``)."""
    fault_type, errors = parse_fault(response.text)
    return QuickBooksError.from_response(response, provider="QuickBooks", request_id_headers=(REQUEST_ID_HEADER,),
                                         errors=errors, fault_type=fault_type)
