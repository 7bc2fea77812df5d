"""The host's provider contract suite, run against the B2BRouter sandbox."""
from __future__ import annotations

import uuid

import pytest
from host.testing import sample_invoice
from host.testing.contract import ProviderContract


class TestB2BRouterContract(ProviderContract):
    provider_key = "b2brouter"
    bad_settings = {"api_key": "wrong-sandbox-key"}

    @pytest.fixture
    def invoice(self):
        return sample_invoice(number=f"CT-{uuid.uuid4().hex[:8]}")

    def test_sample_invoice_totals_match_the_sandbox(self, call, invoice):
        """The host and the seeded account compute alike, so B2BRouter's total is the host's."""
        result = self.create(call, invoice)
        assert result.remote.total == invoice.total
