"""The host's provider contract suite, against the in-process sandbox."""
import uuid

import pytest

from host.testing.contract import ProviderContract


class TestQuickBooksContract(ProviderContract):
    provider_key = "quickbooks"
    bad_settings = {"client_secret": "short"}  # refused by the local format check (nothing is sent to Intuit)

    @pytest.fixture
    def config(self, sandbox):
        return sandbox.plugin_config()

    @pytest.fixture
    def context(self, connected):
        return connected

    @pytest.fixture
    def invoice(self, us_invoice):
        return us_invoice(number=f"CT-{uuid.uuid4().hex[:8]}")
