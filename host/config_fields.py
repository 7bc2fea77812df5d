"""Configure-form pieces for providers with environments (part of the plugin API, from ``host``).

Most providers talk to production, to a test environment, or, for the bundled
sandbox, to a custom URL. Subclass :class:`EnvironmentSchema` and declare::

    ENVIRONMENTS = [("production", "Production"), ("staging", "Staging"), ("custom", "Custom URL (the sandbox)")]

    class ConfigSchema(EnvironmentSchema):
        environment = environment_field(ENVIRONMENTS)
        custom_base_url = custom_url_field("Custom URL", "Only for the Custom environment: the API base URL.")
        api_key = fields.String(required=True, metadata={"label": "API key", "secret": True})

``custom`` then requires the URL, and an empty optional input means "not set".
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

CUSTOM = "custom"


def environment_field(environments: list[tuple[str, str]], default: str = "production") -> fields.String:
    """The ``environment`` choice: ``(value, label)`` pairs, one of them ``custom``."""
    return fields.String(load_default=default, validate=validate.OneOf([value for value, _ in environments]),
                         metadata={"label": "Environment", "choices": environments})


def custom_url_field(label: str, help: str) -> fields.Url:
    """The base URL the ``custom`` environment uses (http or https, loopback allowed)."""
    return fields.Url(require_tld=False, schemes={"http", "https"}, load_default=None, allow_none=True,
                      metadata={"label": label, "help": help})


class EnvironmentSchema(Schema):
    """A configure form with ``environment`` and ``custom_base_url`` fields."""

    #: Optional inputs for which an empty or blank value means "not set".
    BLANK_IS_NONE: tuple[str, ...] = ("custom_base_url",)
    #: The error on ``custom_base_url`` when ``custom`` is chosen without a URL.
    CUSTOM_URL_MISSING = "Enter the URL for the Custom environment."

    @pre_load
    def _blank_is_none(self, data, **kwargs):
        """HTML forms post empty strings for untouched inputs."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in self.BLANK_IS_NONE:
            if isinstance(data.get(name), str) and not data[name].strip():
                data[name] = None
        return data

    @validates_schema
    def _custom_needs_url(self, data, **kwargs):
        if data.get("environment") == CUSTOM and not data.get("custom_base_url"):
            raise ValidationError(self.CUSTOM_URL_MISSING, "custom_base_url")
