"""The invoice page against a bare Flask page, statements per page, and cold start.

    .venv/bin/python benchmarks/bench_pages.py [--rounds 10]

- The invoice page (two enabled providers, 50 history rows, logged in,
  SQLite) and a bare Flask page of similar size (one Jinja template, no
  database, no login), both through werkzeug's test client, alternated in
  batches: median and p99 latency of each and the ratio of the medians
  (target: <= 1.5), and the ratio of CPU time per request, which a busy
  machine disturbs less.
- SQL statements per invoice page at 3 and at 100 lines (target: equal).
- ``erp-host plugins`` against ``flask --version``: whole processes,
  alternated, median wall time and peak RSS of each, ratio of the medians
  (target: <= 1.5); also ``python -c "import flask, sqlalchemy.orm"``, the
  floor for a command that reads the database.

The machine is shared and noisy: compare the ratios, not the absolute times.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path


BATCH = 20  # requests per batch; batches of the two apps alternate
BIN = Path(sys.executable).parent

BARE_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title><link rel="stylesheet" href="/static/style.css"></head>
<body><header class="topbar"><a class="brand" href="/">erp-host</a><nav>{% for link in links %}<a href="{{ link }}">{{ link }}</a>{% endfor %}</nav></header>
<main><h1>{{ title }}</h1>
<table class="events"><thead><tr><th>When</th><th>Who</th><th>Integration</th><th>Action</th><th>Outcome</th><th>Message</th><th>Request ID</th></tr></thead>
<tbody>{% for row in rows %}<tr class="event outcome-{{ row.outcome }}"><td>{{ row.when.strftime("%Y-%m-%d %H:%M:%S") }}</td><td>{{ row.who }}</td><td>{{ row.provider }}</td>
<td>{{ row.action }}</td><td><span class="badge">{{ row.outcome }}</span></td><td>{{ row.message }}</td><td>{{ row.request_id }}</td></tr>
{% endfor %}</tbody></table></main></body></html>"""


def bare_rows(rows: int) -> list[dict]:
    from datetime import datetime

    return [
        {"when": datetime(2026, 1, 1, 12, 0, i % 60), "who": "admin", "provider": "reference", "action": "create",
         "outcome": "ok", "message": f"Reference invoice R-{1000 + i} created.", "request_id": f"req-{i:06d}"}
        for i in range(rows)
    ]


def add_bare_page(app, rows: int) -> None:
    """``/page`` on ``app``: the bare template with ``rows`` rows."""
    from flask import render_template
    from jinja2 import ChoiceLoader, DictLoader

    app.jinja_loader = ChoiceLoader([DictLoader({"bench/page.html": BARE_TEMPLATE}), *filter(None, [app.jinja_loader])])
    data, links = bare_rows(rows), [f"/section-{i}" for i in range(8)]
    app.add_url_rule("/page", "bare_page", lambda: render_template(
        "bench/page.html", title="Invoice INV-2026-0001", rows=data, links=links))


def bare_app(rows: int):
    """A Flask app with one page: a table of ``rows`` history-like rows."""
    from flask import Flask

    app = Flask("bare")
    add_bare_page(app, rows)
    return app


def host_app(folder: str, bare_rows_count: int = 0):
    """The host on SQLite: demo data, two enabled providers, 50 history rows on
    invoice 1, and invoices of 3 and 100 lines; with ``bare_rows_count``, also the
    bare page at ``/page`` behind the host's login. Returns (app, logged-in client, ids)."""
    from host.demo import load_demo
    from host.extensions import db
    from host.models import Client, Invoice, InvoiceLine, Service, Tax
    from host.plugins import new_registry
    from host.testing.app import make_app
    from host.testing.reference_provider import GOOD_KEY, ReferenceProvider

    registry = new_registry()
    registry.register("reference", ReferenceProvider())
    registry.register("second", ReferenceProvider("Second"))
    app = make_app(f"sqlite:///{folder}/bench.sqlite", folder, registry, WTF_CSRF_ENABLED=False)
    if bare_rows_count:
        add_bare_page(app, bare_rows_count)
    ids = {}
    with app.app_context():
        load_demo()
        client_row = db.session.execute(db.select(Client).filter_by(code="ACME-DE")).scalar_one()
        service = db.session.execute(db.select(Service).filter_by(name="Translation")).scalar_one()
        taxes = db.session.execute(db.select(Tax).limit(2)).scalars().all()
        for count in (3, 100):
            invoice = Invoice(number=f"LINES-{count}", client=client_row, currency="EUR", status="issued",
                              issue_date=date(2026, 1, 1), due_date=date(2026, 2, 1), taxes=taxes)
            invoice.lines = [InvoiceLine(position=i, service=service, description=f"Line {i}", quantity=Decimal(i + 1),
                                         unit_price=Decimal("9.99"), taxes=taxes) for i in range(count)]
            db.session.add(invoice)
            db.session.flush()
            ids[count] = invoice.id
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    for key in ("reference", "second"):
        client.post(f"/settings/integrations/{key}", data={"api_key": GOOD_KEY, "account": "A"})
        client.post(f"/settings/integrations/{key}/enable")
    for _ in range(25):
        client.post("/invoices/1/integrations/reference/create")
        client.post("/invoices/1/integrations/reference/unlink")
    return app, client, ids


def statements_per_page(app, client, path: str) -> int:
    from host.extensions import db
    from host.testing.statements import count_statements

    with app.app_context():
        engine = db.engine
    client.get(path)  # warm caches, as every later request finds them
    with count_statements(engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def timed(client, path: str, runs: int, cpu: list[float] | None = None) -> list[float]:
    """Wall seconds of each request; appends the batch's CPU seconds per request to ``cpu``."""
    times = []
    started_cpu = time.process_time()
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    if cpu is not None:
        cpu.append((time.process_time() - started_cpu) / runs)
    return times


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def bench_page(rounds: int) -> None:
    host_size = len(host_app(tempfile.mkdtemp())[1].get("/invoices/1").data)
    one, two = (len(bare_app(n).test_client().get("/page").data) for n in (1, 2))
    rows = max(1, round((host_size - one) / (two - one)) + 1)
    app, client, ids = host_app(tempfile.mkdtemp(), rows)
    bare = bare_app(rows).test_client()
    bare_size = len(bare.get("/page").data)
    timed(client, "/invoices/1", BATCH)
    timed(bare, "/page", BATCH)
    host_times, bare_times, floor_times, host_cpu, bare_cpu = [], [], [], [], []
    for _ in range(rounds):
        host_times += timed(client, "/invoices/1", BATCH, host_cpu)
        bare_times += timed(bare, "/page", BATCH, bare_cpu)
        floor_times += timed(client, "/page", BATCH)
    host_median, bare_median = statistics.median(host_times), statistics.median(bare_times)
    for name, size, times, cpu in (("invoice page", host_size, host_times, host_cpu), ("bare Flask page", bare_size, bare_times, bare_cpu)):
        print(f"{name} ({size:,} bytes): median {statistics.median(times) * 1000:6.2f} ms  p99 {p99(times) * 1000:6.2f} ms  "
              f"CPU {statistics.median(cpu) * 1000:6.2f} ms/request")
    _verdict("invoice page / bare page (medians)", host_median / bare_median, 1.5)
    print(f"{'(CPU per request, batch medians)':45s} {statistics.median(host_cpu) / statistics.median(bare_cpu):5.2f}x")
    print(f"{'(floor: bare page behind the host login / bare)':45s} {statistics.median(floor_times) / bare_median:5.2f}x"
          "  the host's per-request work: session, login, limits, headers")
    small, large = (statements_per_page(app, client, f"/invoices/{ids[n]}") for n in (3, 100))
    print(f"statements per invoice page: {small} at 3 lines, {large} at 100 lines  "
          f"target: equal  {'ok' if small == large else 'OVER TARGET'}")


def _run(argv: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def bench_cold_start(rounds: int) -> None:
    instance = tempfile.mkdtemp()
    env = {**os.environ, "ERP_HOST_INSTANCE": instance}
    subprocess.run([str(BIN / "erp-host"), "db", "upgrade"], env=env, check=True, capture_output=True)
    commands = {
        "erp-host plugins": [str(BIN / "erp-host"), "plugins"],
        "flask --version": [str(BIN / "flask"), "--version"],
        # the floor for any command that reads the database through the ORM
        "import flask, sqlalchemy.orm": [sys.executable, "-c", "import flask, sqlalchemy.orm"],
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():
            results[name].append(_run(argv, env))
    medians = {}
    for name, runs in results.items():
        medians[name] = statistics.median(t for t, _ in runs)
        print(f"{name:28s}: median {medians[name] * 1000:7.1f} ms, peak RSS {statistics.median(m for _, m in runs):5.1f} MiB")
    _verdict("erp-host plugins / flask --version (medians)", medians["erp-host plugins"] / medians["flask --version"], 1.5)
    print(f"{'(floor: import flask, sqlalchemy.orm / flask --version)':45s} "
          f"{medians['import flask, sqlalchemy.orm'] / medians['flask --version']:5.2f}x")


def _verdict(name: str, ratio: float, target: float) -> None:
    print(f"{name:45s} {ratio:5.2f}x  target <= {target}x  {'ok' if ratio <= target else 'OVER TARGET'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="alternated batches / process pairs (default 10)")
    args = parser.parse_args()
    bench_cold_start(args.rounds)  # first: a child's peak RSS starts from this process's size at fork
    bench_page(args.rounds)


if __name__ == "__main__":
    main()
