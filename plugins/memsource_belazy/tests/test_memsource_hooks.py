"""The provider's hooks, through the host's registry, against the loopback sandbox."""
from datetime import datetime, timezone

import pytest
import requests
from host import Message
from host.plugins import new_registry
from host.testing.context import make_context

import erp_host_memsource_belazy as plugin
from erp_host_memsource_belazy.sandbox.testing import running_sandbox
from erp_host_memsource_belazy.settings import EU_BASE_URL, US_BASE_URL, SettingsSchema

KEY = "memsource_belazy"


@pytest.fixture
def registry():
    registry = new_registry()
    registry.register(KEY, plugin, "erp-host-memsource-belazy", "0.1.0")
    return registry


@pytest.fixture
def context():
    context = make_context(KEY, user="alice")
    context.saves = 0

    def save_state():
        context.saves += 1

    context.save_state = save_state
    return context


@pytest.fixture(scope="module")
def sandbox():
    with running_sandbox() as running:
        yield running


def load(**form):
    return SettingsSchema().load(form)


def test_registers_without_invoice_hooks(registry):
    provider = registry.get(KEY)
    assert provider.load_error is None
    assert provider.hooks == ("enable", "provider_info", "run_action", "validate_config")
    assert provider.info.title == "Memsource via BeLazy"
    assert [a.name for a in provider.info.actions] == ["check_connection", "mark_active"]


def test_contact_card_is_in_validate_config_only(registry, context):
    info = registry.get(KEY).info
    assert "through BeLazy" in info.description
    for text in ("info@belazy.cat", "https://belazy.cat/contact-us/", "memsource.com"):
        assert text not in info.description  # the configure page shows the card: the details once
    result = registry.call(KEY, "validate_config", config=load(), context=context)
    assert result.ok
    (card,) = result.messages
    assert card.level == "info"
    assert "integrated through BeLazy" in card.text
    shown = " ".join(card.details)
    for text in ("info@belazy.cat", "https://belazy.cat/contact-us/", "Memsource account", "memsource.com"):
        assert text in shown


def test_schema_defaults_and_blank_form_inputs():
    assert load(contact_email="", phrase_api_token=" ") == {
        "contact_email": None,
        "phrase_base_url": EU_BASE_URL,
        "phrase_api_token": None,
    }
    fields = SettingsSchema().fields
    assert fields["phrase_api_token"].metadata["secret"] is True
    assert US_BASE_URL in fields["phrase_base_url"].metadata["help"]


@pytest.mark.parametrize(
    "config, problem",
    [
        ({"contact_email": "not-an-email"}, "is not a valid e-mail address"),
        ({"contact_email": "INFO@belazy.cat"}, "enter your own address"),
        ({"phrase_base_url": "http://cloud.memsource.com/web"}, "must use https://"),
        ({"phrase_base_url": "https://cloud.memsource.com"}, "must end with /web"),
        ({"phrase_base_url": "cloud.memsource.com/web"}, "is not a web address"),
        ({"phrase_api_token": "abc def"}, "must not contain spaces"),
    ],
)
def test_validate_config_rejects_bad_values_clearly(registry, context, config, problem):
    result = registry.call(KEY, "validate_config", config=config, context=context)
    assert not result.ok
    assert len(result.problems) == 1 and problem in result.problems[0]
    assert result.messages[0].level == "error"


def test_validate_config_accepts_us_data_centre_without_token(registry, context):
    config = {"contact_email": "pm@lingua.example", "phrase_base_url": US_BASE_URL, "phrase_api_token": None}
    assert registry.call(KEY, "validate_config", config=config, context=context).ok


def test_validate_config_verifies_a_token_with_phrase(registry, context, sandbox):
    config = load(phrase_base_url=sandbox.base_url + "/", phrase_api_token=sandbox.token)
    result = registry.call(KEY, "validate_config", config=config, context=context)
    assert result.ok
    assert result.messages[-1] == Message("success", "Phrase TMS token belongs to demo.pm (Lingua Demo SL).")


def test_validate_config_refuses_a_rejected_token(registry, context, sandbox):
    config = load(phrase_base_url=sandbox.base_url, phrase_api_token="wrong-token-123")
    result = registry.call(KEY, "validate_config", config=config, context=context)
    assert not result.ok
    assert result.messages[0].text == "The Phrase TMS API token was not accepted."
    assert "wrong-token-123" not in str(result)


def test_validate_config_only_warns_when_phrase_is_down(registry, context, sandbox):
    requests.post(sandbox.url + "/_sandbox/config", json={"fail": [503]}, timeout=5)
    config = load(phrase_base_url=sandbox.base_url, phrase_api_token=sandbox.token)
    result = registry.call(KEY, "validate_config", config=config, context=context)
    assert result.ok
    assert result.messages[-1].level == "warning" and "HTTP 503" in result.messages[-1].details[0]


def test_enable_records_who_asked_belazy_and_when(registry, context):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = registry.call(KEY, "enable", config=load(), context=context)
    assert result.ok and "Requested from BeLazy" in result.messages[0].text
    state = context.state
    assert state["status"] == "Requested from BeLazy"
    assert state["requested_by"] == "alice"
    assert before <= datetime.fromisoformat(state["requested_at"]) <= datetime.now(timezone.utc)
    shown = datetime.fromisoformat(state["requested_at"]).strftime("%Y-%m-%d %H:%M UTC")
    assert state["status_detail"] == f"requested by alice on {shown}"
    assert context.saves == 1


def test_mark_active_then_enable_again_keeps_active(registry, context):
    registry.call(KEY, "enable", config=load(), context=context)
    context.user = "bob"
    result = registry.call(KEY, "run_action", name="mark_active", params={}, config=load(), context=context)
    assert result.ok and "Active via BeLazy" in result.messages[0].text
    assert context.state["status"] == "Active via BeLazy"
    assert context.state["activated_by"] == "bob"
    assert context.state["requested_by"] == "alice"
    again = registry.call(KEY, "enable", config=load(), context=context)
    assert again.ok and again.messages[0].text.startswith("Already Active via BeLazy: marked active by bob")
    assert context.state["status"] == "Active via BeLazy"
    assert context.saves == 2


def test_unknown_action_fails(registry, context):
    result = registry.call(KEY, "run_action", name="sync_now", params={}, config=load(), context=context)
    assert not result.ok and "no action 'sync_now'" in result.messages[0].text


def check(registry, context, **config):
    return registry.call(KEY, "run_action", name="check_connection", params={}, config=load(**config), context=context)


def test_check_connection_without_token_says_belazy_manages_it(registry, context):
    result = check(registry, context)
    assert result.ok
    assert "managed by BeLazy" in result.messages[0].text
    assert context.state["last_check"]["text"] == "managed by BeLazy (no token to check)"


def test_check_connection_shows_user_and_organisation(registry, context, sandbox):
    result = check(
        registry, context, phrase_base_url=sandbox.base_url, phrase_api_token=sandbox.token, contact_email="pm@lingua.example"
    )
    assert result.ok, result.messages
    message = result.messages[0]
    assert message.level == "success"
    assert "User: demo.pm (Dana Project)" in message.details
    assert "Organisation: Lingua Demo SL" in message.details
    assert context.state["last_check"]["ok"] is True
    seen = requests.get(sandbox.url + "/_sandbox/requests", timeout=5).json()[-1]
    assert "pm@lingua.example" in seen["user_agent"] and seen["token_sent"]


def test_check_connection_with_wrong_token_explains_and_never_shows_it(registry, context, sandbox):
    result = check(registry, context, phrase_base_url=sandbox.base_url, phrase_api_token="s3cret-wrong-token")
    assert not result.ok
    text = result.messages[0].text + " ".join(result.messages[0].details)
    assert "rejected the API token (HTTP 401)" in text
    assert "s3cret-wrong-token" not in text + (result.error_detail or "") + str(context.state)
    assert context.state["last_check"]["ok"] is False


def test_check_connection_reports_injected_server_error(registry, context, sandbox):
    requests.post(sandbox.url + "/_sandbox/config", json={"fail": [503]}, timeout=5)
    result = check(registry, context, phrase_base_url=sandbox.base_url, phrase_api_token=sandbox.token)
    assert not result.ok and "server error (HTTP 503)" in result.messages[0].details[0]
    assert check(registry, context, phrase_base_url=sandbox.base_url, phrase_api_token=sandbox.token).ok


def test_check_connection_unreachable_host(registry, context):
    result = check(registry, context, phrase_base_url="http://127.0.0.1:9/web", phrase_api_token="tok")
    assert not result.ok and "could not connect to 127.0.0.1:9" in result.messages[0].details[0]
