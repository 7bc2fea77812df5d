"""The integration log: every integration action, newest first (admins, as on the pages)."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from host.integrations import history
from host.rest.auth import admin_required
from host.rest.common import PageArgs, page_of, page_schema
from host.rest.errors import API_PREFIX
from host.rest.integration_schemas import EventSchema


class LogArgs(PageArgs):
    provider = ma.fields.String(load_default="", validate=ma.validate.Length(max=60))
    outcome = ma.fields.String(load_default="", validate=ma.validate.OneOf(("",) + history.OUTCOMES))


def blueprints() -> list[Blueprint]:
    blp = Blueprint("api_log", __name__, url_prefix=f"{API_PREFIX}/log", description="The integration log (admins).")

    @blp.route("")
    class Log(MethodView):
        @admin_required
        @blp.arguments(LogArgs, location="query")
        @blp.response(200, page_schema(EventSchema, "LogPage"))
        @blp.doc(operationId="integration_log", summary="Integration events, newest first, by provider and outcome")
        def get(self, args):
            return page_of(history.log_query(args["provider"], args["outcome"]), args)

    return [blp]
