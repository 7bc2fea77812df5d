"""Look-ups of what must exist in QuickBooks, cached per company for a short time.

Pushing many invoices would otherwise repeat the same customer, item, term and
tax queries. Only what was found is cached: a customer, item, term or tax
that was missing is looked up again on the next try, so one just added in
QuickBooks is found at once. Entries live ``TTL`` seconds; ``forget(realm)`` drops a company's
entries (after connecting, so a fix made in QuickBooks shows up at once).
Queries include inactive records (``Active IN (true, false)``) so that an
inactive match can be reported as such instead of "missing".
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from erp_host_quickbooks.query import select

TTL = 120.0  # seconds

_MISSING = object()


class TTLCache:
    def __init__(self, ttl: float = TTL, clock=time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._data: dict[tuple, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry[0] < self._clock():
                return _MISSING
            return entry[1]

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = (self._clock() + self.ttl, value)

    def forget(self, realm: str | None = None) -> None:
        with self._lock:
            for key in [k for k in self._data if realm is None or k[0] == realm]:
                del self._data[key]


CACHE = TTLCache()


@dataclass(frozen=True)
class CompanySettings:
    name: str
    country: str
    home_currency: str
    multicurrency: bool
    custom_numbers: bool
    using_sales_tax: bool
    automated_sales_tax: bool


def _settings(info: dict, prefs: dict) -> CompanySettings:
    currency = prefs.get("CurrencyPrefs") or {}
    tax = prefs.get("TaxPrefs") or {}
    return CompanySettings(
        name=info.get("CompanyName") or info.get("LegalName") or "",
        country=info.get("Country") or (info.get("CompanyAddr") or {}).get("Country") or "",
        home_currency=(currency.get("HomeCurrency") or {}).get("value") or "USD",
        multicurrency=bool(currency.get("MultiCurrencyEnabled")),
        custom_numbers=bool((prefs.get("SalesFormsPrefs") or {}).get("CustomTxnNumbers")),
        using_sales_tax=bool(tax.get("UsingSalesTax")),
        automated_sales_tax=bool(tax.get("PartnerTaxEnabled")),
    )


class Lookups:
    def __init__(self, client, cache: TTLCache = CACHE):
        self.client = client
        self.cache = cache

    def _cached(self, kind: str, key, fetch):
        full_key = (self.client.realm_id, kind, key)
        value = self.cache.get(full_key)
        if value is _MISSING:
            value = fetch()
            if value is not None:  # "not found" is never cached
                self.cache.put(full_key, value)
        return value

    def settings(self) -> CompanySettings:
        return self._cached(
            "settings", None, lambda: _settings(self.client.company_info(), self.client.preferences())
        )

    def _by_name(self, entity: str, field: str, name: str) -> dict | None:
        """The record whose ``field`` equals ``name`` exactly (QuickBooks may compare case-insensitively)."""
        rows = self.client.query(
            select(entity, [("Active", "IN", (True, False)), (field, "=", name)], max_results=10)
        ).get(entity, [])
        exact = [row for row in rows if row.get(field) == name]
        exact.sort(key=lambda row: not row.get("Active", True))  # prefer the active one
        return exact[0] if exact else None

    def customer(self, display_name: str) -> dict | None:
        return self._cached("customer", display_name, lambda: self._by_name("Customer", "DisplayName", display_name))

    def items(self, names: list[str]) -> dict[str, dict | None]:
        """Items by name, one query for all those not cached. A name with ``:``
        is a sub-item's full name (``Parent:Child``)."""
        found = {}
        wanted = []
        for name in dict.fromkeys(names):
            value = self.cache.get((self.client.realm_id, "item", name))
            if value is _MISSING:
                wanted.append(name)
            else:
                found[name] = value
        if wanted:
            rows = []
            for field in ("Name", "FullyQualifiedName"):
                group = [n for n in wanted if (":" in n) == (field == "FullyQualifiedName")]
                if group:
                    rows += self.client.query(
                        select("Item", [("Active", "IN", (True, False)), (field, "IN", group)], max_results=1000)
                    ).get("Item", [])
            for name in wanted:
                field = "FullyQualifiedName" if ":" in name else "Name"
                matches = sorted((r for r in rows if r.get(field) == name), key=lambda r: not r.get("Active", True))
                found[name] = matches[0] if matches else None
                if found[name] is not None:
                    self.cache.put((self.client.realm_id, "item", name), found[name])
        return found

    def term(self, name: str) -> dict | None:
        return self._cached("term", name, lambda: self._by_name("Term", "Name", name))

    def tax_code(self, name: str) -> dict | None:
        return self._cached("taxcode", name, lambda: self._by_name("TaxCode", "Name", name))

    def tax_code_rates(self, tax_code: dict) -> list[tuple[str, Decimal]]:
        """The component rates of a US tax code (a group has several): ``(name, percent)`` each."""

        def fetch():
            rates = []
            for detail in (tax_code.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []:
                rate = self.client.read("TaxRate", detail["TaxRateRef"]["value"])
                rates.append((rate.get("Name") or detail["TaxRateRef"]["value"], Decimal(str(rate.get("RateValue") or 0))))
            return rates

        return self._cached("taxrates", tax_code.get("Id"), fetch)

    def tax_code_percent(self, tax_code: dict) -> Decimal:
        """The sales tax percent of a US tax code: the sum of its rates."""
        return sum((percent for _, percent in self.tax_code_rates(tax_code)), Decimal(0))
