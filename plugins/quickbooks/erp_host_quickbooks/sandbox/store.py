"""The sandbox's in-memory state: one company, OAuth grants, knobs and counters."""
from __future__ import annotations

import copy
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from host.testing.sandbox import Traffic

from erp_host_quickbooks.sandbox import money, seed
from erp_host_quickbooks.sandbox.faults import Fault, now_iso
from erp_host_quickbooks.sandbox.invoice_build import build_invoice

LIST_ENTITIES = ("Customer", "Item", "Term", "TaxCode", "TaxRate")
ENTITIES = LIST_ENTITIES + ("Invoice", "Payment", "CreditMemo")


@dataclass
class Knobs:
    """Failure knobs. Latency, rate limits and the slow create are in :attr:`SandboxStore.traffic`."""

    fail_next: int = 0  # the next N API requests fail with fail_mode
    fail_mode: str = "500"  # "500", "503", "429" or "timeout"
    fail_path: str = ""  # only requests whose path contains this (empty: any API request)
    timeout_delay: float = 3.0  # "timeout": the answer comes this late (the work is still done)
    fail_after_create: int = 0  # the next N invoice creates succeed but answer 500
    token_lifetime: int = 3600  # access token lifetime, seconds


@dataclass
class Grant:
    client_id: str
    realm_id: str
    revoked: bool = False


@dataclass
class Stats:
    refreshes: int = 0
    invoice_creates: int = 0  # invoices actually created (not idempotent replays)
    queries: list = field(default_factory=list)
    minor_versions: list = field(default_factory=list)
    request_ids: list = field(default_factory=list)


# QuickBooks Online's production limits per company (realm): requests per
# rolling minute and requests in progress at once (reference §6).
RATE_LIMIT = 500
CONCURRENCY_LIMIT = 10


def default_traffic() -> Traffic:
    return Traffic(rate_limit=RATE_LIMIT, concurrency_limit=CONCURRENCY_LIMIT)


class SandboxStore:
    """All sandbox state behind one lock. ``traffic`` (latency, the per-realm
    limits, counters) keeps its own lock and its defaults across :meth:`reset`."""

    DATA_KEYS = ("realm_id", "clients", "company_info", "preferences", "entities", "codes",
                 "refresh_tokens", "access_tokens")

    def __init__(self, traffic: Traffic | None = None):
        self.lock = threading.RLock()
        self.traffic = traffic or default_traffic()
        self.in_progress: dict[str, threading.Event] = {}  # requestids being carried out; no reset empties it
        self.reset()

    # --- state ----------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self.traffic.reset()
            self.realm_id = seed.REALM_ID
            self.clients = {seed.CLIENT_ID: seed.CLIENT_SECRET}
            self.company_info = copy.deepcopy(seed.COMPANY_INFO)
            self.preferences = copy.deepcopy(seed.PREFERENCES)
            self.entities: dict[str, dict[str, dict]] = {name: {} for name in ENTITIES}
            for name, rows in (("Customer", seed.CUSTOMERS), ("Item", seed.ITEMS), ("Term", seed.TERMS),
                               ("TaxCode", seed.TAX_CODES), ("TaxRate", seed.TAX_RATES)):
                for row in copy.deepcopy(rows):
                    self.entities[name][row["Id"]] = row
            self.knobs = Knobs()
            self.stats = Stats()
            self.codes: dict[str, dict] = {}
            self.grants: dict[str, Grant] = {}
            self.refresh_tokens: dict[str, dict] = {}
            self.access_tokens: dict[str, dict] = {}
            self.idempotent: dict[str, tuple[int, dict]] = {}
            self.events: list[dict] = []  # webhook events (sandbox.money), in order
            for body in seed.INVOICES:
                invoice = self.create_invoice(copy.deepcopy(body))
                if invoice["DocNumber"] in seed.PAID_INVOICES:
                    money.receive_payment(self, invoice["Id"], None, invoice["TxnDate"])
            self.stats = Stats()
            self.events = []

    # --- persistence ----------------------------------------------------------------

    def snapshot(self) -> dict:
        """The data a restarted sandbox needs: the company, its entities, OAuth grants and tokens,
        and the ``requestid`` answers (so a retry after a restart still gets the first answer)."""
        with self.lock:
            data = copy.deepcopy({name: getattr(self, name) for name in self.DATA_KEYS})
            data["grants"] = {key: asdict(grant) for key, grant in self.grants.items()}
            data["idempotent"] = {key: list(answer) for key, answer in self.idempotent.items()}
            return data

    def restore(self, data: dict) -> None:
        with self.lock:
            for name in self.DATA_KEYS:
                setattr(self, name, data[name])
            self.grants = {key: Grant(**grant) for key, grant in data["grants"].items()}
            self.idempotent = {key: (status, body) for key, (status, body) in data["idempotent"].items()}

    # --- requestid idempotency ------------------------------------------------------

    def claim_request_id(self, request_id: str) -> tuple[int, dict] | None:
        """The saved answer for ``request_id``, or ``None`` when this request is to do the work.

        A request arriving while another with the same ID is still being carried
        out (a client that timed out and retried) waits for it and gets its
        answer: the invoice is never created twice. The caller that gets
        ``None`` must call :meth:`finish_request_id`.
        """
        while True:
            with self.lock:
                if request_id in self.idempotent:
                    return self.idempotent[request_id]
                running = self.in_progress.get(request_id)
                if running is None:
                    self.in_progress[request_id] = threading.Event()
                    return None
            running.wait()

    def finish_request_id(self, request_id: str, answer: tuple[int, dict] | None) -> None:
        """Save ``answer`` for replays (``None``: nothing to replay; a retry does the work again)."""
        with self.lock:
            if answer is not None:
                self.idempotent[request_id] = answer
            self.in_progress.pop(request_id).set()

    def next_id(self, entity: str) -> str:
        numbers = [int(k) for k in self.entities[entity] if k.isdigit()]
        return str(max(numbers, default=100 if entity == "Invoice" else 0) + 1)

    def add(self, entity: str, row: dict) -> dict:
        with self.lock:
            row = dict(row)
            row.setdefault("Id", self.next_id(entity))
            row.setdefault("Active", True)
            row.setdefault("SyncToken", "0")
            row.setdefault("MetaData", {"CreateTime": now_iso(), "LastUpdatedTime": now_iso()})
            if entity == "Customer":
                row.setdefault("FullyQualifiedName", row.get("DisplayName"))
            if entity == "Item":
                row.setdefault("FullyQualifiedName", row.get("Name"))
                row.setdefault("Type", "Service")
            self.entities[entity][row["Id"]] = row
            return row

    def rows(self, entity: str, include_inactive: bool) -> list[dict]:
        with self.lock:
            rows = list(self.entities[entity].values())
        if entity in LIST_ENTITIES and not include_inactive:
            rows = [r for r in rows if r.get("Active", True)]
        return copy.deepcopy(rows)

    def get(self, entity: str, entity_id: str) -> dict:
        with self.lock:
            row = self.entities.get(entity, {}).get(entity_id)
            if row is None:
                raise Fault(400, "610", "Object Not Found",
                            f"Object Not Found : Something you're trying to use has been made inactive or deleted. "
                            f"{entity} {entity_id} does not exist.", element="Id")
            return copy.deepcopy(row)

    # --- invoices -------------------------------------------------------------------

    def create_invoice(self, body: dict, allow_duplicate_number: bool = False) -> dict:
        with self.lock:
            invoice = build_invoice(self, body, allow_duplicate_number)
            self.entities["Invoice"][invoice["Id"]] = invoice
            self.stats.invoice_creates += 1
            money.record_event(self, "Invoice", invoice["Id"], "Create")
            return copy.deepcopy(invoice)

    def pay(self, invoice_id: str, amount: Decimal | None = None, txn_date: str | None = None) -> dict:
        """A Payment for the invoice (see :mod:`.money`); returns the invoice afterwards."""
        with self.lock:
            money.receive_payment(self, invoice_id, amount, txn_date)
            return copy.deepcopy(self.entities["Invoice"][invoice_id])

    # --- OAuth ----------------------------------------------------------------------

    def issue_code(self, client_id: str, redirect_uri: str) -> str:
        with self.lock:
            code = "AB" + secrets.token_urlsafe(24)
            self.codes[code] = {"client_id": client_id, "redirect_uri": redirect_uri, "realm_id": self.realm_id,
                                "expires": time.time() + 300, "used": False}
            return code

    def _tokens(self, grant_id: str) -> dict:
        refresh = "RT1-" + secrets.token_urlsafe(32)
        access = "eyJ." + secrets.token_urlsafe(48)
        self.refresh_tokens[refresh] = {"grant": grant_id, "used": False, "expires": time.time() + 8726400}
        self.access_tokens[access] = {"grant": grant_id, "expires": time.time() + self.knobs.token_lifetime}
        return {"access_token": access, "refresh_token": refresh, "token_type": "bearer",
                "expires_in": self.knobs.token_lifetime, "x_refresh_token_expires_in": 8726400}

    def exchange_code(self, client_id: str, code: str, redirect_uri: str) -> dict | None:
        with self.lock:
            entry = self.codes.get(code)
            if (entry is None or entry["used"] or entry["expires"] < time.time()
                    or entry["client_id"] != client_id or entry["redirect_uri"] != redirect_uri):
                return None
            entry["used"] = True
            grant_id = secrets.token_hex(8)
            self.grants[grant_id] = Grant(client_id, entry["realm_id"])
            return self._tokens(grant_id)

    def refresh(self, client_id: str, refresh_token: str) -> dict | None:
        """Rotate: the used refresh token stops working, a new pair is issued."""
        with self.lock:
            entry = self.refresh_tokens.get(refresh_token)
            if entry is None or entry["used"] or entry["expires"] < time.time():
                return None
            grant = self.grants[entry["grant"]]
            if grant.revoked or grant.client_id != client_id:
                return None
            entry["used"] = True
            self.stats.refreshes += 1
            return self._tokens(entry["grant"])

    def revoke(self, token: str) -> None:
        with self.lock:
            entry = self.refresh_tokens.get(token) or self.access_tokens.get(token)
            if entry is not None:
                self.grants[entry["grant"]].revoked = True

    def authenticate(self, access_token: str) -> tuple[str | None, str]:
        """``(realm_id, "")`` for a valid token, else ``(None, reason)``."""
        with self.lock:
            entry = self.access_tokens.get(access_token)
            if entry is None:
                return None, "Token invalid"
            if self.grants[entry["grant"]].revoked:
                return None, "Token revoked"
            if entry["expires"] < time.time():
                return None, f"Token expired: {access_token[:6]}…"
            return self.grants[entry["grant"]].realm_id, ""

    def expire_access_tokens(self) -> None:
        with self.lock:
            for entry in self.access_tokens.values():
                entry["expires"] = 0
