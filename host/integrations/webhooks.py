"""Recording what became of a webhook call the host could not pass on."""
from __future__ import annotations

from host.api import Result, WebhookResponse
from host.extensions import db
from host.integrations import history


def record_crash(provider: str, result: Result) -> None:
    """The plugin raised while reading the call: the traceback (redacted) goes to the log."""
    history.record(provider, "webhook", "error", history.summary(result), error_detail=result.error_detail)
    db.session.commit()


def record_refusal(provider: str, response: WebhookResponse) -> None:
    """The plugin refused the call (bad signature, too old ...)."""
    history.record(provider, "webhook", "failed", f"Refused ({response.status}): {response.message}")
    db.session.commit()
