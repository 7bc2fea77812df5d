"""Bulk push through real worker processes against a provider's bundled sandbox.

    .venv/bin/python benchmarks/bench_bulk.py --provider quickbooks --invoices 500 --workers 2 [--kill-one]

Makes N invoices, starts the sandbox on loopback with 50 ms added to every
request and the provider's rate limit enforced (QuickBooks: 500 requests a
minute and 10 at once per company; B2BRouter: ``--limit`` a minute, the same
figure configured in the host), queues one bulk "Push to" run and lets W
``erp-host worker`` processes work it off. With ``--kill-one`` the first
worker is killed with SIGKILL when half the invoices are done and a new one
is started in its place.

The last line reads
``bulk: provider=P invoices=N workers=W seconds=S throughput=T% of limit 429s=K duplicates=D lost=L``:
S from the first job's start to the last job's end; T the sandbox's requests
per minute over S against the limit; K the sandbox's 429 answers; D remote
invoices made beyond one per number; L invoices not linked at the end.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

LATENCY = 0.05


@dataclass
class Target:
    limit_per_minute: int
    client_code: str
    currency: str
    tax: str
    start: Callable  # (limit) -> running sandbox with .url, .served, .config/plugin form values
    form: Callable  # (sandbox, limit) -> configure-form values


def _b2brouter_start(limit):
    from erp_host_b2brouter.sandbox.testing import run_sandbox

    manager = run_sandbox(latency=LATENCY, rate_limit=limit, rate_window=60)
    sandbox = manager.__enter__()
    sandbox.stop = lambda: manager.__exit__(None, None, None)
    return sandbox


def _b2brouter_form(sandbox, limit):
    from erp_host_b2brouter.sandbox import MAIN_ACCOUNT

    return {"api_key": "sandbox-key", "account_id": str(MAIN_ACCOUNT), "environment": "custom",
            "custom_base_url": sandbox.url, "requests_per_minute": str(limit)}


def _quickbooks_start(limit):
    from erp_host_quickbooks.sandbox.testing import start_sandbox

    return start_sandbox(latency=LATENCY, rate_limit=limit, rate_window=60, concurrency_limit=10)


def _quickbooks_form(sandbox, limit):
    return {key: str(value) for key, value in sandbox.config.items()}


TARGETS = {
    "b2brouter": Target(1200, "ACME-DE", "EUR", "VAT 19%", _b2brouter_start, _b2brouter_form),
    "quickbooks": Target(500, "AMY", "USD", "Sales tax 8%", _quickbooks_start, _quickbooks_form),
}


def make_invoices(count: int, target: Target) -> list[int]:
    from host.demo import load_demo
    from host.extensions import db
    from host.models import Client, Invoice, InvoiceLine, PaymentTerm, Service, Tax

    load_demo()
    client = db.session.execute(db.select(Client).filter_by(code=target.client_code)).scalar_one()
    service = db.session.execute(db.select(Service).filter_by(name="Translation")).scalar_one()
    tax = db.session.execute(db.select(Tax).filter_by(name=target.tax)).scalar_one()
    term = db.session.execute(db.select(PaymentTerm).filter_by(name="Net 30")).scalar_one()
    today = date.today()
    invoices = []
    for index in range(count):
        invoice = Invoice(number=f"BULK-{index + 1:05d}", client=client, currency=target.currency, status="issued",
                          issue_date=today, due_date=today + timedelta(days=30), payment_term=term)
        invoice.lines.append(InvoiceLine(position=0, service=service, description="Translation",
                                         quantity=Decimal(1000 + index), unit_price=Decimal("0.12"), taxes=[tax]))
        invoice.taxes = [tax]
        invoices.append(invoice)
    db.session.add_all(invoices)
    db.session.commit()
    return [invoice.id for invoice in invoices]


def enable(app, provider_key: str, form: dict) -> None:
    from host.integrations import admin
    from host.integrations.settings import registry

    provider = registry().get(provider_key)
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        result, errors = admin.configure(provider, form, "admin")
        assert result.ok and not errors, (result.messages, errors)
        if provider_key == "quickbooks":
            from erp_host_quickbooks.sandbox.testing import approve

            started = admin.run_action(provider, "connect", {}, "admin")
            connected = admin.callback(provider, approve(started.redirect_url), "admin")
            assert connected.ok, connected.messages
        enabled = admin.enable(provider, "admin")
        assert enabled.ok, enabled.messages


def start_run(provider_key: str, invoice_ids: list[int]) -> int:
    from host.extensions import db
    from host.jobs import bulk
    from host.models import Invoice

    invoices = db.session.execute(db.select(Invoice).where(Invoice.id.in_(invoice_ids))).scalars().all()
    return bulk.start(provider_key, "create", invoices, "bench").id


def progress(run_id: int):
    from host.extensions import db
    from host.jobs import bulk
    from host.models import BulkRun

    db.session.expire_all()
    return bulk.progress(db.session.get(BulkRun, run_id))


def run_window(run_id: int) -> float:
    from sqlalchemy import func

    from host.extensions import db
    from host.models import Job

    first, last = db.session.execute(
        db.select(func.min(Job.started_at), func.max(Job.finished_at)).where(Job.run_id == run_id)).one()
    return (last - first).total_seconds() if first and last else 0.0


def not_linked(invoice_ids: list[int], provider_key: str) -> int:
    from host.extensions import db
    from host.models import RemoteLink

    linked = db.session.execute(db.select(db.func.count(RemoteLink.id)).where(
        RemoteLink.invoice_id.in_(invoice_ids), RemoteLink.provider == provider_key,
        RemoteLink.status == "linked")).scalar()
    return len(invoice_ids) - linked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provider", choices=sorted(TARGETS), required=True)
    parser.add_argument("--invoices", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="erp-host worker processes")
    parser.add_argument("--threads", type=int, default=2, help="jobs at once in each worker")
    parser.add_argument("--kill-one", action="store_true", help="SIGKILL one worker halfway, then restart it")
    parser.add_argument("--limit", type=int, help="B2BRouter requests a minute (sandbox and host alike)")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    target = TARGETS[args.provider]
    limit = args.limit or target.limit_per_minute

    instance = tempfile.mkdtemp(prefix="bench-bulk-")
    os.environ.update(ERP_HOST_INSTANCE=instance, ERP_HOST_PLUGINS=args.provider)
    from host.app import create_app, init_migrations
    from host.jobs.worker import spawn_worker

    app = create_app({"PUBLIC_URL": "http://127.0.0.1:9"})
    init_migrations(app)
    sandbox = target.start(limit)
    workers = []
    try:
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            invoice_ids = make_invoices(args.invoices, target)
            enable(app, args.provider, target.form(sandbox, limit))
            sandbox.served.control("traffic/reset")
            run_id = start_run(args.provider, invoice_ids)
            logs = open(os.path.join(instance, "workers.log"), "ab")
            for index in range(args.workers):
                extra = ("--no-periodic",) if index else ()
                workers.append(spawn_worker(app, ("-w", str(args.threads), *extra), stdout=logs, stderr=logs))
            killed = False
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                state = progress(run_id)
                if state.finished:
                    break
                if args.kill_one and not killed and state.total - state.queued >= state.total // 2:
                    os.killpg(workers[0].pid, signal.SIGKILL)
                    workers[0].wait()
                    workers[0] = spawn_worker(app, ("-w", str(args.threads)), stdout=logs, stderr=logs)
                    killed = True
                    print(f"killed a worker with SIGKILL at {state.total - state.queued} of {state.total}; "
                          "started a new one", file=sys.stderr)
                time.sleep(0.5)
            seconds = run_window(run_id)
            lost = not_linked(invoice_ids, args.provider)
        traffic = sandbox.served.control("traffic", method="GET")
        created = sandbox.served.control("created", method="GET")
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            worker.wait(60)
        sandbox.stop()
    requests_made = traffic["counters"]["requests"]
    throttled = traffic["counters"]["throttled"]
    duplicates = sum(count - 1 for numbers in created["duplicates"].values() for count in numbers.values())
    throughput = 100 * requests_made / (seconds / 60) / limit if seconds else 0.0
    print(f"requests={requests_made} limit={limit}/min instance={instance}", file=sys.stderr)
    print(f"bulk: provider={args.provider} invoices={args.invoices} workers={args.workers} seconds={seconds:.1f} "
          f"throughput={throughput:.0f}% of limit 429s={throttled} duplicates={duplicates} lost={lost}")


if __name__ == "__main__":
    main()
