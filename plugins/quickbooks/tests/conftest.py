"""Fixtures for the QuickBooks plugin tests: an in-process sandbox, a
config pointing at it and a context connected through its OAuth flow."""
from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

import erp_host_quickbooks as plugin_module
from erp_host_quickbooks import client as client_module
from erp_host_quickbooks.lookups import CACHE
from erp_host_quickbooks.sandbox.testing import connect, start_sandbox
from host import TaxData
from host.testing import make_context, sample_invoice, sample_line

CALIFORNIA = TaxData(name="California", percent=Decimal(8), category="S")
AMY = "Amy's Bird Sanctuary"


@pytest.fixture(scope="session")
def running_sandbox():
    sandbox = start_sandbox()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(running_sandbox, monkeypatch):
    """The sandbox, reset to its seed, with the client's cache emptied and fast backoff."""
    running_sandbox.store.reset()
    CACHE.forget()
    monkeypatch.setattr(client_module, "BACKOFF_BASE", 0.01)
    return running_sandbox


@pytest.fixture
def plugin():
    return plugin_module


@pytest.fixture
def config(sandbox):
    return sandbox.plugin_config()


@pytest.fixture
def connected(plugin, config):
    """A context connected to the sandbox company through the consent page."""
    context = make_context("quickbooks")
    result = connect(plugin, config, context)
    assert result.ok, result.messages
    return context


def build_us_invoice(number=None, client_name=AMY, lines=None, **overrides):
    """An invoice whose customer, service, term and tax exist in the sandbox."""
    lines = lines if lines is not None else [
        sample_line(description="Bird watching tour", quantity="2", unit_price="50.00", taxes=(CALIFORNIA,),
                    service="Hours"),
    ]
    overrides.setdefault("currency", "USD")
    return sample_invoice(number=number or f"T-{uuid.uuid4().hex[:8]}", lines=lines, name=client_name, **overrides)


@pytest.fixture
def us_invoice():
    """``us_invoice(number=None, client_name=AMY, lines=None, **sample_invoice_overrides)``."""
    return build_us_invoice
