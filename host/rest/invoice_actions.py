"""One invoice at one provider: its state, create remote (a job), link a
remote ID, refresh (a job), update the linked remote invoice, unlink, and its
integration history.

The actions are the invoice page's, through the same services
(``host.jobs.service``, ``host.integrations.invoices``): the same refusals
with the same messages, every blocking reason listed.
"""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from host.api import Result
from host.extensions import db
from host.integrations import history
from host.integrations.log_filters import LogFilters
from host.integrations import invoices as service
from host.integrations import updates
from host.integrations.calls import provider_title
from host.integrations.settings import registry
from host.invoice_data import totals_for
from host.jobs import service as jobs
from host.models import Company, Job
from host.plugins import Provider, UnknownProvider
from host.rest.auth import username
from host.rest.common import PageArgs, page_of, page_schema
from host.rest.errors import API_PREFIX, Problem
from host.rest.integration_schemas import EventSchema, IntegrationStateSchema, JobSchema, reasons_of
from host.rest.invoice_state import state_json
from host.rest.invoices import get_invoice


class LinkArgs(ma.Schema):
    remote_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120),
                                 metadata={"description": "The provider's ID of the invoice to link.", "example": "4711"})


def provider_or_404(key: str) -> Provider:
    try:
        return registry().get(key)
    except UnknownProvider:
        raise Problem(404, f"The integration {key!r} is not installed.") from None


def result_problem(result: Result, status: int = 422, **extra) -> Problem:
    """A refused or failed action: its first message as the detail, every reason listed."""
    reasons = reasons_of(result.messages) or [m.text for m in result.messages]
    detail = history.summary(result) or "The provider refused."
    headers = {"Retry-After": str(max(1, round(result.retry_after)))} if result.retry_after else None
    return Problem(status, detail, reasons=reasons, headers=headers, **extra)


def _state(invoice, key: str) -> dict:
    provider = provider_or_404(key)
    total = totals_for(invoice, Company.get()).total
    return state_json(key, provider_title(provider), service.link_for(invoice, key),
                      jobs.latest_job(invoice, key), total)


def _queued(job: Job, refusal: str | None):
    """202 with the job; a refusal, or a job already blocked, is a problem listing every reason."""
    if refusal:
        raise Problem(409, refusal, reasons=[refusal], job=job.id)
    db.session.refresh(job)  # with an immediate queue, the job has already run
    if job.status == "blocked":
        payload = job.payload or {}
        raise Problem(422, job.outcome or "Blocked.", reasons=reasons_of(payload.get("messages")) or [job.outcome],
                      job=job.id)
    return job


def _action(action, invoice_id: int, key: str, *args):
    provider_or_404(key)
    invoice = get_invoice(invoice_id)
    try:
        return invoice, action(invoice, key, *args, username())
    except service.NotAvailable as reason:
        raise Problem(409, str(reason), reasons=[str(reason)]) from None


def blueprints() -> list[Blueprint]:
    blp = Blueprint("api_invoice_integrations", __name__,
                    url_prefix=f"{API_PREFIX}/invoices/<int:invoice_id>/integrations/<provider>",
                    description="One invoice at one provider: state, create, link, refresh, update, unlink, history.")
    history_page = page_schema(EventSchema, "EventPage")

    @blp.route("")
    class State(MethodView):
        @blp.response(200, IntegrationStateSchema)
        @blp.doc(operationId="read_invoice_integration", summary="The invoice's link and latest job at the provider")
        def get(self, invoice_id, provider):
            return _state(get_invoice(invoice_id), provider)

    @blp.route("/history")
    class History(MethodView):
        @blp.arguments(PageArgs, location="query")
        @blp.response(200, history_page)
        @blp.doc(operationId="invoice_integration_history", summary="The invoice's history at the provider, newest first")
        def get(self, args, invoice_id, provider):
            provider_or_404(provider)
            get_invoice(invoice_id)
            return page_of(LogFilters(provider=provider, invoice_id=invoice_id).query(), args)

    _actions(blp)
    return [blp]


def _actions(blp: Blueprint) -> None:
    """Create, refresh, link, update, unlink."""

    @blp.route("/create")
    class Create(MethodView):
        @blp.response(202, JobSchema)
        @blp.doc(operationId="create_remote_invoice", summary="Push: create the invoice at the provider (a job)")
        def post(self, invoice_id, provider):
            _invoice, (job, refusal) = _action(jobs.queue_create, invoice_id, provider)
            return _queued(job, refusal)

    @blp.route("/refresh")
    class Refresh(MethodView):
        @blp.response(202, JobSchema)
        @blp.doc(operationId="refresh_remote_invoice", summary="Read the remote invoice's state again (a job)")
        def post(self, invoice_id, provider):
            _invoice, (job, refusal) = _action(jobs.queue_refresh, invoice_id, provider)
            return _queued(job, refusal)

    @blp.route("/link")
    class Link(MethodView):
        @blp.arguments(LinkArgs, example={"remote_id": "4711"})
        @blp.response(200, IntegrationStateSchema)
        @blp.doc(operationId="link_remote_invoice", summary="Link an existing remote invoice by its ID")
        def post(self, data, invoice_id, provider):
            before = service.link_for(get_invoice(invoice_id), provider)
            invoice, result = _action(service.link_remote, invoice_id, provider, data["remote_id"].strip())
            if not result.ok:  # taken already (409), or the provider refused this remote invoice (422)
                raise result_problem(result, 409 if before is not None and before.status != "failed" else 422)
            return _state(invoice, provider)

    @blp.route("/update")
    class Update(MethodView):
        @blp.response(200, IntegrationStateSchema)
        @blp.doc(operationId="update_remote_invoice",
                 summary="Send the invoice as it is now to its linked remote invoice (where the provider allows)")
        def post(self, invoice_id, provider):
            invoice, result = _action(updates.update_remote, invoice_id, provider)
            if not result.ok:  # not linked (409), or the provider refused or failed (422, Retry-After if throttled)
                link = service.link_for(invoice, provider)  # a failed update leaves the link as it was
                raise result_problem(result, 409 if link is None or link.status != "linked" else 422)
            return _state(invoice, provider)

    @blp.route("/unlink")
    class Unlink(MethodView):
        @blp.response(200, IntegrationStateSchema)
        @blp.doc(operationId="unlink_remote_invoice", summary="Forget the link (the remote invoice is unchanged)")
        def post(self, invoice_id, provider):
            invoice, result = _action(service.unlink, invoice_id, provider)
            if not result.ok:
                raise result_problem(result, 409)
            return _state(invoice, provider)
