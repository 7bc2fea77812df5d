"""The integration sections of the invoice page and their actions (users)."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup

from host.api import RemoteDocument, RemoteSearch
from host.extensions import db
from host.inputs import MAX_PAGE, int_arg
from host.integrations import history
from host.integrations import invoices as service
from host.integrations import updates
from host.integrations.panels import invoice_panels
from host.integrations.remote_check import mismatches
from host.integrations.settings import registry
from host.invoice_data import totals_for
from host.jobs import service as jobs
from host.models import Company, Invoice
from host.views.messages import flash_result

bp = Blueprint("invoice_integrations", __name__, url_prefix="/invoices/<int:invoice_id>/integrations/<provider>")
PICKER_PAGE_SIZE = 20


def panels_for(invoice: Invoice, total: Decimal) -> Markup:
    """HTML for every enabled provider that can create or link invoices, then the
    history; ``total`` is the invoice's local total, which the page already has."""
    return Markup(render_template("integrations/_invoice_panels.html", invoice=invoice,
                                  panels=invoice_panels(invoice, total), events=history.for_invoice(invoice.id),
                                  local_total=total))


def _invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        abort(404)
    return invoice


def _back(invoice_id: int, provider: str | None = None):
    anchor = f"#integration-{provider}" if provider else "#integrations"
    return redirect(url_for("invoices.show", invoice_id=invoice_id) + anchor)


def _answer(action, invoice_id: int, provider: str, *args):
    """The service's answer, or None after flashing why the provider cannot be used."""
    invoice = _invoice(invoice_id)
    try:
        return action(invoice, provider, *args, current_user.username)
    except service.NotAvailable as reason:
        flash(str(reason), "error")
        return None


def _run(action, invoice_id: int, provider: str, *args):
    result = _answer(action, invoice_id, provider, *args)
    if result is not None:
        flash_result(result, provider)
    return _back(invoice_id, provider)


def _queue(action, invoice_id: int, provider: str):
    """Queue a job; its section shows it running and then its outcome, so
    only a refusal is flashed."""
    result = _answer(action, invoice_id, provider)
    if result is not None and not result.ok:
        flash_result(result, provider)
    return _back(invoice_id, provider)


@bp.route("/create", methods=["POST"])
def create(invoice_id, provider):
    """Queue the creation of the remote invoice; the click returns at once."""
    return _queue(jobs.request_create, invoice_id, provider)


@bp.route("/refresh", methods=["POST"])
def refresh(invoice_id, provider):
    return _queue(jobs.request_refresh, invoice_id, provider)


@bp.route("/action/<name>", methods=["POST"])
def action(invoice_id, provider, name):
    """A provider's invoice action (e.g. "Send via B2BRouter"), queued as a job."""
    invoice = _invoice(invoice_id)
    try:
        result = jobs.request_action(invoice, provider, name, current_user.username)
    except service.NotAvailable as reason:
        flash(str(reason), "error")
        return _back(invoice_id, provider)
    if not result.ok:
        flash_result(result, provider)
    return _back(invoice_id, provider)


@bp.route("/panel")
def panel(invoice_id, provider):
    """The invoice's integration sections as HTML, and whether this provider's
    job is still running: the page polls it while a job runs."""
    invoice = _invoice(invoice_id)
    total = totals_for(invoice, Company.get()).total
    busy = any(p["busy"] for p in invoice_panels(invoice, total) if p["provider"].key == provider)
    return jsonify(busy=busy, html=str(panels_for(invoice, total)))


@bp.route("/update", methods=["POST"])
def update(invoice_id, provider):
    """"Update in <Provider>": send the edited invoice to the linked remote one."""
    return _run(updates.update_remote, invoice_id, provider)


@bp.route("/unlink", methods=["POST"])
def unlink(invoice_id, provider):
    return _run(service.unlink, invoice_id, provider)


@bp.route("/document", methods=["POST"])
def document(invoice_id, provider):
    """Fetch the remote document. A POST with the CSRF token: it calls the
    provider and writes the history, so a cross-site link must not trigger it."""
    answer = _answer(service.remote_document, invoice_id, provider)
    if isinstance(answer, RemoteDocument):
        return send_file(io.BytesIO(answer.content), mimetype=answer.content_type,
                         as_attachment=True, download_name=answer.filename)
    if answer is not None:
        flash_result(answer)
    return _back(invoice_id)


@bp.route("/link", methods=["POST"])
def link(invoice_id, provider):
    remote_id = request.form.get("remote_id", "").strip()
    if not remote_id:
        flash("Choose a remote invoice to link.", "error")
        return redirect(url_for(".pick", invoice_id=invoice_id, provider=provider))
    confirmed = request.form.get("confirm") == "1"  # "Link anyway" across customer or currency
    return _run(lambda invoice, key, rid, user: service.link_remote(invoice, key, rid, user, confirmed),
                invoice_id, provider, remote_id)


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/pick")
def pick(invoice_id, provider):
    invoice = _invoice(invoice_id)
    search = RemoteSearch(text=request.args.get("q", "").strip(), date_from=_date_arg("from"), date_to=_date_arg("to"))
    page_number = max(int_arg("page", 1, MAX_PAGE), 1)
    try:
        page = service.remote_page(invoice, provider, search, page_number, PICKER_PAGE_SIZE, current_user.username)
    except service.NotAvailable as reason:
        flash(str(reason), "error")
        return _back(invoice_id)
    title = registry().get(provider).info.title
    return render_template("integrations/pick.html", invoice=invoice, provider=provider, title=title, page=page,
                           search=search, elsewhere=service.linked_elsewhere(invoice, provider, page.items),
                           current=service.link_for(invoice, provider),
                           differences={r.remote_id: mismatches(r, invoice.client.name, invoice.currency) for r in page.items})

