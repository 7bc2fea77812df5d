"""The Accounting API subset: query, company info, preferences, entity reads,
invoice create (with ``requestid`` idempotency). Also the knobs that make
requests slow, throttled, failing or expired, applied before each API call."""
from __future__ import annotations

import copy
import json
import time
from decimal import Decimal

from flask import Blueprint, current_app, jsonify, request

from erp_host_quickbooks.sandbox import qparser
from erp_host_quickbooks.sandbox.store import ENTITIES, Fault, now_iso

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


def _throttled():
    return jsonify({"Fault": {"Error": [{"Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                                         "Detail": "The request limit was reached.", "code": "3001"}],
                              "type": "SERVICE"}, "time": now_iso()}), 429


def _server_error(status=500):
    return jsonify({"Fault": {"Error": [{"Message": "An application error has occurred while processing your request",
                                         "Detail": "System Failure Error: An unexpected error occurred while "
                                                   "accessing or saving your data.", "code": "10000",
                                         "element": ""}],
                              "type": "SystemFault"}, "time": now_iso()}), status


@bp.before_request
def _gate():
    store = _store()
    knobs = store.knobs
    with store.lock:
        store.stats.requests += 1
        store.stats.minor_versions.append(request.args.get("minorversion"))
        failing = knobs.fail_next > 0 and knobs.fail_path in request.path
        if failing:
            knobs.fail_next -= 1
            mode = knobs.fail_mode
    if knobs.latency:
        time.sleep(knobs.latency)
    if failing:
        if mode == "429":
            return _throttled()
        if mode == "timeout":
            time.sleep(knobs.timeout_delay)  # the answer comes too late; the work is still done
        else:
            return _server_error(int(mode))
    if store.throttled():
        return _throttled()
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


@bp.post("/invoice")
def create_invoice(realm):
    store = _store()
    request_id = request.args.get("requestid")
    if request_id:
        store.stats.request_ids.append(request_id)
        with store.lock:
            replay = store.idempotent.get(request_id)
        if replay is not None:  # same request again: the same answer, nothing done twice
            return jsonify(replay[1]), replay[0]
    if request.args.get("operation"):
        raise Fault(400, "500", "Unsupported Operation", "The sandbox supports invoice create only")
    try:
        body = json.loads(request.get_data(as_text=True), parse_float=Decimal)
    except ValueError as exc:
        raise Fault(400, "2310", "Invalid Request Body", f"Request has invalid or unsupported JSON: {exc}") from exc
    allow_duplicate = "allowduplicatedocnum" in (request.args.get("include") or "")
    try:
        invoice = store.create_invoice(body, allow_duplicate_number=allow_duplicate)
    except Fault as fault:
        response, status = fault.body(), fault.status
    else:
        response, status = {"Invoice": invoice, "time": now_iso()}, 200
    if request_id:
        with store.lock:
            store.idempotent[request_id] = (status, response)
    if status == 200:
        with store.lock:
            fail = store.knobs.fail_after_create > 0
            if fail:
                store.knobs.fail_after_create -= 1
        if fail:
            return _server_error(500)
    return jsonify(response), status
