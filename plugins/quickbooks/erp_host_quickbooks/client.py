"""The QuickBooks Online Accounting API (v3) over ``requests``.

Every call sends ``minorversion``, passes the company's limits shared by
every worker (``context.throttle``: 500 requests a minute, 10 at once in
production) and carries a fresh access token. A 401 refreshes the token once
and repeats the call; 429 is retried with short backoff (never longer than
``host.MAX_SLEEP``); 5xx is retried for reads only (a create is retried by
the job with the same ``requestid`` instead). Amounts are parsed as ``Decimal``.
"""
from __future__ import annotations

import json
import logging
import random
import time
from decimal import Decimal

import requests
from host import MAX_SLEEP, http_session

from erp_host_quickbooks.endpoints import MINOR_VERSION, Endpoints, for_config
from erp_host_quickbooks.faults import REQUEST_ID_HEADER, QuickBooksError, from_response
from erp_host_quickbooks.tokens import TokenManager, realm_id

log = logging.getLogger(__name__)

TIMEOUT = 30  # seconds per request
MAX_RETRIES = 3  # for 429 and (reads only) 5xx
BACKOFF_BASE = 0.5  # seconds; doubled each retry, plus jitter, at most MAX_SLEEP


def _json_number(value):
    """JSON encoder hook: amounts go out as numbers (at most 15 digits, exact as floats)."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


class QuickBooksClient:
    def __init__(self, config: dict, context, session: requests.Session | None = None, sleep=time.sleep):
        self.config = config
        self.context = context
        self.endpoints: Endpoints = for_config(config)
        self.tokens = TokenManager(config, context, self.endpoints)
        # one session per app, environment and company, reused across calls (the token goes per request)
        self.session = session or http_session("quickbooks", self.endpoints.api, config.get("client_id"),
                                               realm_id(context))
        self.sleep = sleep
        self.last_request_id: str | None = None

    @property
    def realm_id(self) -> str:
        realm = realm_id(self.context)
        if not realm:
            raise QuickBooksError(kind="not_connected")
        return realm

    # --- transport --------------------------------------------------------------

    def _send(self, method, url, params, body, token):
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body, default=_json_number)
        limits = self.endpoints.limits
        with self.context.throttle(f"realm:{self.realm_id}", limits.requests, limits.period, limits.concurrent):
            try:
                return self.session.request(method, url, params=params, data=data, headers=headers, timeout=TIMEOUT)
            except requests.RequestException as exc:
                note = str(exc) if isinstance(exc, requests.Timeout) else type(exc).__name__
                raise QuickBooksError.from_exception(exc, provider="QuickBooks", note=note) from exc

    def request(self, method: str, path: str, params: dict | None = None, body: dict | None = None) -> dict:
        url = self.endpoints.company(self.realm_id, path)
        params = {**(params or {}), "minorversion": MINOR_VERSION}
        token = self.tokens.access_token()
        refreshed = False
        retries = 0
        while True:
            response = self._send(method, url, params, body, token)
            self.last_request_id = response.headers.get(REQUEST_ID_HEADER)
            if response.status_code == 401 and not refreshed:
                refreshed = True
                token = self.tokens.refresh(stale=token)
                continue
            retryable = response.status_code == 429 or (response.status_code >= 500 and method == "GET")
            if retryable and retries < MAX_RETRIES:
                delay = min(BACKOFF_BASE * 2**retries * (1 + random.random() / 2), MAX_SLEEP)
                log.info("QuickBooks %s %s: HTTP %s, retrying in %.1fs", method, path, response.status_code, delay)
                self.sleep(delay)
                retries += 1
                continue
            if response.status_code >= 400:
                error = from_response(response)
                log.warning("QuickBooks %s %s failed: HTTP %s codes=%s intuit_tid=%s",
                            method, path, error.status, error.codes, error.request_id)
                raise error
            return response.json(parse_float=Decimal)

    # --- operations -------------------------------------------------------------

    def query(self, statement: str) -> dict:
        """Run a query; returns the ``QueryResponse`` object (empty dict when nothing matched)."""
        return self.request("GET", "query", params={"query": statement}).get("QueryResponse") or {}

    def read(self, entity: str, entity_id: str) -> dict:
        return self.request("GET", f"{entity.lower()}/{entity_id}")[entity]

    def company_info(self) -> dict:
        return self.request("GET", f"companyinfo/{self.realm_id}")["CompanyInfo"]

    def preferences(self) -> dict:
        return self.request("GET", "preferences")["Preferences"]

    def create_credit_memo(self, memo: dict, request_id: str) -> dict:
        """Create a credit memo; the same ``request_id`` returns the first result again."""
        return self.request("POST", "creditmemo", params={"requestid": request_id}, body=memo)["CreditMemo"]

    def cdc(self, entities, changed_since) -> dict:
        """Change data capture: the ``entities`` changed since ``changed_since`` (an aware datetime)."""
        return self.request("GET", "cdc", params={"entities": ",".join(entities),
                                                  "changedSince": changed_since.isoformat(timespec="seconds")})

    def create_invoice(self, invoice: dict, request_id: str) -> dict:
        """Create an invoice; the same ``request_id`` returns the first result again."""
        return self.request("POST", "invoice", params={"requestid": request_id}, body=invoice)["Invoice"]
