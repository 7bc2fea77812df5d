"""The reference provider: a complete provider whose "remote" lives in memory.

It is registered in tests exactly as an entry point would register it, and is
the contract suite's reference implementation. Knobs on the instance let
tests inject failures: ``fail_next`` ("timeout_after_create", "crash",
"throttled", "wrong_type", "refuse_existing"), ``delay`` (seconds, to widen race windows),
``hang`` (seconds the interactive hooks ``link``, ``remote_status`` and ``remote_document`` sleep),
``tax_offset`` (the remote computes the first tax line this much higher,
like a remote that rounds differently; the preview says so).
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from decimal import Decimal

from marshmallow import Schema, fields, validate

from host import (
    Action,
    Message,
    ProviderInfo,
    RemoteDocument,
    RemoteInvoice,
    RemotePage,
    RemoteTaxLine,
    RemoteTotals,
    Result,
    Throttled,
    WebhookResponse,
    hookimpl,
)

GOOD_KEY = "reference-good-key"
FINAL_STATES = ("paid", "cancelled")


class ReferenceConfig(Schema):
    api_key = fields.String(required=True, metadata={"label": "API key", "secret": True})
    account = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"label": "Account"})
    send_copy = fields.Boolean(load_default=False, metadata={"label": "Send a copy"})
    webhook_secret = fields.String(load_default=None, allow_none=True, metadata={"label": "Webhook secret", "secret": True})


class ReferenceProvider:
    """One instance is one fake remote service with its own invoices."""

    def __init__(self, title: str = "Reference", web_base: str = "https://reference.invalid"):
        self.title = title
        self.web_base = web_base
        self.invoices: dict[str, RemoteInvoice] = {}
        self.by_attempt: dict[str, str] = {}
        self.customer_of: dict[str, str] = {}
        self.calls: list[str] = []
        self.fail_next: str | None = None
        self.delay = 0.0
        self.hang = 0.0
        self.tax_offset = Decimal(0)
        self._ids = itertools.count(1001)
        self._lock = threading.Lock()

    def _remote(self, remote_id: str) -> RemoteInvoice:
        return self.invoices[remote_id]

    @hookimpl
    def provider_info(self):
        return ProviderInfo(
            title=self.title,
            description="An in-memory provider used to test the host.",
            config_schema=ReferenceConfig,
            actions=(Action("ping", "Ping"),),
        )

    @hookimpl
    def validate_config(self, config, context):
        self.calls.append("validate_config")
        if config.get("api_key") != GOOD_KEY:
            return Result.failure("The API key was rejected.", "Copy the key again from your account settings.")
        if context.company.calculation.rounding_method != "half_up":
            return Result(ok=True, messages=(Message("warning", "Settings differ.", (f"Rounding method: host {context.company.calculation.rounding_method}, remote half_up",)),))
        return Result(ok=True, messages=(Message("info", f"{self.title} is set up correctly"),))

    @hookimpl
    def enable(self, context):
        self.calls.append("enable")
        return Result.success()

    @hookimpl
    def disable(self):
        self.calls.append("disable")
        return Result.success()

    def _fail(self):
        mode, self.fail_next = self.fail_next, None
        if mode == "crash":
            raise RuntimeError(f"boom with secret {GOOD_KEY}")
        if mode == "throttled":  # what context.throttle raises when the shared limit is full
            raise Throttled(12.5, "account")
        return mode

    def _computed(self, invoice) -> tuple[tuple[RemoteTaxLine, ...], Decimal]:
        """The remote's tax lines and total: ours, plus ``tax_offset`` on the first tax line."""
        lines = [RemoteTaxLine(t.tax.name, t.tax.percent, t.amount, t.base, t.tax) for t in invoice.tax_totals]
        if lines and self.tax_offset:
            lines[0] = replace(lines[0], amount=lines[0].amount + self.tax_offset, detail="rounding its own way")
        return tuple(lines), invoice.total + (self.tax_offset if lines else 0)

    @staticmethod
    def _problems(invoice) -> list[str]:
        problems = []
        if not invoice.lines:
            problems.append("The invoice has no lines.")
        if not invoice.client.tax_id:
            problems.append(f"Client {invoice.client.name} has no tax ID.")
        return problems

    @hookimpl
    def preview_remote_totals(self, invoice):
        self.calls.append("preview_remote_totals")
        if self._problems(invoice):
            return Result.blocked(self._problems(invoice))
        lines, total = self._computed(invoice)
        advice = ("align the reference rounding with this app's.",) if self.tax_offset else ()
        return RemoteTotals(currency=invoice.currency, total=total, tax_lines=lines,
                            tax_exclusive_total=invoice.tax_exclusive_total, advice=advice)

    @hookimpl
    def create_remote_invoice(self, invoice, attempt_id):
        self.calls.append("create_remote_invoice")
        problems = self._problems(invoice)
        if problems:
            return Result.blocked(problems)
        if self.delay:
            time.sleep(self.delay)
        mode = self._fail()
        if mode == "wrong_type":
            return {"ok": True}
        same_number = [r for r in self.invoices.values() if r.number == invoice.number]
        if mode == "refuse_existing" and same_number:
            return Result(ok=False, sent=False, remote=same_number[0], messages=(
                Message("error", f"Invoice {invoice.number} already exists in {self.title}; link it instead."),))
        with self._lock:
            existing = self.by_attempt.get(attempt_id)
            if existing is None:
                remote_id = str(next(self._ids))
                tax_lines, total = self._computed(invoice)
                self.invoices[remote_id] = RemoteInvoice(
                    remote_id=remote_id, number=invoice.number, url=f"{self.web_base}/invoices/{remote_id}",
                    state="new", total=total, currency=invoice.currency,
                    issue_date=invoice.issue_date, contact_name=invoice.client.name, tax_lines=tax_lines,
                )
                self.by_attempt[attempt_id] = remote_id
                self.customer_of[remote_id] = invoice.client.code
                existing = remote_id
        if mode == "timeout_after_create":
            return Result.failure("The request timed out; the invoice may have been created.", request_id="req-timeout",
                                  retry_after=30.0)
        return Result.success(f"Created {self.title} invoice {existing}.", remote=self._remote(existing), request_id=f"req-{existing}")

    @hookimpl
    def list_remote_invoices(self, invoice, search, page, per_page):
        self.calls.append("list_remote_invoices")
        rows = sorted(self.invoices.values(), key=lambda r: int(r.remote_id), reverse=True)
        if search.text:
            rows = [r for r in rows if search.text.lower() in (r.number or "").lower()]
        start = (page - 1) * per_page
        return RemotePage(items=tuple(rows[start:start + per_page]), page=page, per_page=per_page, total=len(rows))

    @hookimpl
    def link(self, invoice, remote_id):
        self.calls.append("link")
        if self.hang:
            time.sleep(self.hang)
        remote = self.invoices.get(remote_id)
        if remote is None:
            return Result.failure(f"{self.title} has no invoice {remote_id}.")
        messages = []
        if remote.number != invoice.number:
            messages.append(Message("warning", f"The {self.title} number {remote.number} differs from {invoice.number}."))
        return Result(ok=True, remote=remote, messages=(Message("success", f"Linked {self.title} invoice {remote_id}."), *messages))

    @hookimpl
    def unlink(self, link):
        self.calls.append("unlink")
        return Result.success()

    @hookimpl
    def remote_status(self, link):
        self.calls.append("remote_status")
        if self.hang:
            time.sleep(self.hang)
        remote = self.invoices.get(link.remote_id)
        if remote is None:
            return Result.failure(f"{self.title} invoice {link.remote_id} no longer exists.")
        return Result.success(f"{self.title} invoice {remote.remote_id} is {remote.state}.", remote=remote)

    @hookimpl
    def remote_document(self, link):
        self.calls.append("remote_document")
        if self.hang:
            time.sleep(self.hang)
        if link.remote_id not in self.invoices:
            return Result.failure(f"{self.title} has no document for invoice {link.remote_id}.")
        content = f"%PDF-1.4\n% {self.title} invoice {link.remote_id}\n%%EOF\n".encode()
        return RemoteDocument(filename=f"{link.number or link.remote_id}.pdf", content_type="application/pdf", content=content)

    @hookimpl
    def run_action(self, name, params):
        self.calls.append(f"run_action:{name}")
        return Result.success("Pong.")

    @hookimpl
    def handle_callback(self, params, context):
        self.calls.append("handle_callback")
        if params.get("code") != "good-code":
            return Result.failure("The authorization was refused.")
        context.secrets.set("access_token", "token-" + params["code"])
        context.state["connected"] = True
        context.save_state()
        context.needs_attention(None)
        return Result.success("Connected.")

    @hookimpl
    def handle_webhook(self, headers, body, config):
        self.calls.append("handle_webhook")
        expected = hmac.new(config["api_key"].encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get("x-signature", ""), expected):
            return WebhookResponse(status=401, message="bad signature")
        # body: "<remote id>=<state>" or "<remote id>=<state>@<unix time of the change>"
        remote_id, _, event = body.decode().partition("=")
        state, _, at = event.partition("@")
        changed_at = datetime.fromtimestamp(int(at), timezone.utc) if at.isdigit() else None
        if remote_id in self.invoices:
            remote = self.invoices[remote_id]
            self.invoices[remote_id] = replace(remote, state=state)
        return WebhookResponse(status=200, updates=(
            RemoteInvoice(remote_id=remote_id, state=state, final=state in FINAL_STATES, changed_at=changed_at),))

    def set_state(self, remote_id: str, state: str, total: Decimal | None = None) -> None:
        remote = self.invoices[remote_id]
        self.invoices[remote_id] = replace(remote, state=state, total=total if total is not None else remote.total,
                                           final=state in FINAL_STATES)
