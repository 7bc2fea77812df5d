"""The contract suite against the host's reference provider (its reference run)."""
import uuid

import pytest

from host.testing import sample_invoice
from host.testing.contract import ProviderContract
from host.testing.reference_provider import GOOD_KEY, ReferenceProvider


class TestReferenceProviderContract(ProviderContract):
    provider_key = "reference"

    @pytest.fixture
    def plugin(self):
        return ReferenceProvider()

    @pytest.fixture
    def config(self):
        return {"api_key": GOOD_KEY, "account": "A-1", "send_copy": False}

    @pytest.fixture
    def bad_config(self):
        return {"api_key": "a-wrong-key-123", "account": "A-1", "send_copy": False}

    @pytest.fixture
    def invoice(self):
        return sample_invoice(number=f"CT-{uuid.uuid4().hex[:8]}")
