"""A hook call decrypts the provider's secrets once, and what it held is redacted from its result."""
from __future__ import annotations

from cryptography.fernet import MultiFernet
from marshmallow import Schema, fields

from host import Action, ProviderInfo, Result, hookimpl
from host.extensions import db
from host.integrations import admin
from host.integrations.settings import registry
from host.models import IntegrationEvent

API_KEY = "sk-live-very-secret-0001"
TOKEN = "token-rotated-very-secret-0002"
UNUSED = "token-never-read-very-secret-0003"


class LeakySchema(Schema):
    api_key = fields.String(required=True, metadata={"secret": True})
    webhook_secret = fields.String(load_default=None, metadata={"secret": True})


class Leaky:
    """Puts every secret it holds into its answer: the host must keep them out of the history."""

    @hookimpl
    def provider_info(self):
        return ProviderInfo(title="Leaky", description="leaks", config_schema=LeakySchema,
                            actions=(Action("rotate", "Rotate"),))

    @hookimpl
    def run_action(self, name, params, config, context):
        old = context.secrets.get("token")
        context.secrets.set("token", TOKEN)
        return Result.failure(f"failed with {config['api_key']}", error_detail=f"old={old} new={TOKEN}")


def test_what_a_call_held_is_redacted_and_nothing_is_decrypted_twice(make_host_app, monkeypatch):
    app = make_host_app({"leaky": Leaky()})
    with app.test_request_context():
        provider = registry().get("leaky")
        result, errors = admin.configure(provider, {"api_key": API_KEY, "webhook_secret": "whsec-unused-value-0004"},
                                         "admin")
        assert not errors
        from host.integrations.settings import make_context

        make_context("leaky", "admin").secrets.set("token", UNUSED)
        decrypted = []
        original = MultiFernet.decrypt

        def counting(self, token, *args, **kwargs):
            value = original(self, token, *args, **kwargs)
            decrypted.append(value.decode())
            return value

        monkeypatch.setattr(MultiFernet, "decrypt", counting)
        admin.run_action(provider, "rotate", {}, "admin")
        [event] = db.session.execute(db.select(IntegrationEvent).filter_by(action="action:rotate")).scalars().all()
    assert API_KEY not in event.message and "[redacted]" in event.message
    assert UNUSED not in event.error_detail and TOKEN not in event.error_detail
    assert event.error_detail == "old=[redacted] new=[redacted]"
    # the config's two secrets when it was loaded, the token when the plugin read it: once each
    assert sorted(decrypted) == sorted([API_KEY, "whsec-unused-value-0004", UNUSED])
