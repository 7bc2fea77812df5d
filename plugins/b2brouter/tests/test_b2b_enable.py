"""``enable``: the account is verified with a real call, and the webhook to register is shown."""
from __future__ import annotations

from host.testing.context import make_context

import erp_host_b2brouter as plugin
from erp_host_b2brouter.sandbox import MAIN_ACCOUNT

WEBHOOK_URL = "https://erp.example.com/integrations/b2brouter/webhook"


def _account_calls(sandbox) -> list[dict]:
    return [r for r in sandbox.requests_log() if r["path"] == f"/accounts/{MAIN_ACCOUNT}"]


def test_enable_verifies_the_account_and_shows_the_webhook_with_its_secret(sandbox, config):
    result = plugin.enable(config=config, context=make_context("b2brouter", webhook_url=WEBHOOK_URL))
    assert result.ok
    verified, webhook = result.messages
    assert verified.level == "success" and str(MAIN_ACCOUNT) in verified.text
    assert webhook.level == "info" and WEBHOOK_URL in webhook.text and "issued_invoice.state_change" in webhook.text
    assert [r["status"] for r in _account_calls(sandbox)] == [200]


def test_without_a_webhook_secret_it_says_to_register_one(sandbox):
    config = sandbox.config(webhook_secret=None)
    result = plugin.enable(config=config, context=make_context("b2brouter", webhook_url=WEBHOOK_URL))
    assert result.ok
    webhook = result.messages[-1]
    assert webhook.level == "warning" and WEBHOOK_URL in webhook.text and "Webhook secret" in webhook.text


def test_without_a_public_url_it_says_states_come_from_the_sync(sandbox, config):
    result = plugin.enable(config=config, context=make_context("b2brouter", webhook_url=""))
    assert result.ok and "PUBLIC_URL" in result.messages[-1].text


def test_an_account_that_no_longer_answers_keeps_it_disabled(sandbox):
    config = sandbox.config(api_key="revoked-key-0000")
    result = plugin.enable(config=config, context=make_context("b2brouter", webhook_url=WEBHOOK_URL))
    assert not result.ok and result.sent is False
    text = result.messages[0].text + " ".join(result.messages[0].details)
    assert "stays disabled" in text and "rejected the API key" in text and "revoked-key-0000" not in text


def test_an_outage_keeps_it_disabled_and_says_when_to_try_again(sandbox, config):
    sandbox.control("knobs", failures=["503", "503", "503", "503"])
    result = plugin.enable(config=config, context=make_context("b2brouter"))
    assert not result.ok and result.retry_after and "stays disabled" in result.messages[0].text
