"""Measure the host's hot paths and print the numbers against their targets.

    .venv/bin/python benchmarks/bench_host.py

- totals of a 1,000-line invoice (target: under 50 ms);
- the invoice page with two enabled providers and 50 history rows, served
  by the real app on SQLite (target: median under 100 ms), and the peak
  Python memory of rendering it (target: under 20 MiB);
- the first page of the invoice list among 2,000 invoices of 3 lines
  (target: median under 150 ms).
"""
from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from decimal import Decimal

from host.api import CalculationSettings, TaxData
from host.money import AdjustmentInput, LineInput, compute_totals


def bench_totals() -> float:
    taxes = (TaxData("IVA 21%", Decimal(21), "S"), TaxData("IRPF -15%", Decimal(-15), "AA"))
    lines = [LineInput(Decimal(i % 97 + 1), Decimal("0.1234"), Decimal(i % 5), taxes) for i in range(1000)]
    settings = CalculationSettings("bankers", True, True)
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        compute_totals(lines, (AdjustmentInput("allowance", "Discount", percent=Decimal("2.5")),), (), settings, "EUR")
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def bench_invoice_page():
    from host.testing.app import make_app
    from host.plugins import new_registry
    from host.testing.reference_provider import GOOD_KEY, ReferenceProvider

    folder = tempfile.mkdtemp()
    registry = new_registry()
    registry.register("reference", ReferenceProvider())
    registry.register("second", ReferenceProvider("Second"))
    app = make_app(f"sqlite:///{folder}/bench.sqlite", folder, registry, WTF_CSRF_ENABLED=False)
    with app.app_context():
        from host.demo import load_demo

        load_demo()
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    for key in ("reference", "second"):
        client.post(f"/settings/integrations/{key}", data={"api_key": GOOD_KEY, "account": "A"})
        client.post(f"/settings/integrations/{key}/enable")
    for _ in range(25):
        client.post("/invoices/1/integrations/reference/create")
        client.post("/invoices/1/integrations/reference/unlink")
    client.get("/invoices/1")  # warm the template cache
    runs = []
    for _ in range(50):
        started = time.perf_counter()
        assert client.get("/invoices/1").status_code == 200
        runs.append(time.perf_counter() - started)
    tracemalloc.start()
    client.get("/invoices/1")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(runs) * 1000, peak / 2**20, app, client


def bench_invoice_list(app, client) -> float:
    from datetime import date, timedelta

    from host.extensions import db
    from host.models import Client, Invoice, InvoiceLine, Tax

    with app.app_context():
        acme = db.session.execute(db.select(Client).filter_by(code="ACME-DE")).scalar_one()
        vat = db.session.execute(db.select(Tax).filter_by(name="VAT 19%")).scalar_one()
        for n in range(2000):
            invoice = Invoice(number=f"BENCH-{n:05d}", client=acme, currency="EUR", status="issued",
                              issue_date=date(2025, 1, 1) + timedelta(days=n % 365), due_date=date(2026, 1, 1))
            invoice.lines = [InvoiceLine(position=i, description="Line", quantity=Decimal(i + 1),
                                         unit_price=Decimal("9.99"), taxes=[vat]) for i in range(3)]
            db.session.add(invoice)
        db.session.commit()
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        assert client.get("/invoices").status_code == 200
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def main() -> None:
    totals_ms = bench_totals()
    page_ms, page_mib, app, client = bench_invoice_page()
    list_ms = bench_invoice_list(app, client)
    rows = [
        ("totals, 1,000 lines (median)", totals_ms, "ms", 50),
        ("invoice page, 2 providers, 50 events (median)", page_ms, "ms", 100),
        ("invoice page peak Python memory", page_mib, "MiB", 20),
        ("invoice list page 1 of 2,000 invoices (median)", list_ms, "ms", 150),
    ]
    for name, value, unit, target in rows:
        verdict = "ok" if value <= target else "OVER TARGET"
        print(f"{name:50s} {value:8.2f} {unit:3s}  target <= {target} {unit}  {verdict}")


if __name__ == "__main__":
    main()
