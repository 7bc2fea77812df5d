"""The sandbox's payments, credit memos, change data capture and webhooks.

Shapes from ``shared/reference/quickbooks-payments-credits-webhooks.md``:
a Payment applies amounts to invoices through ``Line[].LinkedTxn`` and the
invoice lists it back in its own ``LinkedTxn`` (§1); a CreditMemo is built
like an invoice with positive amounts and a ``RemainingCredit`` (§2); every
create, payment and credit memo is an event, delivered as a signed webhook
in the CloudEvents or the legacy format (§4), and ``/cdc`` returns the
entities changed since a time (§5).
"""
from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import uuid
from datetime import date, datetime
from decimal import Decimal

from erp_host_quickbooks.sandbox.faults import Fault, now_iso
from erp_host_quickbooks.sandbox.invoice_build import build_invoice

VERIFIER_TOKEN = "sandbox-verifier-token"
CDC_ENTITIES = ("Invoice", "Payment", "CreditMemo", "Customer", "Item")
CDC_MAX_OBJECTS = 1000


def record_event(store, entity: str, entity_id: str, operation: str) -> None:
    store.events.append({"id": str(uuid.uuid4()), "entity": entity, "entity_id": entity_id,
                         "operation": operation, "time": now_iso(), "realm": store.realm_id})


def _touch(row: dict) -> None:
    row["SyncToken"] = str(int(row.get("SyncToken", "0")) + 1)
    row.setdefault("MetaData", {})["LastUpdatedTime"] = now_iso()


def create_credit_memo(store, body: dict) -> dict:
    """A CreditMemo from ``body`` with the invoice's checks; its DocNumber is unique among sales forms."""
    wanted = body.get("DocNumber")
    for kind, label in (("CreditMemo", "Credit Memo"), ("Invoice", "Invoice")):
        other = next((r for r in store.entities[kind].values() if wanted and r.get("DocNumber") == wanted), None)
        if other is not None:
            raise Fault(400, "6140", "Duplicate Document Number Error",
                        f"Duplicate Document Number Error : You must specify a different number. This number has "
                        f"already been used. DocNumber={wanted} is assigned to TxnType={label} with TxnId={other['Id']}")
    memo = build_invoice(store, dict(body, DocNumber=None) if not wanted else body, False)
    for key in ("DueDate", "Deposit", "EmailStatus", "PrintStatus"):
        memo.pop(key, None)
    memo["Id"] = store.next_id("CreditMemo")
    memo["RemainingCredit"] = memo["Balance"]
    store.entities["CreditMemo"][memo["Id"]] = memo
    record_event(store, "CreditMemo", memo["Id"], "Create")
    return copy.deepcopy(memo)


def receive_payment(store, invoice_id: str, amount: Decimal | None, txn_date: str | None = None) -> dict:
    """The customer pays ``amount`` (the open balance when None) of an invoice: a Payment linked both ways."""
    invoice = store.entities["Invoice"].get(invoice_id)
    if invoice is None:
        raise KeyError(invoice_id)
    paid = invoice["Balance"] if amount is None else min(Decimal(str(amount)), invoice["Balance"])
    payment = {
        "Id": store.next_id("Payment"), "SyncToken": "0", "domain": "QBO",
        "TxnDate": txn_date or date.today().isoformat(), "TotalAmt": paid, "UnappliedAmt": Decimal(0),
        "CustomerRef": dict(invoice["CustomerRef"]), "CurrencyRef": dict(invoice.get("CurrencyRef") or {}),
        "Line": [{"Amount": paid, "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]}],
        "MetaData": {"CreateTime": now_iso(), "LastUpdatedTime": now_iso()},
    }
    store.entities["Payment"][payment["Id"]] = payment
    invoice["Balance"] = invoice["Balance"] - paid
    invoice.setdefault("LinkedTxn", []).append({"TxnId": payment["Id"], "TxnType": "Payment"})
    _touch(invoice)
    record_event(store, "Payment", payment["Id"], "Create")
    record_event(store, "Invoice", invoice_id, "Update")
    return copy.deepcopy(payment)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def cdc(store, entities: list[str], changed_since: str) -> dict:
    """``GET /cdc``: one ``QueryResponse`` per entity with the rows changed since ``changed_since`` [§5]."""
    unknown = [e for e in entities if e not in CDC_ENTITIES]
    if unknown or not entities:
        raise Fault(400, "4000", "Invalid entity", f"CDC does not support: {', '.join(unknown) or '(none)'}")
    try:
        since = _time(changed_since)
    except (ValueError, AttributeError) as exc:
        raise Fault(400, "4000", "Invalid changedSince", f"changedSince is not a date-time: {changed_since}") from exc
    responses = []
    for entity in entities:
        rows = [copy.deepcopy(r) for r in store.entities[entity].values()
                if _time((r.get("MetaData") or {}).get("LastUpdatedTime", "1970-01-01T00:00:00+00:00")) >= since]
        rows = rows[:CDC_MAX_OBJECTS]
        responses.append({entity: rows, "startPosition": 1, "maxResults": len(rows)} if rows else {})
    return {"CDCResponse": [{"QueryResponse": responses}], "time": now_iso()}


def webhook_body(events: list[dict], fmt: str) -> bytes:
    """The delivery of ``events`` in the CloudEvents (a JSON array) or the legacy format [§4]."""
    if fmt == "legacy":
        by_realm: dict[str, list] = {}
        for e in events:
            by_realm.setdefault(e["realm"], []).append(
                {"name": e["entity"], "id": e["entity_id"], "operation": e["operation"], "lastUpdated": e["time"]})
        body = {"eventNotifications": [{"realmId": realm, "dataChangeEvent": {"entities": entities}}
                                       for realm, entities in by_realm.items()]}
    else:
        past = {"Create": "created", "Update": "updated", "Delete": "deleted", "Void": "voided", "Merge": "merged"}
        body = [{"specversion": "1.0", "id": e["id"], "source": "intuit.sandbox",
                 "type": f"qbo.{e['entity'].lower()}.{past.get(e['operation'], 'updated')}.v1",
                 "datacontenttype": "application/json", "time": e["time"], "intuitentityid": e["entity_id"],
                 "intuitaccountid": e["realm"], "data": {}} for e in events]
    return json.dumps(body).encode()


def sign(body: bytes, token: str = VERIFIER_TOKEN) -> str:
    """``intuit-signature``: base64 of HMAC-SHA256 of the raw body with the verifier token [§4]."""
    return base64.b64encode(hmac.new(token.encode(), body, hashlib.sha256).digest()).decode()
