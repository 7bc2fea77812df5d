"""The ProviderContext the host lends plugins: state, secrets, attention."""
import pytest

from host.extensions import db
from host.integrations.settings import make_context
from host.models import ProviderSecret, ProviderSetting


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield lambda: make_context("reference", "clerk")


def stored_state(app):
    with app.app_context():
        return db.session.get(ProviderSetting, "reference").state


def test_two_calls_changing_different_state_keys_both_keep_their_change(app, ctx):
    first, second = ctx(), ctx()
    first.state["attempt:a"] = "INV-1"
    second.state["attempt:b"] = "INV-2"
    first.save_state()
    second.save_state()
    assert stored_state(app) == {"attempt:a": "INV-1", "attempt:b": "INV-2"}


def test_removing_a_key_removes_only_that_key(app, ctx):
    seed = ctx()
    seed.state.update({"realm_id": "123", "keep": True})
    seed.save_state()
    first, second = ctx(), ctx()
    first.state.pop("realm_id")
    second.state["other"] = 1
    first.save_state()
    second.save_state()
    assert stored_state(app) == {"keep": True, "other": 1}


def test_secrets_set_by_a_plugin_are_committed_encrypted_at_once(app, ctx):
    context = ctx()
    context.secrets.set("refresh_token", "rt-very-secret-value")
    with app.app_context():
        row = db.session.execute(db.select(ProviderSecret).filter_by(name="token.refresh_token")).scalar_one()
        assert "rt-very-secret-value" not in row.ciphertext
    assert ctx().secrets.get("refresh_token") == "rt-very-secret-value"
    context.secrets.set("refresh_token", None)
    assert ctx().secrets.get("refresh_token") is None


def test_context_carries_company_settings_user_and_public_urls(app, ctx):
    context = ctx()
    assert context.user == "clerk" and context.provider == "reference"
    assert context.company.calculation.rounding_method == "half_up"
    assert context.callback_url == "http://localhost/integrations/reference/callback"
    assert context.webhook_url == "http://localhost/integrations/reference/webhook"


def test_a_secret_rotated_by_another_worker_is_seen_on_the_next_read(app, ctx):
    """The re-read under a token lock must not return this session's cached value."""
    import threading

    mine = ctx()
    mine.secrets.set("refresh_token", "rt-1-first-value")
    held = db.session.execute(db.select(ProviderSecret).filter_by(name="token.refresh_token")).scalar_one()
    assert held.ciphertext  # this session now holds the row in its identity map

    def other_worker():
        with app.test_request_context():
            make_context("reference", None).secrets.set("refresh_token", "rt-2-rotated-value")

    worker = threading.Thread(target=other_worker)
    worker.start()
    worker.join(10)
    assert mine.secrets.get("refresh_token") == "rt-2-rotated-value"
