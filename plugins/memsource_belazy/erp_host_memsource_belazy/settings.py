"""The configure form and the checks ``validate_config`` runs on it."""
from __future__ import annotations

from urllib.parse import urlsplit

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from erp_host_memsource_belazy.contact import BELAZY_EMAIL

EU_BASE_URL = "https://cloud.memsource.com/web"
US_BASE_URL = "https://us.cloud.memsource.com/web"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class SettingsSchema(Schema):
    contact_email = fields.Email(
        load_default=None,
        allow_none=True,
        metadata={
            "label": "Contact e-mail",
            "help": "Who asked BeLazy to set up the integration (optional).",
        },
    )
    phrase_base_url = fields.Url(
        load_default=EU_BASE_URL,
        require_tld=False,
        metadata={
            "label": "Phrase TMS base URL",
            "help": f"Only used by \"Check connection\". EU data centre: {EU_BASE_URL}; US data centre: {US_BASE_URL}.",
        },
    )
    phrase_api_token = fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "label": "Phrase TMS API token",
            "help": "Optional, for \"Check connection\" only: BeLazy manages the connection itself.",
            "secret": True,
        },
    )

    @pre_load
    def blank_is_missing(self, data, **kwargs):
        """HTML forms post empty strings for untouched optional inputs."""
        return {key: value for key, value in data.items() if not (isinstance(value, str) and not value.strip())}


def config_problems(config: dict) -> list[str]:
    """Every problem with ``config``, as sentences the admin can act on.

    Entered values are not repeated: the form shows them, and one may be a secret.
    """
    problems = []
    email = config.get("contact_email")
    if email:
        try:
            validate.Email()(email)
        except ValidationError:
            problems.append("Contact e-mail is not a valid e-mail address.")
        else:
            if email.strip().lower() == BELAZY_EMAIL:
                problems.append(
                    f"Contact e-mail: enter your own address (who asked BeLazy), not BeLazy's {BELAZY_EMAIL}."
                )
    problems.extend(_base_url_problems(config.get("phrase_base_url") or EU_BASE_URL))
    token = config.get("phrase_api_token")
    if token and any(ch.isspace() for ch in token.strip()):
        problems.append("Phrase TMS API token must not contain spaces; paste the token alone.")
    return problems


def _base_url_problems(url: str) -> list[str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"Phrase TMS base URL is not a web address; use e.g. {EU_BASE_URL}."]
    problems = []
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        problems.append("Phrase TMS base URL must use https://.")
    if not parts.path.rstrip("/").endswith("/web"):
        problems.append(f"Phrase TMS base URL must end with /web, e.g. {EU_BASE_URL} or {US_BASE_URL}.")
    return problems
