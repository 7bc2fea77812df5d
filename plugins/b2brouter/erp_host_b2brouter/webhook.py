"""B2BRouter webhooks: signature check and state-change parsing.

``X-B2Brouter-Signature: t=<unix>,s=<hex>`` where ``s`` is
HMAC-SHA256(secret, ``"{t}.{raw body}"``). Calls without a valid signature,
or signed too long ago, are refused (logged at debug level only: the host
counts refusals, rate limited).

B2BRouter documents no event ID, so the event is known by what it says:
``code:invoice_id:state:triggered_at`` (the same for every delivery of it);
``triggered_at`` (else the signature's time) is the update's ``changed_at``,
so the host ignores a replay and never lets an older event move a state back.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timezone

from host import RemoteInvoice, WebhookResponse

from erp_host_b2brouter import api_facts

log = logging.getLogger(__name__)
MAX_UNIX_TIME = 2 ** 37  # year 6325: a larger triggered_at is garbage, not a time


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value B2BRouter would send for ``body`` (used by tests and the sandbox)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},s={digest}"


def _parse_signature(value: str) -> tuple[int, list[str]] | None:
    timestamp, signatures = None, []
    for part in value.split(","):
        key, _, item = part.strip().partition("=")
        if key == "t" and item.isdigit():
            timestamp = int(item)
        elif key == "s" and item:
            signatures.append(item)
    return (timestamp, signatures) if timestamp is not None and signatures else None


def handle(headers: dict, body: bytes, secret: str | None, now: float | None = None,
           url_for=lambda remote_id: None) -> WebhookResponse:
    """Verify and read one webhook call; ``url_for(id)`` builds the web-app link."""
    if not secret:
        log.debug("B2BRouter webhook refused: no webhook secret is configured")
        return WebhookResponse(401, message="No webhook secret is configured for B2BRouter.")
    header = headers.get(api_facts.WEBHOOK_SIGNATURE_HEADER.lower())
    parsed = _parse_signature(header) if header else None
    if parsed is None:
        log.debug("B2BRouter webhook refused: %s signature", "malformed" if header else "no")
        return WebhookResponse(401, message="Missing or malformed signature.")
    timestamp, signatures = parsed
    expected = sign(secret, body, timestamp).split("s=", 1)[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        log.debug("B2BRouter webhook refused: signature does not match (timestamp %s)", timestamp)
        return WebhookResponse(401, message="Invalid signature.")
    now = time.time() if now is None else now
    if abs(now - timestamp) > api_facts.WEBHOOK_TOLERANCE_SECONDS:
        log.debug("B2BRouter webhook refused: timestamp %s is %ds away", timestamp, int(now - timestamp))
        return WebhookResponse(400, message="Signature timestamp too old.")
    try:
        payload = json.loads(body)
        code = payload.get("code")
        data = payload.get("data") or {}
    except (ValueError, AttributeError):
        log.debug("B2BRouter webhook refused: body is not a JSON object")
        return WebhookResponse(400, message="Body is not a JSON event.")
    if code != api_facts.WEBHOOK_STATE_CHANGE:
        return WebhookResponse(200, message=f"Event {code!r} ignored.")
    if not isinstance(data, dict) or data.get("invoice_id") is None or not data.get("state"):
        return WebhookResponse(400, message="State change without invoice_id or state.")
    remote_id = str(data["invoice_id"])
    state = str(data["state"]).lower()
    triggered = payload.get("triggered_at")
    plausible = isinstance(triggered, int) and not isinstance(triggered, bool) and 0 < triggered < MAX_UNIX_TIME
    at = triggered if plausible else timestamp
    update = RemoteInvoice(remote_id=remote_id, state=state, url=url_for(remote_id),
                           state_detail=data.get("notes") or None, final=state in api_facts.FINAL_STATES,
                           changed_at=datetime.fromtimestamp(at, timezone.utc))
    # a payment needs the invoice's total and paid date, which the event lacks: read it in a job
    work = {"invoice_id": remote_id} if state in api_facts.PAID_STATES else None
    return WebhookResponse(200, updates=(update,), message=f"Invoice {remote_id} is now {state}.", work=work,
                           event_id=f"{code}:{remote_id}:{state}:{at}")
