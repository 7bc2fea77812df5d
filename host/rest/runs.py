"""Bulk runs (one job per invoice) and single jobs: start a run with a list
of invoices or the invoice list's filter, read its progress, retry the
failed ones, cancel the rest; read any job."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from host.extensions import db
from host.integrations.invoices import NotAvailable
from host.invoice_filters import InvoiceFilters
from host.jobs import bulk
from host.models import BulkRun, Invoice, Job
from host.rest.auth import username
from host.rest.common import Id, PageArgs, page_of, page_schema
from host.rest.errors import API_PREFIX, Problem
from host.rest.integration_schemas import JobSchema, RunSchema
from host.rest.invoice_actions import provider_or_404
from host.rest.invoice_schemas import InvoiceFilterArgs


class RunStartSchema(ma.Schema):
    provider = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60), metadata={"example": "b2brouter"})
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(list(bulk.ACTIONS)),
                              metadata={"description": "create: push; refresh: read the remote state again."})
    invoice_ids = ma.fields.List(Id(), validate=ma.validate.Length(min=1, max=bulk.MAX_INVOICES), metadata={
        "description": "These invoices; or give filter."})
    filter = ma.fields.Nested(InvoiceFilterArgs, metadata={
        "description": f"Every invoice matching the invoice list's filter (at most {bulk.MAX_INVOICES})."})

    @ma.validates_schema
    def _one_selection(self, data, **_kwargs):
        if ("invoice_ids" in data) == ("filter" in data):
            raise ma.ValidationError("Give either invoice_ids or filter.", "_schema")


class CountSchema(ma.Schema):
    count = ma.fields.Integer(metadata={"description": "How many jobs were queued again or cancelled."})
    run = ma.fields.Nested(RunSchema)


def run_json(run: BulkRun, with_jobs: bool = True) -> dict:
    jobs = db.session.execute(db.select(Job).where(Job.run_id == run.id).order_by(Job.id)).scalars().all() \
        if with_jobs else []
    return {"id": run.id, "provider": run.provider, "action": run.action, "username": run.username,
            "created_at": run.created_at, "cancelled_at": run.cancelled_at, "progress": bulk.progress(run),
            "jobs": jobs}


def _run(run_id: int) -> BulkRun:
    run = db.session.get(BulkRun, run_id)
    if run is None:
        raise Problem(404, f"There is no bulk run {run_id}.")
    return run


def _invoices(data: dict) -> list[Invoice]:
    if "filter" in data:
        f = data["filter"]
        filters = InvoiceFilters(client=f.get("client"), status=f.get("status", ""), date_from=f.get("date_from"),
                                 date_to=f.get("date_to"), integration=f.get("integration", ""))
        return db.session.execute(filters.query().limit(bulk.MAX_INVOICES)).scalars().all()
    ids = sorted(set(data["invoice_ids"]))
    found = db.session.execute(db.select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id)).scalars().all()
    missing = sorted(set(ids) - {invoice.id for invoice in found})
    if missing:
        raise Problem(422, "Some invoices do not exist; nothing was started.",
                      errors={"invoice_ids": [f"There is no invoice {number}." for number in missing[:20]]})
    return found


def blueprints() -> list[Blueprint]:
    blp = Blueprint("api_runs", __name__, url_prefix=f"{API_PREFIX}",
                    description="Bulk runs (push or refresh many invoices) and jobs.")
    run_page = page_schema(RunSchema, "RunPage")

    @blp.route("/runs")
    class Runs(MethodView):
        @blp.arguments(PageArgs, location="query")
        @blp.response(200, run_page)
        @blp.doc(operationId="list_runs", summary="Bulk runs, newest first (without their jobs)")
        def get(self, args):
            result = page_of(db.select(BulkRun).order_by(BulkRun.id.desc()), args)
            result["items"] = [run_json(run, with_jobs=False) for run in result["items"]]
            return result

        @blp.arguments(RunStartSchema, example={"provider": "quickbooks", "action": "create",
                                                "filter": {"integration": "missing:quickbooks", "status": "issued"}})
        @blp.response(202, RunSchema)
        @blp.doc(operationId="start_run", summary="Start a bulk run over a list of invoices or a filter")
        def post(self, data):
            provider_or_404(data["provider"])
            invoices = _invoices(data)
            if not invoices:
                raise Problem(422, "No invoice matches; nothing was started.")
            try:
                run = bulk.start(data["provider"], data["action"], invoices, username())
            except NotAvailable as reason:
                raise Problem(409, str(reason), reasons=[str(reason)]) from None
            return run_json(run)

    @blp.route("/runs/<int:run_id>")
    class RunItem(MethodView):
        @blp.response(200, RunSchema)
        @blp.doc(operationId="read_run", summary="A run's progress and each invoice's job")
        def get(self, run_id):
            return run_json(_run(run_id))

    _run_actions(blp)
    return [blp]


def _run_actions(blp: Blueprint) -> None:
    """Retry, cancel, and read one job."""

    @blp.route("/runs/<int:run_id>/retry")
    class Retry(MethodView):
        @blp.response(202, CountSchema)
        @blp.doc(operationId="retry_run", summary="Queue the run's failed invoices again (blocked ones are not retried)")
        def post(self, run_id):
            run = _run(run_id)
            count = bulk.retry_failed(run, username())
            return {"count": count, "run": run_json(run)}

    @blp.route("/runs/<int:run_id>/cancel")
    class Cancel(MethodView):
        @blp.response(200, CountSchema)
        @blp.doc(operationId="cancel_run", summary="Cancel the run's jobs that have not started")
        def post(self, run_id):
            run = _run(run_id)
            count = bulk.cancel(run)
            return {"count": count, "run": run_json(run)}

    @blp.route("/jobs/<int:job_id>")
    class JobItem(MethodView):
        @blp.response(200, JobSchema)
        @blp.doc(operationId="read_job", summary="One job: its status, messages and every reason it failed or was blocked")
        def get(self, job_id):
            job = db.session.get(Job, job_id)
            if job is None:
                raise Problem(404, f"There is no job {job_id}.")
            return job
