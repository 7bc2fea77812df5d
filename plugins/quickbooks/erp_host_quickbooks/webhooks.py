"""QuickBooks webhooks: signature, both payload formats, and what changed.

``intuit-signature`` is base64(HMAC-SHA256(verifier token, raw body)),
compared in constant time; no timestamp is signed, so de-duplication is the
replay protection [quickbooks-payments-credits-webhooks.md §4]. The body is
either a JSON array of CloudEvents (``type`` ``qbo.<entity>.<operation>.v1``,
``intuitentityid``, ``intuitaccountid``) or the legacy
``{"eventNotifications": [{"realmId", "dataChangeEvent": {"entities": [...]}}]}``.
The handler only verifies and lists the changed invoices, payments and
credit memos of the connected company, answering at once (Intuit wants 200
within 3 s); the entities are read in a job (``changes.py``), never trusted
from the event.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

from host import WebhookResponse

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "intuit-signature"
WATCHED = ("Invoice", "Payment", "CreditMemo")


def signature(token: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(token.encode(), body, hashlib.sha256).digest()).decode()


def verified(headers: dict, body: bytes, token: str | None) -> bool:
    given = headers.get(SIGNATURE_HEADER, "")
    return bool(token) and bool(given) and hmac.compare_digest(signature(token, body), given)


def events(payload) -> list[dict]:
    """``{"realm", "entity", "id", "key"}`` for every event in either format; ``key`` identifies the event."""
    found = []
    if isinstance(payload, list):  # CloudEvents
        for event in payload:
            if not isinstance(event, dict):
                continue
            parts = str(event.get("type") or "").split(".")
            entity = next((w for w in WATCHED if len(parts) > 1 and parts[1] == w.lower()), None)
            found.append({"realm": str(event.get("intuitaccountid") or ""), "entity": entity,
                          "id": str(event.get("intuitentityid") or ""),
                          "key": f"{event.get('source')}/{event.get('id')}"})
    elif isinstance(payload, dict):  # legacy
        for note in payload.get("eventNotifications") or ():
            for entity in ((note or {}).get("dataChangeEvent") or {}).get("entities") or ():
                name = entity.get("name")
                found.append({"realm": str(note.get("realmId") or ""), "entity": name if name in WATCHED else None,
                              "id": str(entity.get("id") or ""),
                              "key": f"{note.get('realmId')}/{name}/{entity.get('id')}/{entity.get('operation')}/"
                                     f"{entity.get('lastUpdated')}"})
    return found


def handle(headers: dict, body: bytes, token: str | None, realm: str | None) -> WebhookResponse:
    if not token:
        log.debug("QuickBooks webhook refused: no verifier token is configured")
        return WebhookResponse(401, message="No webhook verifier token is configured for QuickBooks.")
    if not verified(headers, body, token):
        log.debug("QuickBooks webhook refused: bad or missing intuit-signature")
        return WebhookResponse(401, message="Invalid intuit-signature.")
    try:
        payload = json.loads(body)
    except ValueError:
        return WebhookResponse(400, message="The body is not JSON.")
    found = events(payload)
    if not found and not (isinstance(payload, list) or "eventNotifications" in (payload or {})):
        return WebhookResponse(400, message="Neither a CloudEvents array nor eventNotifications.")
    wanted = sorted({(e["entity"], e["id"]) for e in found if e["entity"] and e["id"] and e["realm"] == realm})
    event_id = hashlib.sha256("|".join(sorted(e["key"] for e in found)).encode()).hexdigest()[:40]
    if not wanted:
        return WebhookResponse(200, message=f"{len(found)} event(s), none about this company's invoices.",
                               event_id=event_id)
    return WebhookResponse(200, work={"entities": [list(pair) for pair in wanted]}, event_id=event_id,
                           message=f"{len(wanted)} change(s) to read.")
