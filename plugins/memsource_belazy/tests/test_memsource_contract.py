"""The host's contract suite: a provider with no invoice hooks is handled as such."""
import pytest
from host.testing import sample_invoice
from host.testing.contract import ProviderContract

from erp_host_memsource_belazy.sandbox.testing import running_sandbox


@pytest.fixture
def sandbox():
    with running_sandbox() as running:
        yield running


class TestMemsourceBelazyContract(ProviderContract):
    provider_key = "memsource_belazy"

    @pytest.fixture
    def config(self, sandbox):
        return {"contact_email": "pm@lingua.example", "phrase_base_url": sandbox.base_url, "phrase_api_token": sandbox.token}

    @pytest.fixture
    def bad_config(self, sandbox):
        return {"contact_email": "pm@lingua.example", "phrase_base_url": sandbox.base_url, "phrase_api_token": "expired-token-0000"}

    @pytest.fixture
    def invoice(self):
        return sample_invoice()
