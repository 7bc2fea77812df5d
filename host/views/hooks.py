"""Where providers call back: the OAuth return (admin browser) and webhooks (no login)."""
from __future__ import annotations


from flask import Blueprint, abort, jsonify, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from host.auth import admin_required
from host.extensions import csrf, db
from host.integrations import admin, history, webhook_events
from host.api import Result
from host.integrations.calls import call
from host.jobs.service import queue_webhook_updates
from host.integrations.settings import is_enabled, registry
from host.plugins import UnknownProvider
from host.views.messages import flash_result

bp = Blueprint("hooks", __name__, url_prefix="/integrations")
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


def _refuse(provider: str, status: int, reason: str):
    """Count the refusal in the log (rate limited); no history row."""
    webhook_events.refusals.refused(provider, status, reason, request.remote_addr)
    return jsonify(error=reason), status


@bp.route("/<provider>/webhook", methods=["POST"])
@csrf.exempt
def webhook(provider):
    """A provider's call. Refusals write no history; a replayed event is answered 200 and changes nothing."""
    try:
        plugin = registry().get(provider)
    except UnknownProvider:
        return _refuse(webhook_events.UNKNOWN_PROVIDER, 404, "not found")
    if not is_enabled(provider) or not plugin.implements("handle_webhook"):
        return _refuse(provider, 404, "not found")
    request.max_content_length = MAX_WEBHOOK_BYTES + 1  # bounds chunked bodies too; one byte more shows excess
    try:
        body = request.get_data()
    except RequestEntityTooLarge:
        body = None
    if body is None or len(body) > MAX_WEBHOOK_BYTES:
        return _refuse(provider, 413, "request body too large")
    headers = {name.lower(): value for name, value in request.headers.items()}
    response = call(plugin, "handle_webhook", None, headers=headers, body=body)
    if isinstance(response, Result):  # the plugin crashed
        history.record(provider, "webhook", "error", history.summary(response), error_detail=response.error_detail)
        db.session.commit()
        return jsonify(error="internal error"), 500
    if response.status >= 400:
        return _refuse(provider, response.status, response.message or "refused")
    if not webhook_events.claim(provider, webhook_events.event_key(response, body)):
        return jsonify(ok=True, duplicate=True, queued=0, job=None), 200
    job = queue_webhook_updates(provider, response.updates, response.work)
    db.session.commit()
    return jsonify(ok=True, queued=len(response.updates), job=job.id if job else None), response.status
