"""The contract suite's harness: the fixtures a plugin provides (``config``,
``bad_config``, ``invoice``, ``context``) or inherits, a registry with a decoy
provider that must never be called, and the helpers the tests share
(see :mod:`host.testing.contract`)."""
from __future__ import annotations

import importlib.metadata
import uuid

import pytest

from host.api import InvoiceData, LinkData, RemoteInvoice, Result
from host.plugins import GROUP, HookNotImplemented, new_registry
from host.testing.context import make_context
from host.testing.reference_provider import ReferenceProvider


class ContractHarness:
    """The fixtures a plugin's contract test provides or inherits, and the helpers the tests use."""

    provider_key: str = ""

    # -- fixtures the subclass provides -------------------------------------------

    @pytest.fixture
    def plugin(self):
        """The provider module registered as ``provider_key`` in the ``erp_host`` entry-point group."""
        found = importlib.metadata.entry_points(group=GROUP, name=self.provider_key)
        if not found:
            raise NotImplementedError(f"no {GROUP!r} entry point named {self.provider_key!r}: install the plugin, "
                                      "or define a `plugin` fixture returning your provider module")
        return next(iter(found)).load()

    #: Settings the sandbox rejects, laid over ``config`` by the default ``bad_config``.
    bad_settings: dict = {}

    @pytest.fixture
    def config(self, request):
        """``sandbox.config()`` when the plugin's tests have a ``sandbox`` fixture whose object has one."""
        try:
            sandbox = request.getfixturevalue("sandbox")
        except pytest.FixtureLookupError:
            sandbox = None
        if not callable(getattr(sandbox, "config", None)):
            raise NotImplementedError("define a `config` fixture: settings that work against your sandbox")
        return sandbox.config()

    @pytest.fixture
    def bad_config(self, config):
        if not self.bad_settings:
            raise NotImplementedError("set `bad_settings` or define a `bad_config` fixture: settings your sandbox rejects")
        return {**config, **self.bad_settings}

    @pytest.fixture
    def invoice(self) -> InvoiceData:
        raise NotImplementedError("define an `invoice` fixture: an InvoiceData your sandbox accepts")

    @pytest.fixture
    def context(self):
        return make_context(self.provider_key)

    # -- the harness ---------------------------------------------------------------

    @pytest.fixture
    def decoy(self):
        return ReferenceProvider(title="Decoy")

    @pytest.fixture
    def registry(self, plugin, decoy):
        registry = new_registry()
        registry.register(self.provider_key, plugin)
        registry.register("contract_decoy", decoy)
        assert registry.providers[self.provider_key].load_error is None, registry.providers[self.provider_key].load_error
        yield registry
        assert decoy.calls == [], f"hooks reached another provider: {decoy.calls}"

    @pytest.fixture
    def call(self, registry, config, context):
        def call(hook, config=config, **kwargs):
            return registry.call(self.provider_key, hook, config=config, context=context, **kwargs)

        return call

    def implements(self, registry, hook: str) -> bool:
        return registry.providers[self.provider_key].implements(hook)

    def assert_absent(self, call, hook: str, **kwargs) -> None:
        with pytest.raises(HookNotImplemented):
            call(hook, **kwargs)

    def create(self, call, invoice, attempt_id=None) -> Result:
        result = call("create_remote_invoice", invoice=invoice, attempt_id=attempt_id or uuid.uuid4().hex)
        assert isinstance(result, Result), f"create_remote_invoice returned {type(result).__name__}"
        assert result.ok, f"the sandbox refused the contract invoice: {result.messages}"
        assert isinstance(result.remote, RemoteInvoice) and result.remote.remote_id
        return result

    @staticmethod
    def link_data(remote: RemoteInvoice) -> LinkData:
        return LinkData(remote.remote_id, remote.number, remote.url, remote.state, remote.total, "contract", None)

    @staticmethod
    def visible_text(result) -> str:
        return " ".join(m.text + " " + " ".join(m.details) for m in result.messages)
