"""The REST API under ``/api/v1`` (flask-smorest on marshmallow), for automation and integrators.

- ``/api/v1/openapi.json``: the OpenAPI 3 document; ``/api/v1/docs``: Swagger UI, served locally.
- Authentication by personal API tokens only (:mod:`host.rest.auth`): no
  session cookie, no CSRF token.
- Errors are RFC 9457 problem details (:mod:`host.rest.errors`).
- Every POST may carry an ``Idempotency-Key`` (:mod:`host.rest.idempotency`).
- Requests are rate-limited per token with Flask-Limiter (``API_RATE_LIMIT``).

Each resource group is a module with its own blueprint; the business rules
live in the host's services (records, invoice_edit, integrations, jobs).
"""
from __future__ import annotations

import http
import os

import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from host.rest import errors
from host.rest.errors import API_PREFIX, ProblemSchema

DEFAULTS = {
    "API_TITLE": "erp-host",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": API_PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_RATE_LIMIT": os.environ.get("ERP_HOST_API_RATE_LIMIT") or "300 per minute",
}
DESCRIPTION = """Automation API of erp-host: clients, services, taxes, payment terms, invoices,
their links to each provider (create, link, refresh, unlink, history), bulk runs, providers and the
integration log.

**Authentication**: `Authorization: Bearer <token>`, a personal API token made on the *API tokens*
page. A token acts with its user's role: admins may also configure, enable and disable providers.

**Errors** are RFC 9457 problem details (`application/problem+json`).

**Idempotency**: every POST accepts an `Idempotency-Key` header (1–255 printable characters). The same
key with the same method, path and body returns the first response again for 24 hours (header
`Idempotent-Replayed: true`), even while the first request still runs; the same key with another
request is a 422. Keys belong to the token.

**Rate limit**: per token; a 429 says in `Retry-After` how many seconds to wait."""


class RestApi(Api):
    """flask-smorest's ``Api`` with problem details as the error format, and
    error handlers that leave the HTML pages' errors alone."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        errors.init_app(self._app)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, errors.PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457): what went wrong and what to do.",
                    "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, errors.PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def schema_name(schema) -> str:
    """Component names: ``ClientSchema`` → ``Client``; a partial one (PATCH bodies) → ``ClientPatch``."""
    name = resolve_schema_cls(schema).__name__.removesuffix("Schema")
    return name + "Patch" if isinstance(schema, ma.Schema) and schema.partial else name


def _rate_key() -> str:
    from flask_limiter.util import get_remote_address

    from host.rest.auth import bearer
    from host.rest.tokens import digest

    token = bearer()
    return "api-token:" + digest(token) if token else "api-address:" + get_remote_address()


def _modules():
    from host.rest import invoice_actions, invoices, logs, providers, records, runs

    return (records, invoices, invoice_actions, runs, providers, logs)


def init_app(app: Flask) -> RestApi:
    """Call after ``host.auth.init_app`` (which sets up the limiter)."""
    from host.auth import PUBLIC_BLUEPRINTS
    from host.extensions import csrf
    from host.rest import docs, idempotency
    from host.rest.auth import authenticate
    from host.rest.common import DecimalString, refuse_nul_in_json

    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    api = RestApi(app, spec_kwargs={"info": {"description": DESCRIPTION},
                                    "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})
    api.register_field(DecimalString, "string", None)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                                    "description": "A personal API token (erp_…)."})
    api.spec.options["security"] = [{"bearer": []}]
    limiter = app.extensions["erp_host_limiter"]
    limit = limiter.shared_limit(lambda: app.config["API_RATE_LIMIT"], scope="api", key_func=_rate_key)
    for module in _modules():
        for blueprint in module.blueprints():
            errors.init_blueprint(blueprint)
            csrf.exempt(blueprint)
            PUBLIC_BLUEPRINTS.add(blueprint.name)  # the token, not the session, decides (below)
            blueprint.before_request(authenticate)
            blueprint.before_request(refuse_nul_in_json)
            blueprint.before_request(idempotency.begin)
            blueprint.after_request(idempotency.finish)
            limit(blueprint)
            api.register_blueprint(blueprint)
    _document_idempotency_key(api)
    docs.init_app(app, api)
    app.extensions["erp_host_rest"] = api
    return api


IDEMPOTENCY_PARAMETER = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "description": "Replays the first response to a retried request for 24 hours; see the introduction.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}


def _document_idempotency_key(api: RestApi) -> None:
    """Every POST takes an ``Idempotency-Key`` header (handled for all of them in ``idempotency``)."""
    for operations in api.spec._paths.values():
        if "post" in operations:
            operations["post"].setdefault("parameters", []).append(dict(IDEMPOTENCY_PARAMETER))
