"""QuickBooks errors: parsing ``Fault`` bodies and turning them into clear messages.

Ordinary faults use ``Fault``/``Error``/``Message``/``Detail``; the gateway's
401 and 403 bodies use ``fault``/``error``/``message``/``detail``. Keys are
therefore read case-insensitively, and the HTTP status decides first.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field


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


@dataclass
class QuickBooksError(Exception):
    """A failed API call. ``kind`` is one of: auth, forbidden, throttled,
    server, fault, timeout, network, not_connected, reconnect, credentials."""

    kind: str  # see the class docstring
    status: int | None = None
    errors: tuple[FaultError, ...] = ()
    fault_type: str = ""
    request_id: str | None = None
    body: str | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def __str__(self):
        return self.message()[0]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.errors)

    @property
    def sent(self) -> bool:
        """Whether the request may have had an effect in QuickBooks."""
        return self.kind in ("timeout", "server", "network")

    @property
    def retry_after(self) -> float | None:
        """Seconds after which trying again makes sense, for failures that pass by
        themselves: QuickBooks' limits are per minute, and so are most outages."""
        return 60.0 if self.kind in ("throttled", "timeout", "server", "network") else None

    def message(self) -> tuple[str, tuple[str, ...]]:
        """``(text, details)`` for the user: what happened and what to do."""
        details = tuple(e.detail or e.message for e in self.errors if (e.detail or e.message))
        if self.kind == "not_connected":
            return "QuickBooks is not connected. Click “Connect to QuickBooks” on the configure page.", ()
        if self.kind == "reconnect":
            return "Reconnect to QuickBooks: the authorization was revoked or has expired.", (self.note,) if self.note else ()
        if self.kind == "credentials":
            return "QuickBooks rejected the client ID or secret. Check them on the configure page.", ()
        if self.kind == "auth":
            return "QuickBooks rejected the access token even after refreshing it. Reconnect to QuickBooks.", details
        if self.kind == "forbidden":
            return (
                "QuickBooks refused access to this company. The connecting user may have lost admin rights "
                "or the subscription may have ended; reconnect with an admin user.",
                details,
            )
        if self.kind == "throttled":
            return "QuickBooks is limiting requests for this company. Wait a minute and try again.", details
        if self.kind == "server":
            return f"QuickBooks is unavailable (HTTP {self.status}). Try again later.", details
        if self.kind == "timeout":
            return "QuickBooks did not answer in time.", ()
        if self.kind == "network":
            return "Could not reach QuickBooks. Check the network and try again.", (self.note,) if self.note else ()
        return _fault_message(self.errors, self.status)


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
    """Classify an HTTP error response; the status code wins over the body."""
    status = response.status_code
    fault_type, errors = parse_fault(response.text)
    if status == 401:
        kind = "auth"
    elif status == 403:
        kind = "forbidden"
    elif status == 429:
        kind = "throttled"
    elif status >= 500:
        kind = "server"
    else:
        kind = "fault"
    return QuickBooksError(
        kind=kind,
        status=status,
        errors=errors,
        fault_type=fault_type,
        request_id=response.headers.get("intuit_tid"),
        body=response.text[:4000],
    )
