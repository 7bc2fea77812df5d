"""A lost, changed or malformed encryption key is refused loudly; nothing
undecryptable is deleted; ``erp-host rotate-key`` re-encrypts (issue 10, item 4)."""
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken

from host.cli import forget_secrets_command, rotate_key_command
from host.extensions import db
from host.keys import KEY_ENV, KeyProblem, fingerprint
from host.models import KeyCanary, ProviderSecret
from host.plugins import new_registry
from host.testing.app import make_app


@pytest.fixture
def instance(app):
    return Path(app.instance_path)


def start(erp_database_url, instance, reference=None):
    """Start the host again on the same database and instance folder, as a restart would."""
    registry = new_registry()
    if reference is not None:
        registry.register("reference", reference, distribution="test-reference", version="0")
    return make_app(erp_database_url, str(instance), registry, WTF_CSRF_ENABLED=False)


def secret_rows(app):
    with app.app_context():
        return {(r.provider, r.name): r.ciphertext for r in db.session.execute(db.select(ProviderSecret)).scalars()}


def test_the_first_start_makes_a_key_file_readable_only_by_the_owner(instance):
    key_file = instance / "encryption.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    Fernet(key_file.read_bytes().strip())


def test_a_missing_key_file_with_stored_secrets_refuses_to_start(configured, erp_database_url, instance):
    (instance / "encryption.key").unlink()
    with pytest.raises(KeyProblem) as problem:
        start(erp_database_url, instance)
    assert str(instance / "encryption.key") in str(problem.value)
    assert KEY_ENV in str(problem.value)
    assert not (instance / "encryption.key").exists()  # no new key that would hide the loss


def test_a_different_key_refuses_to_start_and_names_both_fingerprints(configured, app, erp_database_url, instance, monkeypatch):
    wrong = Fernet.generate_key()
    monkeypatch.setenv(KEY_ENV, wrong.decode())
    with pytest.raises(KeyProblem) as problem:
        start(erp_database_url, instance)
    message = str(problem.value)
    assert KEY_ENV in message and fingerprint(wrong) in message
    old = (instance / "encryption.key").read_bytes().strip()
    assert fingerprint(old) in message  # the canary names the key the secrets need
    assert wrong.decode() not in message and old.decode() not in message


@pytest.mark.parametrize("value", ["not-a-key", "c2hvcnQ=", Fernet.generate_key().decode() + ",garbage"])
def test_a_malformed_key_refuses_to_start_even_with_nothing_stored(erp_database_url, instance, monkeypatch, value):
    monkeypatch.setenv(KEY_ENV, value)
    with pytest.raises(KeyProblem, match="not hold a valid Fernet key"):
        start(erp_database_url, instance)


def test_the_canary_is_written_with_the_first_secret(configured, app, instance):
    with app.app_context():
        canary = db.session.get(KeyCanary, 1)
        assert canary.fingerprint == fingerprint((instance / "encryption.key").read_bytes().strip())


@pytest.fixture
def unreadable_webhook_secret(configured, app):
    """The stored webhook secret replaced by one written with another key (the key changed under the app)."""
    with app.app_context():
        row = db.session.execute(db.select(ProviderSecret).filter_by(name="config.webhook_secret")).scalar_one()
        row.ciphertext = Fernet(Fernet.generate_key()).encrypt(b"other").decode()
        db.session.commit()
        return row.ciphertext


def test_saving_the_form_keeps_a_secret_that_cannot_be_decrypted(configured, app, unreadable_webhook_secret):
    before = secret_rows(app)
    response = configured.post("/settings/integrations/reference", data={"api_key": "", "account": "B"})
    assert response.status_code == 422
    assert "cannot be decrypted with the current encryption key" in response.text
    assert secret_rows(app) == before
    assert secret_rows(app)[("reference", "config.webhook_secret")] == unreadable_webhook_secret


def test_pages_say_needs_attention_when_a_secret_cannot_be_decrypted(configured, unreadable_webhook_secret):
    assert "needs attention" in configured.get("/settings/integrations/").text
    page = configured.get("/settings/integrations/reference").text
    assert "cannot be decrypted with the current encryption key" in page


def test_a_call_with_an_undecryptable_secret_says_so_instead_of_using_no_value(configured, reference, unreadable_webhook_secret):
    calls_before = len(reference.calls)
    response = configured.post("/settings/integrations/reference/check", follow_redirects=True)
    assert "cannot be decrypted with the current encryption key" in response.text
    assert reference.calls[calls_before:] == []  # the provider is not called with the secret missing


def test_rotate_key_re_encrypts_every_secret_under_a_new_key(configured, app, erp_database_url, instance, reference):
    old_key = (instance / "encryption.key").read_bytes().strip()
    before = secret_rows(app)
    result = app.test_cli_runner().invoke(rotate_key_command)
    assert result.exit_code == 0, result.output
    new_key = (instance / "encryption.key").read_bytes().strip()
    assert new_key != old_key and b"," not in new_key
    assert fingerprint(new_key) in result.output and new_key.decode() not in result.output
    after = secret_rows(app)
    assert after.keys() == before.keys()
    for name, token in after.items():
        assert Fernet(new_key).decrypt(token.encode()) == Fernet(old_key).decrypt(before[name].encode())
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(token.encode())
    with app.app_context():
        assert db.session.get(KeyCanary, 1).fingerprint == fingerprint(new_key)
    restarted = start(erp_database_url, instance, reference)  # starts: the new key opens everything
    client = restarted.test_client()
    client.post("/login", data={"username": "admin", "password": "admin-demo-pass"})
    assert "Stored (" in client.get("/settings/integrations/reference").text


def test_rotate_key_with_the_environment_variable_uses_the_first_key(configured, app, erp_database_url, instance, monkeypatch):
    old_key = (instance / "encryption.key").read_bytes().strip().decode()
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv(KEY_ENV, old_key)
    refused = start(erp_database_url, instance).test_cli_runner().invoke(rotate_key_command)
    assert refused.exit_code != 0 and "NEW_KEY,OLD_KEY" in refused.output
    monkeypatch.setenv(KEY_ENV, f"{new_key},{old_key}")
    result = start(erp_database_url, instance).test_cli_runner().invoke(rotate_key_command)
    assert result.exit_code == 0, result.output
    monkeypatch.setenv(KEY_ENV, new_key)
    start(erp_database_url, instance)  # the new key alone opens everything
    monkeypatch.setenv(KEY_ENV, old_key)
    with pytest.raises(KeyProblem):
        start(erp_database_url, instance)


def test_forget_secrets_lets_a_host_whose_key_is_lost_start_again(configured, app, erp_database_url, instance, monkeypatch):
    (instance / "encryption.key").unlink()
    monkeypatch.setenv("ERP_HOST_INSTANCE", str(instance))
    monkeypatch.setenv("DATABASE_URL", erp_database_url)
    result = app.test_cli_runner().invoke(forget_secrets_command, ["--yes"])
    assert result.exit_code == 0, result.output
    assert secret_rows(app) == {}
    start(erp_database_url, instance)
    assert (instance / "encryption.key").exists()
