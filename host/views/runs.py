"""Bulk runs: start one from the invoice list, follow it live, cancel or retry it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from host.extensions import db
from host.inputs import MAX_ROW_ID
from host.integrations.invoices import NotAvailable
from host.jobs import bulk
from host.models import BulkRun, Invoice, Job
from host.views.invoices import list_filters

bp = Blueprint("runs", __name__)


def _run(run_id: int) -> BulkRun:
    run = db.session.get(BulkRun, run_id)
    if run is None:
        abort(404)
    return run


def _chosen_invoices() -> list[Invoice]:
    if request.form.get("all_matching"):
        return db.session.execute(list_filters().query().limit(bulk.MAX_INVOICES)).scalars().all()
    ids = [int(value) for value in request.form.getlist("invoice")
           if value.isdigit() and len(value) <= 18 and int(value) <= MAX_ROW_ID]
    if not ids:
        return []
    return db.session.execute(db.select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id)).scalars().all()


@bp.route("/invoices/bulk", methods=["POST"])
def start():
    action, _, provider = request.form.get("action", "").partition(":")
    back = redirect(url_for("invoices.index", **list_filters().args()))
    if action not in bulk.ACTIONS or not provider:
        flash("Choose what to do with the selected invoices.", "error")
        return back
    invoices = _chosen_invoices()
    if not invoices:
        flash("Select at least one invoice, or “all matching”.", "error")
        return back
    try:
        run = bulk.start(provider, action, invoices, current_user.username)
    except NotAvailable as reason:
        flash(str(reason), "error")
        return back
    return redirect(url_for(".show", run_id=run.id))


def _context(run: BulkRun) -> dict:
    from host.integrations.settings import registry

    jobs = db.session.execute(db.select(Job).where(Job.run_id == run.id).order_by(Job.id)).scalars().all()
    provider = registry().providers.get(run.provider)
    title = provider.info.title if provider and provider.info else run.provider
    return {"run": run, "jobs": jobs, "progress": bulk.progress(run), "title": title,
            "verb": bulk.ACTIONS[run.action][1]}


@bp.route("/runs/<int:run_id>")
def show(run_id: int):
    return render_template("runs/show.html", **_context(_run(run_id)))


@bp.route("/runs/<int:run_id>/progress")
def progress(run_id: int):
    """The run's progress block as HTML, polled by the run page while jobs remain."""
    context = _context(_run(run_id))
    return jsonify(busy=not context["progress"].finished, html=render_template("runs/_progress.html", **context))


@bp.route("/runs/<int:run_id>/cancel", methods=["POST"])
def cancel(run_id: int):
    count = bulk.cancel(_run(run_id))
    flash(f"Cancelled {count} invoice(s) that had not started.", "success")
    return redirect(url_for(".show", run_id=run_id))


@bp.route("/runs/<int:run_id>/retry", methods=["POST"])
def retry(run_id: int):
    count = bulk.retry_failed(_run(run_id), current_user.username)
    flash(f"Queued {count} failed invoice(s) again." if count else "No failed invoice to retry.",
          "success" if count else "info")
    return redirect(url_for(".show", run_id=run_id))
