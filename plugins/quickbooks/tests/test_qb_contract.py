"""The host's provider contract suite, against the in-process sandbox."""
import uuid

import pytest

from host.testing.contract import ProviderContract


class TestQuickBooksContract(ProviderContract):
    provider_key = "quickbooks"

    @pytest.fixture
    def plugin(self):
        import erp_host_quickbooks

        return erp_host_quickbooks

    @pytest.fixture
    def config(self, sandbox):
        return sandbox.plugin_config()

    @pytest.fixture
    def bad_config(self, sandbox):
        return sandbox.plugin_config(client_secret="wrong-client-secret")

    @pytest.fixture
    def context(self, connected):
        return connected

    @pytest.fixture
    def invoice(self, us_invoice):
        return us_invoice(number=f"CT-{uuid.uuid4().hex[:8]}")
