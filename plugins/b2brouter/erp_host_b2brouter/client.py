"""A small HTTP client for the B2BRouter API subset this plugin uses.

Every call carries the API key and the pinned API version, has a timeout,
passes the account's shared rate limit (``throttle``), and raises
:class:`~erp_host_b2brouter.errors.ApiError` on failure. Only GETs are
retried here (network errors, timeouts, 429 and 5xx), and only with short
waits: a ``Retry-After`` longer than ``host.MAX_SLEEP`` is raised at once,
so a job is rescheduled and a page says when to try again. A POST that
creates something is never repeated here, because B2BRouter has no
idempotency key; callers reconcile by looking the object up instead.
"""
from __future__ import annotations

import contextlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import requests
from host import MAX_SLEEP

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.errors import PROVIDER, ApiError, from_response

log = logging.getLogger(__name__)

#: (connect, read) seconds. The official SDK uses (30, 80); an invoice page
#: should not hang that long.
DEFAULT_TIMEOUT = (10.0, 30.0)
GET_RETRIES = 3
BACKOFF_SECONDS = 0.5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Page:
    """One page of a list answer, whichever envelope it came in."""

    items: list
    total: int | None
    offset: int
    limit: int


def parse_page(body: dict, key: str, offset: int, limit: int) -> Page:
    """Read ``{key: [...], "meta": {...}}`` or the flat ``{key: [...], "total_count": ...}``."""
    items = body.get(key) or []
    if not isinstance(items, list):
        raise ValueError(f"{key!r} is not a list")
    meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
    total = None
    for source in (meta, body):
        for name in api_facts.TOTAL_KEYS:
            if isinstance(source.get(name), int):
                total = source[name]
                break
        if total is not None:
            break
    echoed_offset = meta.get("offset", body.get("offset", offset))
    echoed_limit = meta.get("limit", body.get("limit", limit))
    return Page(items, total, int(echoed_offset), int(echoed_limit))


def _jsonable(value):
    """Decimals and dates as JSON numbers and ISO strings."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


class Client:
    """B2BRouter API calls, one method per endpoint used."""

    def __init__(self, base_url: str, api_key: str, *, timeout=None,
                 session: requests.Session | None = None, sleep=time.sleep, throttle=None):
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.sleep = sleep
        self.throttle = throttle or contextlib.nullcontext
        self.session = session or requests.Session()
        self.session.headers.update({
            api_facts.HEADER_API_KEY: api_key,
            api_facts.HEADER_API_VERSION: api_facts.API_VERSION,
            "Accept": "application/json",
        })

    # --- transport --------------------------------------------------------------

    def request(self, method: str, path: str, what: str, *, params=None, body=None, accept: str | None = None):
        """Send one call (GETs with retries) and return the decoded JSON body,
        or the raw response when ``accept`` asks for a binary document."""
        attempts = 1 + (GET_RETRIES if method == "GET" else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                return self._once(method, path, what, params, body, accept)
            except ApiError as error:
                if last or not self._retryable(error):
                    raise
                wait = error.retry_after if error.retry_after is not None else min(BACKOFF_SECONDS * 2 ** attempt, MAX_SLEEP)
                log.info("B2BRouter %s %s failed (%s); retry %d in %.1fs", method, path, error.kind, attempt + 1, wait)
                self.sleep(wait)
        raise AssertionError("unreachable")

    @staticmethod
    def _retryable(error: ApiError) -> bool:
        if error.retry_after is not None and error.retry_after > MAX_SLEEP:
            return False
        if error.kind in ("timeout", "network"):
            return True
        return error.status in RETRY_STATUSES

    def _once(self, method, path, what, params, body, accept=None):
        url = self.base_url + path
        data = None
        headers = {"Accept": accept} if accept else {}
        if body is not None:
            data = json.dumps(body, default=_jsonable)
            headers["Content-Type"] = "application/json"
        try:
            with self.throttle():
                response = self.session.request(method, url, params=params, data=data, headers=headers,
                                                timeout=self.timeout)
        except requests.Timeout as exc:
            raise ApiError.from_exception(exc, provider=PROVIDER, text=f"B2BRouter did not answer within "
                                          f"{self.read_timeout():g} seconds ({what}).") from None
        except requests.RequestException as exc:
            raise ApiError.from_exception(exc, provider=PROVIDER, raw=self._redact(str(exc)), text=(
                f"Could not connect to B2BRouter at {self.base_url} ({type(exc).__name__}). "
                "Check the environment or URL and the network.")) from None
        request_id = next((response.headers[h] for h in api_facts.REQUEST_ID_HEADERS if h in response.headers), None)
        if accept and response.status_code < 400:
            return response
        raw = self._redact(response.text)
        log.info("B2BRouter %s %s -> %s (request %s)", method, path, response.status_code, request_id)
        try:
            decoded = json.loads(response.text, parse_float=Decimal) if response.text.strip() else {}
        except ValueError:
            decoded = None
        if response.status_code >= 400:
            raise from_response(response, decoded, raw, what)
        if not isinstance(decoded, dict):
            raise ApiError("malformed", f"B2BRouter sent an answer that is not valid JSON (HTTP "
                           f"{response.status_code}, {what}).", status=response.status_code,
                           request_id=request_id, raw=raw)
        return decoded

    def read_timeout(self) -> float:
        return self.timeout[1] if isinstance(self.timeout, tuple) else self.timeout

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "[api key]") if self._api_key else text

    @staticmethod
    def _unwrap(body: dict, key: str, what: str) -> dict:
        value = body.get(key, body)
        if not isinstance(value, dict) or "id" not in value:
            raise ApiError("malformed", f"B2BRouter's answer about {what} has no {key} in it.",
                           raw=json.dumps(body, default=str)[:2000])
        return value

    # --- accounts -----------------------------------------------------------------

    def get_account(self, account_id) -> dict:
        what = f"account {account_id}"
        return self._unwrap(self.request("GET", api_facts.ACCOUNT.format(account=account_id), what), "account", what)

    def list_accounts(self, limit: int = 100) -> Page:
        body = self.request("GET", api_facts.ACCOUNTS, "account list", params={"offset": 0, "limit": limit})
        return self._page(body, "accounts", 0, limit)

    # --- contacts -----------------------------------------------------------------

    def find_contact(self, account_id, integration_code: str) -> dict | None:
        """The contact whose ``integration_code`` is exactly ``integration_code``."""
        body = self.request("GET", api_facts.CONTACTS.format(account=account_id), "contact search",
                            params={"integration_code": integration_code, "offset": 0, "limit": 25})
        for contact in self._page(body, "contacts", 0, 25).items:
            if str(contact.get("integration_code")) == integration_code:
                return contact
        return None

    def create_contact(self, account_id, contact: dict) -> dict:
        body = self.request("POST", api_facts.CONTACTS.format(account=account_id), "contact", body={"contact": contact})
        return self._unwrap(body, "contact", "the new contact")

    def get_contact(self, contact_id) -> dict:
        what = f"contact {contact_id}"
        return self._unwrap(self.request("GET", api_facts.CONTACT.format(id=contact_id), what), "contact", what)

    def update_contact(self, contact_id, changes: dict) -> dict:
        """``PUT /contacts/{id}`` with only the fields that changed."""
        what = f"contact {contact_id}"
        body = self.request("PUT", api_facts.CONTACT.format(id=contact_id), what, body={"contact": changes})
        return self._unwrap(body, "contact", what)

    # --- invoices -----------------------------------------------------------------

    def send_invoice(self, invoice_id) -> dict:
        """Send a New invoice; the answer (``{"tax_report_ids": [...]}``, or ``{}`` for a 204)."""
        return self.request("POST", api_facts.SEND_INVOICE.format(id=invoice_id), f"sending invoice {invoice_id}")

    def list_invoices(self, account_id, *, offset: int = 0, limit: int = 25, number: str | None = None,
                      date_from: date | None = None, date_to: date | None = None) -> Page:
        limit = max(1, min(limit, api_facts.MAX_LIMIT))
        params = {"type": api_facts.INVOICE_TYPE, "offset": offset, "limit": limit}
        if number:
            params["number"] = number
        if date_from:
            params["date_from"] = date_from.isoformat()
        if date_to:
            params["date_to"] = date_to.isoformat()
        body = self.request("GET", api_facts.INVOICES.format(account=account_id), "invoice list", params=params)
        return self._page(body, "invoices", offset, limit)

    def find_invoice_by_number(self, account_id, number: str) -> dict | None:
        """The issued invoice numbered exactly ``number``, or None."""
        for invoice in self.list_invoices(account_id, number=number, limit=25).items:
            if str(invoice.get("number")) == number:
                return invoice
        return None

    def create_invoice(self, account_id, invoice: dict, send_after_import: bool) -> dict:
        body = self.request("POST", api_facts.INVOICES.format(account=account_id), "invoice",
                            body={"invoice": invoice, "send_after_import": send_after_import})
        return self._unwrap(body, "invoice", "the new invoice")

    def update_invoice(self, invoice_id, changes: dict) -> dict:
        """``PUT /invoices/{id}`` with a partial invoice (B2BRouter allows it while the invoice is new)."""
        what = f"invoice {invoice_id}"
        body = self.request("PUT", api_facts.INVOICE.format(id=invoice_id), what, body={"invoice": changes})
        return self._unwrap(body, "invoice", what)

    def get_invoice(self, invoice_id, include_lines: bool = False) -> dict:
        what = f"invoice {invoice_id}"
        params = {"include": "lines"} if include_lines else None
        return self._unwrap(self.request("GET", api_facts.INVOICE.format(id=invoice_id), what, params=params),
                            "invoice", what)

    def get_document(self, invoice_id, document_type: str = api_facts.PDF_DOCUMENT_TYPE) -> tuple[bytes, str]:
        """The invoice rendered as ``document_type``: (content, content type)."""
        what = f"the document of invoice {invoice_id}"
        response = self.request("GET", api_facts.INVOICE_DOCUMENT.format(id=invoice_id, document_type=document_type),
                                what, accept=api_facts.PDF_CONTENT_TYPE)
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if not response.content or content_type != api_facts.PDF_CONTENT_TYPE:
            raise ApiError("malformed", f"B2BRouter sent no PDF for invoice {invoice_id} "
                           f"(got {content_type or 'nothing'}).", status=response.status_code,
                           raw=self._redact(response.text[:2000]))
        return response.content, content_type

    @staticmethod
    def _page(body: dict, key: str, offset: int, limit: int) -> Page:
        try:
            return parse_page(body, key, offset, limit)
        except (ValueError, TypeError) as exc:
            raise ApiError("malformed", f"B2BRouter's {key} list could not be read ({exc}).",
                           raw=json.dumps(body, default=str)[:2000]) from None
