"""B2BRouter webhooks: signature check and state-change parsing.

``X-B2Brouter-Signature: t=<unix>,s=<hex>`` where ``s`` is
HMAC-SHA256(secret, ``"{t}.{raw body}"``). Calls without a valid signature,
or signed too long ago (a replay), are refused.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

from host import RemoteInvoice, WebhookResponse

from erp_host_b2brouter import api_facts

log = logging.getLogger(__name__)


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
        log.warning("B2BRouter webhook refused: no webhook secret is configured")
        return WebhookResponse(401, message="No webhook secret is configured for B2BRouter.")
    header = headers.get(api_facts.WEBHOOK_SIGNATURE_HEADER.lower())
    parsed = _parse_signature(header) if header else None
    if parsed is None:
        log.warning("B2BRouter webhook refused: %s signature", "malformed" if header else "no")
        return WebhookResponse(401, message="Missing or malformed signature.")
    timestamp, signatures = parsed
    expected = sign(secret, body, timestamp).split("s=", 1)[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        log.warning("B2BRouter webhook refused: signature does not match (timestamp %s)", timestamp)
        return WebhookResponse(401, message="Invalid signature.")
    now = time.time() if now is None else now
    if abs(now - timestamp) > api_facts.WEBHOOK_TOLERANCE_SECONDS:
        log.warning("B2BRouter webhook refused: timestamp %s is %ds away", timestamp, int(now - timestamp))
        return WebhookResponse(400, message="Signature timestamp too old.")
    try:
        payload = json.loads(body)
        code = payload.get("code")
        data = payload.get("data") or {}
    except (ValueError, AttributeError):
        log.warning("B2BRouter webhook refused: body is not a JSON object")
        return WebhookResponse(400, message="Body is not a JSON event.")
    if code != api_facts.WEBHOOK_STATE_CHANGE:
        return WebhookResponse(200, message=f"Event {code!r} ignored.")
    if not isinstance(data, dict) or data.get("invoice_id") is None or not data.get("state"):
        return WebhookResponse(400, message="State change without invoice_id or state.")
    remote_id = str(data["invoice_id"])
    state = str(data["state"]).lower()
    update = RemoteInvoice(remote_id=remote_id, state=state, url=url_for(remote_id),
                           state_detail=data.get("notes") or None, final=state in api_facts.FINAL_STATES)
    # a payment needs the invoice's total and paid date, which the event lacks: read it in a job
    work = {"invoice_id": remote_id} if state in api_facts.PAID_STATES else None
    return WebhookResponse(200, updates=(update,), message=f"Invoice {remote_id} is now {state}.", work=work,
                           event_id=event_id(payload.get("code"), remote_id, state, payload.get("triggered_at")))


def event_id(code, remote_id: str, state: str, triggered_at) -> str:
    """B2BRouter sends no delivery ID [§5 UNKNOWN]: the key the reference suggests,
    ``(code, invoice_id, state, triggered_at)``."""
    return f"{code}:{remote_id}:{state}:{triggered_at or ''}"
