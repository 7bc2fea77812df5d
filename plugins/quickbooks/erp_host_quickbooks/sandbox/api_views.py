"""The Accounting API subset: query, company info, preferences, entity reads,
invoice create (with ``requestid`` idempotency, also for a retry that arrives
while the first request is still being carried out). Also the knobs that make
requests fail or time out, applied before each API call."""
from __future__ import annotations

import copy
import json
import time
from decimal import Decimal

from flask import Blueprint, current_app, jsonify, request

from erp_host_quickbooks.sandbox import qparser
from erp_host_quickbooks.sandbox.faults import Fault, now_iso
from erp_host_quickbooks.sandbox.store import ENTITIES

bp = Blueprint("qb_api", __name__, url_prefix="/v3/company/<realm>")

_READABLE = {name.lower(): name for name in ENTITIES}


def _store():
    return current_app.config["QB_STORE"]


def _gateway_fault(status, message, detail, code, fault_type):
    """The gateway's lower-case fault body (401/403), as Intuit really sends it."""
    body = {"warnings": None, "intuitObject": None,
            "fault": {"error": [{"message": message, "detail": detail, "code": code, "element": None}], "type": fault_type},
            "report": None, "queryResponse": None, "batchItemResponse": [], "attachableResponse": [],
            "syncErrorResponse": None, "requestId": None, "time": int(time.time() * 1000), "status": None,
            "cdcresponse": []}
    return jsonify(body), status


def throttled():
    """Intuit's throttling fault (reference §6; sample ``fault_429_throttle_exceeded.json``)."""
    return jsonify({"Fault": {"Error": [{"Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                                         "Detail": "The request limit was reached.", "code": "3001"}],
                              "type": "SERVICE"}, "time": now_iso()}), 429


def server_error(status=500):
    return jsonify({"Fault": {"Error": [{"Message": "An application error has occurred while processing your request",
                                         "Detail": "System Failure Error: An unexpected error occurred while "
                                                   "accessing or saving your data.", "code": "10000",
                                         "element": ""}],
                              "type": "SystemFault"}, "time": now_iso()}), status


@bp.before_request
def _gate():
    """Failure knobs, then the gateway's authentication. Latency and the
    per-realm limits come first, from the shared traffic control (see :mod:`.app`)."""
    store = _store()
    knobs = store.knobs
    with store.lock:
        store.stats.minor_versions.append(request.args.get("minorversion"))
        failing = knobs.fail_next > 0 and knobs.fail_path in request.path
        if failing:
            knobs.fail_next -= 1
            mode = knobs.fail_mode
    if failing:
        if mode == "429":
            return throttled()
        if mode == "timeout":
            time.sleep(knobs.timeout_delay)  # the answer comes too late; the work is still done
        else:
            return server_error(int(mode))
    header = request.headers.get("Authorization", "")
    realm, reason = store.authenticate(header[7:]) if header.startswith("Bearer ") else (None, "Token missing")
    if realm is None:
        return _gateway_fault(401, "message=AuthenticationFailed; errorCode=003200; statusCode=401", reason,
                              "3200", "AUTHENTICATION")
    if realm != request.view_args.get("realm"):
        return _gateway_fault(403, "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403", "",
                              "3100", "SERVICE")


def _wrap(key, value):
    return jsonify({key: value, "time": now_iso()})


@bp.route("/query", methods=["GET", "POST"])
def query(realm):
    text = request.args.get("query") if request.method == "GET" else request.get_data(as_text=True)
    store = _store()
    store.stats.queries.append(text)
    try:
        parsed = qparser.parse(text or "")
    except qparser.QueryError as exc:
        raise Fault(400, "4000", "Error parsing query", f"QueryParserError: {exc}") from exc
    if parsed.entity not in ENTITIES:
        raise Fault(400, "4000", "Error parsing query", f"QueryParserError: Invalid entity name {parsed.entity}")
    include_inactive = any(c.prop == "Active" for c in parsed.where)
    return _wrap("QueryResponse", qparser.run(parsed, store.rows(parsed.entity, include_inactive)))


@bp.get("/companyinfo/<company_id>")
def company_info(realm, company_id):
    return _wrap("CompanyInfo", copy.deepcopy(_store().company_info))


@bp.get("/preferences")
def preferences(realm):
    return _wrap("Preferences", copy.deepcopy(_store().preferences))


@bp.get("/<entity>/<entity_id>")
def read(realm, entity, entity_id):
    name = _READABLE.get(entity.lower())
    if name is None:
        raise Fault(400, "4000", "Unsupported Operation", f"Operation not supported for entity {entity}")
    return _wrap(name, _store().get(name, entity_id))


def idempotent_create(store, build):
    """Answer a create honouring ``requestid``: the same ID gets the first answer again, never a
    second record. ``build(store)`` does the work and returns ``(status, body)``."""
    request_id = request.args.get("requestid")
    if request_id:
        store.stats.request_ids.append(request_id)
        replay = store.claim_request_id(request_id)
        if replay is not None:  # same request again: the same answer, nothing done twice
            return jsonify(replay[1]), replay[0]
    answer = None
    try:
        answer = build(store)
    finally:
        if request_id:
            store.finish_request_id(request_id, answer)
    if answer[0] == 200 and _fail_after_create(store):
        return server_error(500)  # created (a retry gets it), but this answer is lost
    return jsonify(answer[1]), answer[0]


@bp.post("/invoice")
def create_invoice(realm):
    return idempotent_create(_store(), _create)


def _create(store) -> tuple[int, dict]:
    """Create the invoice the request describes: ``(status, body)`` to answer and to replay.
    :raises Fault: a request error that is not replayed (unsupported operation, bad JSON)."""
    if request.args.get("operation"):
        raise Fault(400, "500", "Unsupported Operation", "The sandbox supports invoice create only")
    try:
        body = json.loads(request.get_data(as_text=True), parse_float=Decimal)
    except ValueError as exc:
        raise Fault(400, "2310", "Invalid Request Body", f"Request has invalid or unsupported JSON: {exc}") from exc
    allow_duplicate = "allowduplicatedocnum" in (request.args.get("include") or "")
    store.traffic.pause_for_create()
    try:
        invoice = store.create_invoice(body, allow_duplicate_number=allow_duplicate)
    except Fault as fault:
        return fault.status, fault.body()
    store.traffic.record_created("Invoice", invoice["Id"], invoice.get("DocNumber"))
    return 200, {"Invoice": invoice, "time": now_iso()}


def _fail_after_create(store) -> bool:
    with store.lock:
        fail = store.knobs.fail_after_create > 0
        if fail:
            store.knobs.fail_after_create -= 1
        return fail
