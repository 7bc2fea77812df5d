"""Schemas of integration state: jobs, links, history events, bulk runs, providers."""
from __future__ import annotations

import marshmallow as ma

from host.models import JOB_KINDS, JOB_STATUSES
from host.rest.common import DecimalString, UtcDateTime

Nullable = {"allow_none": True}


def reasons_of(messages) -> list[str]:
    """Every blocking reason in a job's or result's messages: their details, or their text when they have none."""
    reasons = []
    for message in messages or []:
        level, text, details = (message["level"], message["text"], message.get("details")) if isinstance(
            message, dict) else (message.level, message.text, message.details)
        if level in ("error", "warning"):
            reasons.extend(details or [text])
    return reasons


class MessageSchema(ma.Schema):
    level = ma.fields.String(metadata={"example": "error"})
    text = ma.fields.String(metadata={"example": "Fix these problems and try again:"})
    details = ma.fields.List(ma.fields.String(), metadata={"example": ["Client Freelance Collective has no tax ID."]})


class JobSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"enum": list(JOB_KINDS)})
    provider = ma.fields.String(metadata={"example": "b2brouter"})
    invoice_id = ma.fields.Integer(**Nullable)
    run_id = ma.fields.Integer(**Nullable)
    status = ma.fields.String(metadata={"enum": list(JOB_STATUSES), "description":
                                        "queued or running until it ends as done, failed, blocked or cancelled."})
    attempts = ma.fields.Integer()
    outcome = ma.fields.String(**Nullable, metadata={"description": "What the user is told."})
    messages = ma.fields.Method("_messages", metadata={"type": "array", "items": {"$ref": "#/components/schemas/Message"}})
    reasons = ma.fields.Method("_reasons", metadata={
        "type": "array", "items": {"type": "string"},
        "description": "Every reason it failed or was blocked (empty otherwise)."})
    not_before = UtcDateTime(**Nullable)
    created_at = UtcDateTime(**Nullable)
    started_at = UtcDateTime(**Nullable)
    finished_at = UtcDateTime(**Nullable)

    def _messages(self, job) -> list[dict]:
        return MessageSchema(many=True).dump((job.payload or {}).get("messages", []))

    def _reasons(self, job) -> list[str]:
        if job.status not in ("failed", "blocked"):
            return []
        return reasons_of((job.payload or {}).get("messages", [])) or ([job.outcome] if job.outcome else [])


class LinkSchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": ["pending", "linked", "failed"]})
    remote_id = ma.fields.String(**Nullable)
    remote_number = ma.fields.String(**Nullable)
    remote_url = ma.fields.String(**Nullable)
    remote_state = ma.fields.String(**Nullable)
    remote_state_detail = ma.fields.String(**Nullable)
    remote_total = DecimalString(**Nullable)
    remote_balance = DecimalString(**Nullable)
    remote_currency = ma.fields.String(**Nullable)
    remote_final = ma.fields.Boolean()
    last_error = ma.fields.String(**Nullable)
    linked_at = UtcDateTime(**Nullable)
    refreshed_at = UtcDateTime(**Nullable)
    next_sync_at = UtcDateTime(**Nullable)


class IntegrationStateSchema(ma.Schema):
    """An invoice at one provider: its link (null when not linked) and its latest create or refresh job."""

    provider = ma.fields.String(metadata={"example": "b2brouter"})
    title = ma.fields.String(metadata={"example": "B2BRouter"})
    link = ma.fields.Nested(LinkSchema, **Nullable)
    job = ma.fields.Nested(JobSchema, **Nullable)
    total_differs = ma.fields.Boolean(metadata={"description": "The remote total differs from ours."})


class EventSchema(ma.Schema):
    id = ma.fields.Integer()
    provider = ma.fields.String()
    invoice_id = ma.fields.Integer(**Nullable)
    username = ma.fields.String(**Nullable)
    action = ma.fields.String(metadata={"example": "create"})
    outcome = ma.fields.String(metadata={"example": "ok"})
    message = ma.fields.String()
    request_id = ma.fields.String(**Nullable)
    created_at = UtcDateTime()


class ProgressSchema(ma.Schema):
    total = ma.fields.Integer()
    queued = ma.fields.Integer(metadata={"description": "Waiting or running."})
    done = ma.fields.Integer()
    failed = ma.fields.Integer()
    blocked = ma.fields.Integer()
    cancelled = ma.fields.Integer()
    finished = ma.fields.Boolean()
    percent = ma.fields.Integer()
    per_minute = ma.fields.Float(**Nullable)
    seconds_left = ma.fields.Float(**Nullable)


class RunSchema(ma.Schema):
    id = ma.fields.Integer()
    provider = ma.fields.String()
    action = ma.fields.String(metadata={"enum": ["create", "refresh"]})
    username = ma.fields.String(**Nullable)
    created_at = UtcDateTime()
    cancelled_at = UtcDateTime(**Nullable)
    progress = ma.fields.Nested(ProgressSchema)
    jobs = ma.fields.List(ma.fields.Nested(JobSchema), metadata={"description": "One job per invoice."})


class ProviderSchema(ma.Schema):
    key = ma.fields.String(metadata={"example": "b2brouter"})
    title = ma.fields.String(**Nullable)
    distribution = ma.fields.String(**Nullable)
    version = ma.fields.String(**Nullable)
    enabled = ma.fields.Boolean()
    status = ma.fields.String(metadata={"example": "enabled", "description":
                                        "enabled, disabled, settings differ, needs attention or failed to load."})
    load_error = ma.fields.String(**Nullable)
    notices = ma.fields.List(ma.fields.Nested(MessageSchema))
    handles_invoices = ma.fields.Boolean()
