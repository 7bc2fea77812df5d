"""The sandbox's data: accounts, contacts and invoices in memory, seeded the same way every time.

Validation answers use B2BRouter's messages and error shapes (see
:mod:`erp_host_b2brouter.api_facts`); totals come from :mod:`.calc` with the
issuing account's calculation settings at the moment of creation.
"""
from __future__ import annotations

import copy
import random
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from host.testing.sandbox import Traffic

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.sandbox import calc, documents

SEED = 20251113
SANDBOX_KEY = "sandbox-key"
OTHER_KEY = "other-key"
MAIN_ACCOUNT = 100001
ISSUED_TYPES = ("IssuedInvoice", "IssuedSimplifiedInvoice")
SETTABLE_STATES = tuple(api_facts.STATE_LABELS)
EPOCH = datetime(2025, 11, 13, 9, 45, 30, tzinfo=timezone.utc)


class Invalid(Exception):
    """A request B2BRouter would refuse with 422; ``messages`` are its full messages."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass
class Knobs:
    """Fault injection. ``failures`` is a queue with one entry per coming API
    request: ``"pass"`` (answer normally), an HTTP status such as ``"500"`` or
    ``"429"``, ``"malformed"`` (a 200 HTML page instead of JSON), or ``"timeout"``, which sleeps ``timeout_seconds`` and then
    carries the request out, like a server that finishes after the client gave up.
    Latency, rate limits and the slow create are in :attr:`Store.traffic`."""

    failures: list[str] = field(default_factory=list)
    fail_after_create: int = 0
    timeout_seconds: float = 3.0
    retry_after: int = 1

    def as_json(self) -> dict:
        return {"failures": list(self.failures), "fail_after_create": self.fail_after_create,
                "timeout_seconds": self.timeout_seconds, "retry_after": self.retry_after}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _decimal(value, what: str, problems: list[str]) -> Decimal | None:
    try:
        number = Decimal(str(value))
        if number.is_finite():
            return number
    except (InvalidOperation, TypeError):
        pass
    problems.append(f"{what} is not a number")
    return None


def _date(value, what: str, problems: list[str], required=True) -> str | None:
    if value in (None, ""):
        if required:
            problems.append(f"{what} can't be blank")
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        problems.append(f"{what} is invalid")
        return None


class Store:
    """All sandbox state behind one lock. ``traffic`` (latency, rate limit,
    counters) keeps its own lock and its defaults across :meth:`reset`."""

    def __init__(self, seed: int = SEED, traffic: Traffic | None = None):
        self.lock = threading.RLock()
        self.traffic = traffic or Traffic()
        self.reset(seed)

    def reset(self, seed: int = SEED) -> None:
        with self.lock:
            self.traffic.reset()
            self.knobs = Knobs()
            self.requests: list[dict] = []
            self.accounts: dict[int, dict] = {}
            self.contacts: dict[int, dict] = {}
            self.invoices: dict[int, dict] = {}
            self.keys: dict[str, list[int]] = {SANDBOX_KEY: [100001, 100002], OTHER_KEY: [100003]}
            self._next = {"contact": 5000001, "invoice": 9000001, "line": 1}
            self._seed(random.Random(seed))

    # --- persistence ---------------------------------------------------------------

    DATA_KEYS = ("accounts", "contacts", "invoices", "keys")

    def snapshot(self) -> dict:
        """The data a restarted sandbox needs (JSON keys are strings; :meth:`restore` turns IDs back)."""
        with self.lock:
            return copy.deepcopy({"next": self._next, **{name: getattr(self, name) for name in self.DATA_KEYS}})

    def restore(self, data: dict) -> None:
        with self.lock:
            self._next = dict(data["next"])
            for name in ("accounts", "contacts", "invoices"):
                setattr(self, name, {int(k): v for k, v in data[name].items()})
            self.keys = dict(data["keys"])

    # --- seed ----------------------------------------------------------------------

    def _seed(self, rng: random.Random) -> None:
        for account_id, name, tin, country in (
            (100001, "Lingua Demo SL", "ESB12345678", "es"),
            (100002, "Lingua Demo France SAS", "FR40123456789", "fr"),
            (100003, "Other Company SL", "ESB87654321", "es"),
        ):
            self.accounts[account_id] = {
                "id": account_id, "tin_value": tin, "tin_scheme": "9920", "cin_value": None, "cin_scheme": None,
                "name": name, "address": "Carrer de Mallorca 1", "address2": None, "city": "Barcelona",
                "postalcode": "08008", "province": "Barcelona", "country": country, "currency": "EUR",
                "contact_person": None, "phone": None, "email": "billing@example.test",
                "rounding_method": "half_up", "round_before_sum": False, "apply_taxes_per_line": True,
                "registered_for_empl_tax": False, "transport_type_code": None, "document_type_code": None,
                "has_logo": False, "archived": False, "parent_id": None,
                "created_at": _stamp(EPOCH), "updated_at": _stamp(EPOCH),
                "transactions_count": 0, "transactions_count_previous_period": 0, "transactions_limit": 100,
            }
        contacts = [
            self.add_contact(MAIN_ACCOUNT, {"name": name, "email": email, "tin_value": tin, "tin_scheme": scheme,
                                            "country": country, "integration_code": code})
            for code, name, email, tin, scheme, country in (
                ("SBX-ACME", "Acme Iberia SL", "ap@acme.test", "ESB11111111", "9920", "es"),
                ("SBX-GLOBEX", "Globex GmbH", "invoices@globex.test", "DE123456789", "9930", "de"),
                ("SBX-INITECH", "Initech SARL", "compta@initech.test", "FR12345678901", "9957", "fr"),
            )
        ]
        states = [("sent", {}), ("accepted", {}), ("new", {}), ("paid", {}),
                  ("error", {"errors": ["Peppol: the receiver is not registered in the Peppol network"]}),
                  ("refused", {"refuse_reason": "Purchase order number missing"}), ("closed", {})]
        day = date(2025, 9, 1)
        for index, (state, extra) in enumerate(states, start=1):
            lines = [{"description": rng.choice(["Translation EN>ES", "Proofreading", "DTP", "Interpreting"]),
                      "quantity": Decimal(rng.randint(1, 40)), "price": Decimal(rng.randint(500, 15000)) / 100,
                      "taxes_attributes": [{"name": "IVA", "category": "S", "percent": Decimal(21)}]}
                     for _ in range(rng.randint(1, 3))]
            invoice = self.create_invoice(MAIN_ACCOUNT, {
                "type": "IssuedInvoice", "number": f"SBX-2025-{index:04d}", "date": day.isoformat(),
                "due_date": (day + timedelta(days=30)).isoformat(), "currency": "EUR",
                "contact_id": contacts[index % len(contacts)]["id"], "invoice_lines_attributes": lines,
            }, now=EPOCH)
            invoice.update(state=state, **extra)
            day += timedelta(days=rng.randint(3, 12))

    # --- accounts ------------------------------------------------------------------

    def visible_accounts(self, key: str | None) -> list[int] | None:
        return self.keys.get(key) if key else None

    def update_account(self, account_id: int, changes: dict) -> dict:
        account = self.accounts[account_id]
        problems = []
        if "tin_value" in changes and changes["tin_value"] != account["tin_value"]:
            problems.append("Tin value cannot be changed")
        if "rounding_method" in changes and changes["rounding_method"] not in api_facts.ROUNDING_METHODS:
            problems.append("Rounding method is not included in the list")
        for flag in ("round_before_sum", "apply_taxes_per_line"):
            if flag in changes and not isinstance(changes[flag], bool):
                problems.append(f"{flag.replace('_', ' ').capitalize()} must be true or false")
        if problems:
            raise Invalid(problems)
        for name in ("name", "email", "address", "city", "postalcode", "province", "phone", *api_facts.CALCULATION_FIELDS):
            if name in changes:
                account[name] = changes[name]
        account["updated_at"] = _stamp(datetime.now(timezone.utc))
        return account

    # --- contacts ------------------------------------------------------------------

    def add_contact(self, account_id: int, data: dict) -> dict:
        problems = []
        if not (data.get("name") or "").strip():
            problems.append("Name can't be blank")
        if not (data.get("email") or "").strip():
            problems.append("Email can't be blank")
        if problems:
            raise Invalid(problems)
        contact_id = self._next["contact"]
        self._next["contact"] += 1
        contact = {
            "id": contact_id, "account_id": account_id, "name": data["name"], "email": data["email"],
            "tin_value": data.get("tin_value"), "tin_scheme": data.get("tin_scheme"),
            "country": (data.get("country") or "").lower() or None, "address": data.get("address"),
            "city": data.get("city"), "postalcode": data.get("postalcode"),
            "integration_code": data.get("integration_code"), "language": data.get("language", "en"),
            "is_client": data.get("is_client", True), "is_provider": data.get("is_provider", True),
            "transport_type_code": "email", "document_type_code": "pdf.invoice",
        }
        self.contacts[contact_id] = contact
        return contact

    @staticmethod
    def contact_json(contact: dict) -> dict:
        return {k: v for k, v in contact.items() if k != "account_id"}

    # --- invoices ------------------------------------------------------------------

    def create_invoice(self, account_id: int, data: dict, now: datetime | None = None) -> dict:
        """Validate ``data`` (the ``invoice`` object) like B2BRouter and store it; raises :class:`Invalid`."""
        account = self.accounts[account_id]
        problems: list[str] = []
        kind = data.get("type") or "IssuedInvoice"
        if kind not in ISSUED_TYPES:
            problems.append("Type is not included in the list")
        number = data.get("number")
        if number and any(i["account_id"] == account_id and i["type"] == kind and i["number"] == str(number)
                          for i in self.invoices.values()):
            problems.append("Number has already been taken")
        issue_date = _date(data.get("date"), "Date", problems)
        due_date = _date(data.get("due_date"), "Due date", problems, required=False)
        currency = data.get("currency") or account["currency"]
        if currency not in api_facts.SUPPORTED_CURRENCIES:
            problems.append("Currency is not supported")
        contact = self._invoice_contact(account_id, data, kind, problems)
        lines = self._lines(data.get("invoice_lines_attributes"), problems)
        allowances = self._allowances(data.get("allowance_charges_attributes"), "Allowance charges", problems)
        if problems:
            raise Invalid(problems)
        totals = calc.compute(lines, allowances, account)
        invoice_id = self._next["invoice"]
        self._next["invoice"] += 1
        stamp = _stamp(now or datetime.now(timezone.utc))
        invoice = {
            "id": invoice_id, "account_id": account_id, "type": kind,
            "number": str(number) if number else f"AUTO-{invoice_id}",
            "state": "new", "date": issue_date, "due_date": due_date, "currency": currency,
            "contact_id": contact["id"] if contact else None, "lines": lines, "allowances": allowances,
            "totals": totals, "extra_info": data.get("extra_info"),
            api_facts.PAYMENT_TERMS_FIELD: data.get(api_facts.PAYMENT_TERMS_FIELD),
            "errors": [], "refuse_reason": None,
            "created_at": stamp, "updated_at": stamp, "state_updated_at": stamp,
        }
        self.invoices[invoice_id] = invoice
        return invoice

    def _invoice_contact(self, account_id, data, kind, problems) -> dict | None:
        contact = None
        if data.get("contact_id") is not None:
            contact = self.contacts.get(_int(data["contact_id"]))
            if contact is None or contact["account_id"] != account_id:
                problems.append("Contact not found")
                return None
        elif isinstance(data.get("contact"), dict):
            inline = data["contact"]
            contact = next((c for c in self.contacts.values() if c["account_id"] == account_id and inline.get(
                "tin_value") and c["tin_value"] == inline.get("tin_value")), None)
            if contact is None:
                try:
                    contact = self.add_contact(account_id, inline)
                except Invalid as error:
                    problems.extend(f"Contact {m[0].lower()}{m[1:]}" for m in error.messages)
                    return None
        else:
            problems.append("Contact can't be blank")
            return None
        if kind == "IssuedInvoice" and not contact.get("tin_value"):
            problems.append("Contact tin value can't be blank for an IssuedInvoice")
        return contact

    def _lines(self, raw, problems) -> list[dict]:
        if not isinstance(raw, list) or not raw:
            problems.append("Invoice lines can't be blank")
            return []
        lines = []
        for position, line in enumerate(raw, start=1):
            what = f"Invoice line {position}"
            if not isinstance(line, dict):
                problems.append(f"{what} is invalid")
                continue
            if not (line.get("description") or "").strip():
                problems.append(f"{what} description can't be blank")
            quantity = _decimal(line.get("quantity"), f"{what} quantity", problems)
            price = _decimal(line.get("price"), f"{what} price", problems)
            base_quantity = _decimal(line.get("base_quantity", 1), f"{what} base quantity", problems)
            taxes = []
            for tax in line.get("taxes_attributes") or ():
                percent = _decimal(tax.get("percent"), f"{what} tax percent", problems)
                if tax.get("category") not in api_facts.TAX_CATEGORIES:
                    problems.append(f"{what} tax category is not included in the list")
                taxes.append({"name": tax.get("name") or "VAT", "category": tax.get("category"), "percent": percent})
            if not taxes:
                problems.append(f"{what} taxes can't be blank")
            lines.append({
                "id": self._line_id(), "position": position, "description": line.get("description"),
                "quantity": quantity, "price": price, "base_quantity": base_quantity or Decimal(1),
                "taxes_attributes": taxes,
                "allowance_charges_attributes": self._allowances(line.get("allowance_charges_attributes"),
                                                                 f"{what} allowance charges", problems),
            })
        return lines

    def _line_id(self) -> int:
        self._next["line"] += 1
        return self._next["line"] - 1

    @staticmethod
    def _allowances(raw, what, problems) -> list[dict]:
        entries = []
        for entry in raw or ():
            if not isinstance(entry, dict) or entry.get("allowance_charge_indicator") not in ("allowance", "charge"):
                problems.append(f"{what} indicator is not included in the list")
                continue
            if entry.get("percentage") is None and entry.get("amount") is None:
                problems.append(f"{what} need a percentage or an amount")
                continue
            key = "percentage" if entry.get("percentage") is not None else "amount"
            kept = {"allowance_charge_indicator": entry["allowance_charge_indicator"],
                    key: _decimal(entry[key], f"{what} {key}", problems) or Decimal(0)}
            if entry.get(api_facts.ALLOWANCE_CHARGE_REASON_FIELD):
                kept[api_facts.ALLOWANCE_CHARGE_REASON_FIELD] = str(entry[api_facts.ALLOWANCE_CHARGE_REASON_FIELD])
            if api_facts.CHARGE_TAXED_FIELD in entry:
                if not isinstance(entry[api_facts.CHARGE_TAXED_FIELD], bool):
                    problems.append(f"{what} apply taxes must be true or false")
                kept[api_facts.CHARGE_TAXED_FIELD] = entry[api_facts.CHARGE_TAXED_FIELD] is not False
            entries.append(kept)
        return entries

    def set_state(self, invoice: dict, state: str, errors=None, refuse_reason=None) -> dict:
        if state not in SETTABLE_STATES:
            raise Invalid([f"State {state} is not included in the list"])
        invoice.update(state=state, errors=list(errors or []), refuse_reason=refuse_reason)
        invoice["state_updated_at"] = invoice["updated_at"] = _stamp(datetime.now(timezone.utc))
        return invoice

    def invoice_json(self, invoice: dict, include_lines: bool = False) -> dict:
        account = self.accounts[invoice["account_id"]]
        contact = self.contacts.get(invoice["contact_id"]) or {}
        totals = invoice["totals"]
        data = {
            "id": invoice["id"], "type": invoice["type"], "number": invoice["number"], "series_code": None,
            "state": invoice["state"],
            "account": {"id": account["id"], "name": account["name"]},
            "company": {"id": account["id"], "name": account["name"], "tin_value": account["tin_value"],
                        "country": account["country"]},
            "contact": {"id": contact.get("id"), "name": contact.get("name"), "email": contact.get("email")},
            "date": invoice["date"], "due_date": invoice["due_date"],
            "subtotal": totals["subtotal"], "total": totals["total"], "currency": invoice["currency"],
            "payable_amount": totals["total"],
            "taxes": [dict(t) for t in totals["taxes"]],
            "extra_info": invoice["extra_info"],
            api_facts.PAYMENT_TERMS_FIELD: invoice[api_facts.PAYMENT_TERMS_FIELD],
            "created_at": invoice["created_at"], "updated_at": invoice["updated_at"],
            "state_updated_at": invoice["state_updated_at"],
        }
        data.update(documents.extra_json(invoice))  # payment means, credit-note fields, paid date
        if invoice["state"] == "error":
            data[api_facts.ERRORS_FIELD] = list(invoice["errors"])
        if invoice["state"] == "refused":
            data[api_facts.REFUSE_REASON_FIELD] = invoice["refuse_reason"]
        if include_lines:
            data["lines"] = [{
                "id": line["id"], "position": line["position"], "description": line["description"],
                "quantity": line["quantity"], "price": line["price"], "extension_amount": net,
                "taxes": line["taxes_attributes"],
            } for line, net in zip(invoice["lines"], totals["nets"])]
        return data


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
