"""Settings → Integrations: configure, secrets, enable/disable, actions, log."""
import hashlib
import hmac

from host.extensions import db
from host.models import IntegrationEvent, ProviderSecret, ProviderSetting
from host.testing.reference_provider import GOOD_KEY

GOOD = {"api_key": GOOD_KEY, "account": "ACC-1"}


def configure(client, **overrides):
    return client.post("/settings/integrations/reference", data={**GOOD, **overrides})


def test_integrations_page_lists_installed_providers_with_status(client, login):
    login("admin")
    page = client.get("/settings/integrations/").get_data(as_text=True)
    assert "Reference" in page and "Second" in page
    assert page.count("disabled") >= 2


def test_saving_a_valid_config_stores_the_secret_encrypted_and_masked(app, client, login):
    login("admin")
    response = configure(client)
    assert response.status_code == 302
    with app.app_context():
        secret = db.session.execute(db.select(ProviderSecret).filter_by(provider="reference")).scalar_one()
        assert GOOD_KEY not in secret.ciphertext
        setting = db.session.get(ProviderSetting, "reference")
        assert setting.config == {"account": "ACC-1", "send_copy": False}
        assert setting.notices[0]["level"] == "info"
    page = client.get("/settings/integrations/reference").get_data(as_text=True)
    assert GOOD_KEY not in page
    assert GOOD_KEY[-4:] in page  # the masked hint shows only the last characters
    assert "Reference is set up correctly" in page


def test_an_empty_secret_input_keeps_the_stored_secret(app, client, login):
    login("admin")
    configure(client)
    response = configure(client, api_key="", account="ACC-2")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ProviderSetting, "reference").config["account"] == "ACC-2"


def test_schema_errors_are_shown_per_field_and_nothing_is_saved(app, client, login):
    login("admin")
    response = configure(client, account="x" * 41)
    assert response.status_code == 422
    assert "Account: Length must be between 1 and 40." in response.get_data(as_text=True)
    assert 'value="' + "x" * 41 + '"' in response.get_data(as_text=True)  # the typed value is kept
    with app.app_context():
        assert db.session.get(ProviderSetting, "reference").config == {}


def test_rejected_credentials_show_the_error_plate_and_keep_the_old_config(app, client, login):
    login("admin")
    configure(client)
    response = configure(client, api_key="a-wrong-key-123", account="ACC-9")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "plate-error" in page and "The API key was rejected." in page
    assert "a-wrong-key-123" not in page
    with app.app_context():
        assert db.session.get(ProviderSetting, "reference").config["account"] == "ACC-1"
        outcomes = [e.outcome for e in db.session.execute(db.select(IntegrationEvent)).scalars()]
        assert outcomes == ["ok", "failed"]


def test_a_settings_mismatch_shows_the_warning_plate(app, client, login):
    login("admin")
    client.post("/settings/company", data={})  # make sure the company row exists
    with app.app_context():
        from host.models import Company

        Company.get().rounding_method = "bankers"
        db.session.commit()
    configure(client)
    page = client.get("/settings/integrations/reference").get_data(as_text=True)
    assert "plate-warning" in page and "Rounding method: host bankers, remote half_up" in page


def test_enable_and_disable_take_effect_without_restart(app, client, login, demo, reference):
    login("admin")
    configure(client)
    assert "Linked Reference" not in client.get("/invoices/1").get_data(as_text=True)
    client.post("/settings/integrations/reference/enable")
    assert "Linked Reference invoice details" in client.get("/invoices/1").get_data(as_text=True)
    assert reference.calls.count("enable") == 1
    client.post("/settings/integrations/reference/disable")
    assert "Linked Reference" not in client.get("/invoices/1").get_data(as_text=True)
    assert "disable" in reference.calls


def test_enable_is_refused_while_validate_config_fails(app, client, login, reference):
    login("admin")
    response = client.post("/settings/integrations/reference/enable", follow_redirects=True)
    assert "The API key was rejected." in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(ProviderSetting, "reference").enabled
    assert "enable" not in reference.calls


def test_check_again_reruns_validate_config(client, login, reference):
    login("admin")
    configure(client)
    client.post("/settings/integrations/reference/check")
    assert reference.calls.count("validate_config") == 2


def test_actions_run_only_when_declared(client, login, reference):
    login("admin")
    page = client.post("/settings/integrations/reference/actions/ping", follow_redirects=True).get_data(as_text=True)
    assert "Pong." in page
    page = client.post("/settings/integrations/reference/actions/nope", follow_redirects=True).get_data(as_text=True)
    assert "has no action" in page and "run_action:nope" not in reference.calls


def test_oauth_style_callback_stores_an_encrypted_token_and_state(app, client, login):
    login("admin")
    page = client.get("/integrations/reference/callback?code=good-code", follow_redirects=True).get_data(as_text=True)
    assert "Connected." in page
    with app.app_context():
        assert db.session.get(ProviderSetting, "reference").state == {"connected": True}
        token = db.session.execute(db.select(ProviderSecret).filter_by(name="token.access_token")).scalar_one()
        assert "good-code" not in token.ciphertext
    page = client.get("/integrations/reference/callback?code=bad", follow_redirects=True).get_data(as_text=True)
    assert "The authorization was refused." in page


def test_webhooks_need_an_enabled_provider_and_a_valid_signature(app, client, login, demo, reference, caplog,
                                                                 monkeypatch):
    from host.integrations import webhook_events

    monkeypatch.setattr(webhook_events, "refusals", webhook_events.RefusalLog())
    login("admin")
    configure(client)
    body = b"1001=paid"
    signature = hmac.new(GOOD_KEY.encode(), body, hashlib.sha256).hexdigest()
    assert client.post("/integrations/reference/webhook", data=body, headers={"X-Signature": signature}).status_code == 404
    client.post("/settings/integrations/reference/enable")
    client.post("/invoices/1/integrations/reference/create")
    client.post("/logout")
    assert client.post("/integrations/reference/webhook", data=body, headers={"X-Signature": "forged"}).status_code == 401
    response = client.post("/integrations/reference/webhook", data=body, headers={"X-Signature": signature})
    assert response.status_code == 200 and response.json["ok"] and response.json["queued"] == 1
    login("user")
    assert "paid" in client.get("/invoices/1").get_data(as_text=True)
    with app.app_context():  # a refusal is counted in the log, not written to the history (anyone can call)
        assert db.session.execute(db.select(IntegrationEvent).filter_by(action="webhook", outcome="failed")).all() == []
    # the first refusal (404: not enabled yet) is logged; the 401 within the same minute is only counted
    [line] = [r.getMessage() for r in caplog.records if r.name == "host.webhooks"]
    assert line.startswith("webhook for reference: 1 call(s) refused") and "latest 404 not found" in line


def test_integration_log_filters_by_provider_and_outcome(client, login):
    login("admin")
    configure(client)
    configure(client, api_key="a-wrong-key-123")
    client.post("/settings/integrations/second/actions/ping")
    everything = client.get("/settings/integrations/log").get_data(as_text=True)
    assert everything.count('class="event ') == 3
    failed = client.get("/settings/integrations/log?outcome=failed").get_data(as_text=True)
    assert failed.count('class="event ') == 1 and "The API key was rejected." in failed
    second = client.get("/settings/integrations/log?provider=second").get_data(as_text=True)
    assert second.count('class="event ') == 1 and "Pong." in second


def test_an_optional_secret_is_kept_when_empty_and_removed_on_request(app, client, login):
    login("admin")
    configure(client, webhook_secret="whsec-first-value")
    configure(client)  # empty input: keep it
    page = client.get("/settings/integrations/reference").get_data(as_text=True)
    assert "value" in page and "whsec-first-value" not in page and 'name="webhook_secret__clear"' in page
    with app.app_context():
        names = {s.name for s in db.session.execute(db.select(ProviderSecret)).scalars()}
        assert "config.webhook_secret" in names
    configure(client, webhook_secret__clear="on")
    with app.app_context():
        names = {s.name for s in db.session.execute(db.select(ProviderSecret)).scalars()}
        assert names == {"config.api_key"}
    assert 'name="api_key__clear"' not in client.get("/settings/integrations/reference").get_data(as_text=True)
