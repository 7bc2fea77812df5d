"""``host.EnvironmentSchema``: environments with a custom URL, for provider configure forms."""
import pytest
from marshmallow import ValidationError, fields

from host import EnvironmentSchema, custom_url_field, environment_field

ENVIRONMENTS = [("production", "Production"), ("staging", "Staging"), ("custom", "Custom URL")]


class AcmeSchema(EnvironmentSchema):
    BLANK_IS_NONE = ("custom_base_url", "webhook_secret")
    api_key = fields.String(required=True)
    environment = environment_field(ENVIRONMENTS)
    custom_base_url = custom_url_field("Custom URL", "The sandbox's address.")
    webhook_secret = fields.String(load_default=None, allow_none=True)


def test_defaults_to_production_and_blank_optional_inputs_are_not_set():
    loaded = AcmeSchema().load({"api_key": "k", "custom_base_url": "  ", "webhook_secret": ""})
    assert loaded == {"api_key": "k", "environment": "production", "custom_base_url": None, "webhook_secret": None}


def test_custom_needs_its_url_and_takes_a_loopback_one():
    with pytest.raises(ValidationError) as refused:
        AcmeSchema().load({"api_key": "k", "environment": "custom", "custom_base_url": ""})
    assert refused.value.messages == {"custom_base_url": [EnvironmentSchema.CUSTOM_URL_MISSING]}
    loaded = AcmeSchema().load({"api_key": "k", "environment": "custom", "custom_base_url": "http://127.0.0.1:8765"})
    assert loaded["custom_base_url"] == "http://127.0.0.1:8765"


def test_only_the_listed_environments_and_web_urls():
    with pytest.raises(ValidationError) as refused:
        AcmeSchema().load({"api_key": "k", "environment": "moon", "custom_base_url": "ftp://x"})
    assert set(refused.value.messages) == {"environment", "custom_base_url"}
    field = AcmeSchema().fields["environment"]
    assert field.metadata["choices"] == ENVIRONMENTS and field.metadata["label"] == "Environment"
