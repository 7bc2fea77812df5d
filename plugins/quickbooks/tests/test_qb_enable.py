"""``enable``: refused until a company is connected and answers."""
from __future__ import annotations

from host.testing.context import make_context

from erp_host_quickbooks import tokens
from erp_host_quickbooks.lookups import CACHE


def test_enable_is_refused_until_connected(plugin, config, sandbox):
    result = plugin.enable(config=config, context=make_context("quickbooks"))
    assert not result.ok and result.sent is False
    assert "not connected" in result.messages[0].text and "Connect to QuickBooks" in result.messages[0].text


def test_enable_names_the_connected_company(plugin, config, connected, sandbox):
    result = plugin.enable(config=config, context=connected)
    assert result.ok and result.messages[0].level == "success"
    assert sandbox.store.company_info["CompanyName"] in result.messages[0].text


def test_a_revoked_connection_keeps_it_disabled_and_asks_to_reconnect(plugin, config, connected, sandbox):
    sandbox.store.revoke(tokens.load(connected)["refresh_token"])
    sandbox.store.expire_access_tokens()
    CACHE.forget()
    result = plugin.enable(config=config, context=connected)
    assert not result.ok and result.sent is False
    message = result.messages[0]
    assert "stays disabled" in message.text and any("Reconnect" in d for d in message.details)
