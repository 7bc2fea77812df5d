"""The API's docs page: Swagger UI from the ``swagger-ui-bundle`` package,
served by the app itself (no CDN), started by a script file of ours (the
Content-Security-Policy allows no inline script)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, send_from_directory, url_for

from host.rest.errors import API_PREFIX

bp = Blueprint("api_docs_page", __name__, url_prefix=API_PREFIX + "/docs")
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png",
          "favicon-16x16.png"}


def _assets_folder() -> str:
    import swagger_ui_bundle

    return swagger_ui_bundle.swagger_ui_path


@bp.route("")
def page():
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))


@bp.route("/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404)
    return send_from_directory(_assets_folder(), name, max_age=86400)


def init_app(app, api) -> None:
    from host.auth import PUBLIC_BLUEPRINTS

    app.register_blueprint(bp)
    PUBLIC_BLUEPRINTS.update({bp.name, api._make_doc_blueprint_name()})
