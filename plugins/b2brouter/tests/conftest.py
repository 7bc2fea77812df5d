"""Fixtures for the B2BRouter plugin tests: a live in-process sandbox and host invoices."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from host import AllowanceCharge, ClientData, InvoiceData, LineData, PaymentTermData, TaxData, TaxTotal
from host.testing.context import make_context

from erp_host_b2brouter.sandbox.testing import run_sandbox

VAT21 = TaxData(name="IVA", percent=Decimal(21), category="S")


@pytest.fixture(scope="session")
def _sandbox_server():
    with run_sandbox() as running:
        yield running


@pytest.fixture
def sandbox(_sandbox_server):
    """The running sandbox, back to its seed data and without knobs for each test."""
    _sandbox_server.store.reset()
    _sandbox_server.control("traffic", slow_create=0)
    return _sandbox_server


@pytest.fixture
def config(sandbox):
    return sandbox.config()


@pytest.fixture
def context():
    return make_context("b2brouter")


def client_data(**overrides) -> ClientData:
    values = dict(code="SBX-ACME", name="Acme Iberia SL", email="ap@acme.test", tax_id="ESB11111111",
                  tax_scheme="9920", country="ES", address="Gran Via 1", city="Madrid", postal_code="28013")
    values.update(overrides)
    return ClientData(**values)


def line(description="Translation EN>ES", quantity="3", price="33.33", discount="0", taxes=(VAT21,), net=None):
    quantity, price, discount = Decimal(quantity), Decimal(price), Decimal(discount)
    if net is None:
        net = (quantity * price * (1 - discount / 100)).quantize(Decimal("0.01"))
    return LineData(service=None, description=description, quantity=quantity, unit_price=price,
                    discount_percent=discount, taxes=tuple(taxes), net=Decimal(net))


def invoice_data(number="INV-2025-0100", lines=None, client=None, **overrides) -> InvoiceData:
    """A host invoice; totals are computed here the simple way: half up, taxes rounded once per
    rate, an invoice discount spread as haltr does (rate nets less their rounded share)."""
    cent = Decimal("0.01")
    lines = tuple(lines if lines is not None else (line(), line("Proofreading", "2", "12.345")))
    discount = Decimal(overrides.pop("discount_percent", "0"))
    subtotal = sum((l.net for l in lines), Decimal(0))
    discount_amount = (subtotal * discount / 100).quantize(cent)
    rate_nets: dict[TaxData, Decimal] = {}
    for l in lines:
        for tax in (t for t in l.taxes if t.percent is not None):
            rate_nets[tax] = rate_nets.get(tax, Decimal(0)) + l.net
    bases = {tax: n - (n * discount_amount / subtotal).quantize(cent) if subtotal else n for tax, n in rate_nets.items()}
    tax_totals = tuple(TaxTotal(tax, b, (b * tax.percent / 100).quantize(cent)) for tax, b in bases.items())
    allowances = (AllowanceCharge("allowance", "Discount", discount_amount, discount),) if discount else ()
    values = dict(
        id=1, number=number, status="issued", issue_date=date(2025, 11, 20), due_date=date(2025, 12, 20),
        currency="EUR", client=client or client_data(), lines=lines, payment_term=PaymentTermData("30 days", 30),
        subtotal=subtotal, allowance_charges=allowances, tax_exclusive_total=subtotal - discount_amount,
        tax_totals=tax_totals, total=subtotal - discount_amount + sum((t.amount for t in tax_totals), Decimal(0)),
        notes="",
    )
    values.update(overrides)
    return InvoiceData(**values)


@pytest.fixture
def make_invoice():
    return invoice_data


@pytest.fixture
def make_line():
    return line


@pytest.fixture
def make_client():
    return client_data
