"""The provider contract suite. A plugin runs it against its own sandbox::

    from host.testing.contract import ProviderContract

    class TestMyProviderContract(ProviderContract):
        provider_key = "myprovider"     # its ``erp_host`` entry point (override ``plugin`` otherwise)

        bad_settings = {"api_key": "wrong"}  # laid over ``config``: settings the sandbox rejects

        @pytest.fixture
        def config(self, sandbox):      # settings that work against the sandbox
            return {"api_key": sandbox.api_key, "base_url": sandbox.url}

        @pytest.fixture
        def invoice(self):              # an invoice the sandbox accepts
            return sample_invoice(number=f"CT-{uuid.uuid4().hex[:8]}")

``config`` defaults to ``sandbox.config()`` when a ``sandbox`` fixture gives one;
``bad_config`` (or ``bad_settings``) and ``invoice`` are the plugin's.
Override ``context`` to hand the plugin tokens (e.g. an OAuth connection).
Each hook has one ``test_hook_<name>``; a hook the provider does not
implement is checked to be reported as absent, which is how the host hides
features (no invoice hooks, no invoice-page section).
"""
from __future__ import annotations

import logging
import uuid

from host.api import (
    InvoiceData,
    ProviderInfo,
    RemoteDocument,
    RemoteInvoice,
    RemotePage,
    RemoteSearch,
    RemoteTotals,
    Result,
    WebhookResponse,
)
from host.testing.contract_harness import ContractHarness

INVOICE_HOOKS = ("create_remote_invoice", "list_remote_invoices", "link", "remote_status", "unlink")


class ProviderContract(ContractHarness):
    """One test per hook (the fixtures come from :class:`ContractHarness`)."""

    def test_hook_provider_info(self, registry, config):
        info = registry.providers[self.provider_key].info
        assert isinstance(info, ProviderInfo) and info.title.strip() and info.description.strip()
        if info.schema_class is not None:
            schema = info.schema_class()
            assert schema.load(schema.dump(config)) is not None
            for name, field in schema.fields.items():
                if any(word in name for word in ("key", "secret", "token", "password")):
                    assert field.metadata.get("secret"), f"config field {name!r} looks secret but is not marked secret"
        names = [(action.name, action.when) for action in info.actions]
        assert len(names) == len(set(names)), "action names must be unique (per connection state)"
        if any(action.when != "always" for action in info.actions):
            assert info.connected_state, "actions shown by connection state need ProviderInfo.connected_state"

    def test_hook_validate_config(self, registry, call, config, bad_config):
        if not self.implements(registry, "validate_config"):
            return self.assert_absent(call, "validate_config")
        good = call("validate_config")
        assert isinstance(good, Result) and good.ok, good.messages
        bad = call("validate_config", config=bad_config)
        assert isinstance(bad, Result) and not bad.ok
        errors = [m for m in bad.messages if m.level == "error"]
        assert errors and errors[0].text.strip(), "a rejected config needs an error message saying why"
        text = self.visible_text(bad)
        for value in bad_config.values():
            if isinstance(value, str) and len(value) >= 8 and value not in config.values():
                assert value not in text, "messages must not echo secrets back"

    def test_hook_enable(self, registry, call):
        if not self.implements(registry, "enable"):
            return self.assert_absent(call, "enable")
        result = call("enable")
        assert isinstance(result, Result) and result.ok, result.messages

    def test_hook_enable_refusal_says_why(self, registry, call, config, bad_config):
        """Enabling with settings the provider rejects keeps it disabled with a reason, or works:
        it never raises, and never echoes a secret."""
        if not self.implements(registry, "enable"):
            return None
        result = call("enable", config=bad_config)
        assert isinstance(result, Result)
        if not result.ok:
            assert result.messages and result.messages[0].text.strip(), "a refused enable must say why"
            assert not result.problems or not result.sent
        text = self.visible_text(result)
        for value in bad_config.values():
            if isinstance(value, str) and len(value) >= 8 and value not in config.values():
                assert value not in text, "messages must not echo secrets back"

    def test_hook_disable(self, registry, call):
        if not self.implements(registry, "disable"):
            return self.assert_absent(call, "disable")
        assert isinstance(call("disable"), Result)

    def test_hook_create_remote_invoice(self, registry, call, invoice):
        if not self.implements(registry, "create_remote_invoice"):
            return self.assert_absent(call, "create_remote_invoice", invoice=invoice, attempt_id="x")
        attempt = uuid.uuid4().hex
        first = self.create(call, invoice, attempt)
        again = call("create_remote_invoice", invoice=invoice, attempt_id=attempt)
        assert isinstance(again, Result)
        if again.ok:
            assert again.remote.remote_id == first.remote.remote_id, "a retry created a second remote invoice"
        else:
            assert not again.problems or again.sent is False
            assert self.visible_text(again).strip(), "a refused retry must say why"
        empty = InvoiceData(**{**asdict_shallow(invoice), "lines": ()})
        blocked = call("create_remote_invoice", invoice=empty, attempt_id=uuid.uuid4().hex)
        assert not blocked.ok and blocked.problems and blocked.sent is False, "an empty invoice must be blocked before sending"

    def test_hook_preview_remote_totals(self, registry, call, invoice):
        """A provider that creates remote invoices predicts their totals, and the
        prediction is what the remote then computes (to the cent)."""
        if not self.implements(registry, "preview_remote_totals"):
            assert not self.implements(registry, "create_remote_invoice"), \
                "create_remote_invoice needs preview_remote_totals: the host checks totals before every create"
            return self.assert_absent(call, "preview_remote_totals", invoice=invoice)
        predicted = call("preview_remote_totals", invoice=invoice)
        assert isinstance(predicted, RemoteTotals), getattr(predicted, "messages", predicted)
        assert predicted.currency.upper() == invoice.currency.upper()
        assert predicted.total == invoice.total, "the contract invoice must come out the same on both sides"
        assert sum((t.amount for t in predicted.tax_lines), 0) == sum((t.amount for t in invoice.tax_totals), 0)
        created = self.create(call, invoice)
        if created.remote.total is not None:
            assert created.remote.total == predicted.total, "the remote computed another total than predicted"
        empty = InvoiceData(**{**asdict_shallow(invoice), "lines": ()})
        refused = call("preview_remote_totals", invoice=empty)
        assert isinstance(refused, Result) and not refused.ok and self.visible_text(refused).strip(), \
            "an invoice the remote cannot take has no prediction, and the answer says why"

    def test_hook_list_remote_invoices(self, registry, call, invoice):
        if not self.implements(registry, "list_remote_invoices"):
            return self.assert_absent(call, "list_remote_invoices", invoice=invoice, search=RemoteSearch(), page=1, per_page=10)
        created = self.create(call, invoice) if self.implements(registry, "create_remote_invoice") else None
        page = call("list_remote_invoices", invoice=invoice, search=RemoteSearch(text=invoice.number), page=1, per_page=10)
        assert isinstance(page, RemotePage) and page.page == 1
        assert all(isinstance(item, RemoteInvoice) for item in page.items)
        if created is not None:
            assert created.remote.remote_id in {item.remote_id for item in page.items}

    def test_hook_link(self, registry, call, invoice):
        if not self.implements(registry, "link"):
            return self.assert_absent(call, "link", invoice=invoice, remote_id="1")
        missing = call("link", invoice=invoice, remote_id="999999999")
        assert isinstance(missing, Result) and not missing.ok and self.visible_text(missing).strip()
        if self.implements(registry, "create_remote_invoice"):
            created = self.create(call, invoice)
            linked = call("link", invoice=invoice, remote_id=created.remote.remote_id)
            assert linked.ok and linked.remote.remote_id == created.remote.remote_id

    def test_hook_unlink(self, registry, call, invoice):
        if not self.implements(registry, "unlink"):
            return self.assert_absent(call, "unlink", invoice=invoice, link=None)
        remote = self.create(call, invoice).remote if self.implements(registry, "create_remote_invoice") else RemoteInvoice("1")
        assert isinstance(call("unlink", invoice=invoice, link=self.link_data(remote)), Result)

    def test_hook_remote_status(self, registry, call, invoice):
        if not self.implements(registry, "remote_status"):
            return self.assert_absent(call, "remote_status", invoice=invoice, link=None)
        created = self.create(call, invoice)
        result = call("remote_status", invoice=invoice, link=self.link_data(created.remote))
        assert isinstance(result, Result) and result.ok and result.remote.remote_id == created.remote.remote_id

    def test_hook_update_remote_invoice(self, registry, call, invoice):
        if not self.implements(registry, "update_remote_invoice"):
            return self.assert_absent(call, "update_remote_invoice", invoice=invoice, link=None)
        created = self.create(call, invoice)
        result = call("update_remote_invoice", invoice=invoice, link=self.link_data(created.remote))
        assert isinstance(result, Result)
        if result.ok:
            assert result.remote.remote_id == created.remote.remote_id
        else:  # the service no longer takes changes: nothing was sent, and the message says what to do
            assert result.sent is False and result.messages

    def test_hook_remote_document(self, registry, call, invoice):
        if not self.implements(registry, "remote_document"):
            return self.assert_absent(call, "remote_document", invoice=invoice, link=None)
        created = self.create(call, invoice)
        document = call("remote_document", invoice=invoice, link=self.link_data(created.remote))
        assert isinstance(document, RemoteDocument), getattr(document, "messages", document)
        assert document.content and document.filename.strip() and "/" in document.content_type

    def test_hook_run_action(self, registry, call):
        actions = registry.providers[self.provider_key].info.actions
        if not self.implements(registry, "run_action"):
            assert not actions, "actions are declared but run_action is not implemented"
            return self.assert_absent(call, "run_action", name="x", params={})
        assert actions, "run_action is implemented but ProviderInfo declares no actions"

    def test_hook_handle_callback(self, registry, call):
        if not self.implements(registry, "handle_callback"):
            return self.assert_absent(call, "handle_callback", params={})
        result = call("handle_callback", params={"code": "forged", "state": "not-the-one-we-sent"})
        assert isinstance(result, Result) and not result.ok, "a callback with a state we never issued must be refused"

    def test_hook_handle_webhook(self, registry, call, caplog):
        """A forged call is refused, and logged at debug level at most: anyone can
        call the URL, so the host counts refusals in its own rate-limited log."""
        if not self.implements(registry, "handle_webhook"):
            return self.assert_absent(call, "handle_webhook", headers={}, body=b"")
        with caplog.at_level(logging.DEBUG):
            response = call("handle_webhook", headers={"content-type": "application/json"}, body=b'{"forged": true}')
        assert isinstance(response, WebhookResponse) and response.status >= 400 and not response.updates
        assert [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG] == []

    def test_hook_process_webhook(self, registry, call):
        if not self.implements(registry, "process_webhook"):
            return self.assert_absent(call, "process_webhook", work=None)
        assert self.implements(registry, "handle_webhook"), "process_webhook without handle_webhook is never called"

    def test_hook_catch_up(self, registry, call):
        if not self.implements(registry, "catch_up"):
            return self.assert_absent(call, "catch_up", since=None)
        answer = call("catch_up", since=None)
        assert isinstance(answer, (WebhookResponse, Result))
        assert isinstance(answer, Result) or all(isinstance(u, RemoteInvoice) for u in answer.updates)

    def test_hook_run_invoice_action(self, registry, call, invoice):
        actions = registry.providers[self.provider_key].info.invoice_actions
        if not self.implements(registry, "run_invoice_action"):
            assert not actions, "invoice_actions are declared but run_invoice_action is not implemented"
            return self.assert_absent(call, "run_invoice_action", name="x", invoice=invoice, link=None)
        assert actions, "run_invoice_action is implemented but ProviderInfo declares no invoice_actions"
        created = self.create(call, invoice)
        result = call("run_invoice_action", name=actions[0].name, invoice=invoice, link=self.link_data(created.remote))
        assert isinstance(result, Result)

    def test_invoice_capabilities_are_consistent(self, registry):
        """A provider that creates remote invoices can also refresh them; one
        without invoice hooks gets no section on invoice pages."""
        if self.implements(registry, "create_remote_invoice"):
            assert self.implements(registry, "remote_status")
        else:
            assert not any(self.implements(registry, hook) for hook in ("link", "remote_status"))


def asdict_shallow(instance) -> dict:
    """A dataclass's fields without converting nested dataclasses (unlike ``asdict``)."""
    return {name: getattr(instance, name) for name in instance.__dataclass_fields__}
