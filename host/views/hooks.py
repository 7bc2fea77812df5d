"""Where providers call back: the OAuth return (admin browser) and webhooks (no login)."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, jsonify, redirect, request, url_for
from flask_login import current_user

from host.auth import admin_required
from host.extensions import csrf, db
from host.integrations import admin, history
from host.api import Result
from host.integrations.calls import call
from host.jobs.service import queue_webhook_updates
from host.integrations.settings import is_enabled, registry
from host.plugins import UnknownProvider
from host.views.messages import flash_result

bp = Blueprint("hooks", __name__, url_prefix="/integrations")
log = logging.getLogger("host.webhooks")
MAX_WEBHOOK_BYTES = 1024 * 1024


@bp.route("/<provider>/callback")
@admin_required
def callback(provider):
    try:
        plugin = registry().get(provider)
    except UnknownProvider:
        abort(404)
    flash_result(admin.callback(plugin, request.args.to_dict(), current_user.username))
    return redirect(url_for("integrations.configure", provider=provider))


@bp.route("/<provider>/webhook", methods=["POST"])
@csrf.exempt
def webhook(provider):
    try:
        plugin = registry().get(provider)
    except UnknownProvider:
        abort(404)
    if not is_enabled(provider) or not plugin.implements("handle_webhook"):
        abort(404)
    request.max_content_length = MAX_WEBHOOK_BYTES + 1  # bounds chunked bodies too; one byte more shows excess
    body = request.get_data()
    if len(body) > MAX_WEBHOOK_BYTES:
        abort(413)
    headers = {name.lower(): value for name, value in request.headers.items()}
    response = call(plugin, "handle_webhook", None, headers=headers, body=body)
    if isinstance(response, Result):  # the plugin crashed
        history.record(provider, "webhook", "error", history.summary(response), error_detail=response.error_detail)
        db.session.commit()
        return jsonify(error="internal error"), 500
    if response.status >= 400:
        log.warning("webhook for %s refused (%s): %s from %s", provider, response.status, response.message, request.remote_addr)
        history.record(provider, "webhook", "failed", f"Refused ({response.status}): {response.message}")
        db.session.commit()
        return jsonify(error=response.message or "refused"), response.status
    job = queue_webhook_updates(provider, response.updates, response.work)
    return jsonify(ok=True, queued=len(response.updates), job=job.id if job else None), response.status
