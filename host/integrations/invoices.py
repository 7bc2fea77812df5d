"""What users do with an invoice at a provider: create, link, refresh, unlink.

Create and refresh run as background jobs (``host.jobs``); this module holds
the steps they share with the interactive actions (link, unlink, document,
picker), which run in the request with a deadline.

Double-submit safety: before the provider is called, the (invoice, provider)
link row is reserved in its own committed transaction. A second request
finds the row (or fails on its unique constraint) and is refused, so one
click, two tabs or a retry can never create two remote invoices. The row
stays ``pending`` while a job owns it (a job that dies is resumed, see
``host.jobs.recovery``). A failure whose outcome is unknown keeps the row as
``failed`` with its ``attempt_id``; the retry reuses that ID as the
provider's idempotency key.
"""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from host.api import InvoiceData, LinkData, Message, RemoteDocument, RemoteInvoice, RemotePage, RemoteSearch, Result
from host.extensions import db
from host.integrations import history, remote_check
from host.integrations.calls import call, call_secrets, provider_title
from host.integrations.settings import is_enabled, registry
from host.integrations.webhook_updates import newest
from host.invoice_data import invoice_data
from host.jobs.sync import next_sync
from host.models import Invoice, RemoteLink
from host.payments import apply_provider_report
from host.plugins import Provider, UnknownProvider

IN_PROGRESS = "Another request for this invoice is in progress. Wait a moment and reload the page."


class NotAvailable(Exception):
    """The provider is not installed, not enabled or cannot do this."""


def available_provider(key: str, hook: str) -> Provider:
    try:
        provider = registry().get(key)
    except UnknownProvider:
        raise NotAvailable(f"The integration {key!r} is not installed.") from None
    if not is_enabled(key):
        raise NotAvailable(f"{provider_title(provider)} is not enabled. An admin can enable it in Settings → Integrations.")
    if not provider.implements(hook):
        raise NotAvailable(f"{provider_title(provider)} cannot do this.")
    return provider


def link_for(invoice: Invoice, key: str) -> RemoteLink | None:
    return db.session.execute(db.select(RemoteLink).filter_by(invoice_id=invoice.id, provider=key)).scalar_one_or_none()


def link_data(link: RemoteLink) -> LinkData:
    return LinkData(
        remote_id=link.remote_id,
        number=link.remote_number,
        url=link.remote_url,
        state=link.remote_state,
        total=link.remote_total,
        attempt_id=link.attempt_id,
        linked_at=link.linked_at,
    )


def _now() -> datetime:
    return datetime.now(timezone.utc)


def reserve(invoice: Invoice, key: str) -> tuple[RemoteLink | None, str | None]:
    """Claim the link row for one request or job. Returns (row, None) or (None, why not)."""
    existing = link_for(invoice, key)
    if existing is None:
        row = RemoteLink(invoice_id=invoice.id, provider=key, status="pending", attempt_id=uuid.uuid4().hex)
        db.session.add(row)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return None, IN_PROGRESS
        return row, None
    if existing.status == "linked":
        return None, f"This invoice is already linked to {existing.remote_number or existing.remote_id}."
    if existing.status != "failed":
        return None, IN_PROGRESS
    claimed = db.session.execute(
        update(RemoteLink)
        .where(RemoteLink.id == existing.id, RemoteLink.status == "failed")
        .values(status="pending", updated_at=_now())
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None, IN_PROGRESS
    db.session.refresh(existing)
    return existing, None


def release(link: RemoteLink, fresh_row: bool, error: str) -> None:
    """Give up a reservation: forget a row made for it, or mark an older one failed."""
    if fresh_row:
        db.session.delete(link)
    else:
        link.status = "failed"
        link.last_error = error


def _store_remote(link: RemoteLink, remote: RemoteInvoice, title: str | None = None) -> None:
    apply_provider_report(link.invoice, link.provider, remote, title)
    link.status = "linked"
    link.remote_id = remote.remote_id
    link.remote_number = remote.number
    link.remote_url = remote.url
    link.remote_state = remote.state
    link.remote_state_detail = remote.state_detail
    link.remote_total = remote.total
    link.remote_balance = remote.balance
    link.remote_currency = remote.currency
    link.remote_final = remote.final
    link.remote_changed_at = newest(link.remote_changed_at, remote.changed_at)
    link.last_error = None
    link.refreshed_at = _now()
    link.next_sync_at = next_sync(link, _now())


def settle(invoice: Invoice, local: InvoiceData, provider: Provider, action: str, link: RemoteLink,
           result: Result, username: str | None, fresh_row: bool) -> Result:
    """Store ``result`` on the reserved ``link`` and in the history, then commit."""
    title = provider_title(provider)
    secrets = call_secrets(provider.key)
    invoice_id, link_id = invoice.id, link.id
    if result.ok and result.remote is not None:
        _store_remote(link, result.remote, title)
        link.linked_at = _now()
        warning = remote_check.warning(result.remote, local, title)
        if warning:
            result = replace(result, messages=result.messages + (warning,))
    elif result.ok:
        result = Result.failure(f"{title} reported success but returned no invoice.", error_detail=result.error_detail)
    if not result.ok:
        release(link, fresh_row and not result.sent, history.summary(result))
    history.record_result(provider.key, action, result, secrets, invoice_id=invoice_id, username=username)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        other = db.session.execute(
            db.select(RemoteLink).filter_by(provider=provider.key, remote_id=result.remote.remote_id)
        ).scalar_one_or_none()
        held_by = other.invoice.number if other else "another invoice"
        row = db.session.get(RemoteLink, link_id)
        if row is not None and fresh_row:
            db.session.delete(row)
        elif row is not None:
            row.status = "failed"
        history.record(provider.key, action, "failed", f"Already linked to invoice {held_by}.", invoice_id=invoice_id, username=username)
        db.session.commit()
        return Result.failure(f"That {title} invoice is already linked to invoice {held_by}.", sent=False)
    return result


def _held_elsewhere(key: str, remote_id: str, invoice: Invoice) -> bool:
    """Another invoice is linked to it already (settle says which)."""
    return db.session.execute(db.select(RemoteLink.id).where(
        RemoteLink.provider == key, RemoteLink.remote_id == remote_id, RemoteLink.invoice_id != invoice.id)).first() is not None


def link_remote(invoice: Invoice, key: str, remote_id: str, username: str | None, confirmed: bool = False) -> Result:
    """Link to ``remote_id``; across customer or currency only when ``confirmed``."""
    provider = available_provider(key, "link")
    fresh_row = link_for(invoice, key) is None
    link, refusal = reserve(invoice, key)
    if link is None:
        return Result.failure(refusal, sent=False)
    data = invoice_data(invoice)
    result = call(provider, "link", username, invoice=data, remote_id=remote_id)
    if not result.ok:
        # linking creates nothing remotely; an earlier failed create keeps its attempt ID
        result = replace(result, sent=False)
    elif result.remote is not None and not confirmed and not _held_elsewhere(key, result.remote.remote_id, invoice):
        differs = remote_check.mismatches(result.remote, invoice.client.name, invoice.currency)
        if differs:
            result = Result.failure(
                f"Not linked: {provider_title(provider)} invoice {result.remote.number or remote_id} is for "
                f"{' and '.join(differs)}. To link it anyway, confirm in the list.", sent=False)
    return settle(invoice, data, provider, "link", link, result, username, fresh_row)


def store_status(invoice: Invoice, provider: Provider, link: RemoteLink, result: Result, local: InvoiceData,
                 username: str | None, record: bool = True, action: str = "refresh") -> Result:
    """Keep what ``remote_status`` answered on ``link`` (and, if ``record``, in the history)."""
    if result.ok and result.remote is not None:
        changed = (result.remote.state, result.remote.total) != (link.remote_state, link.remote_total)
        _store_remote(link, result.remote, provider_title(provider))
        warning = remote_check.warning(result.remote, local, provider_title(provider))
        if warning:
            result = replace(result, messages=result.messages + (warning,))
        record = record or changed
    elif not result.ok:
        link.last_error = history.summary(result)
        link.next_sync_at = next_sync(link, _now())
        record = True
    if record:
        history.record_result(provider.key, action, result, call_secrets(provider.key),
                              invoice_id=invoice.id, username=username)
    db.session.commit()
    return result


def unlink(invoice: Invoice, key: str, username: str | None) -> Result:
    """Remove the host's link; the remote invoice is left untouched."""
    try:
        provider = registry().get(key)
    except UnknownProvider:
        raise NotAvailable(f"The integration {key!r} is not installed.") from None
    link = link_for(invoice, key)
    if link is None:
        return Result.failure("This invoice is not linked.")
    if link.status == "pending":
        return Result.failure(f"A request to {provider_title(provider)} for this invoice is still in progress. "
                              "Unlink once it has finished.")
    result = Result.success()
    if provider.implements("unlink") and link.status == "linked":
        result = call(provider, "unlink", username, invoice=invoice_data(invoice), link=link_data(link))
    described = link.remote_number or link.remote_id or "the pending request"
    if result.ok:
        db.session.delete(link)
        kept = tuple(m for m in result.messages if m.level != "success")  # the host's message says it
        result = Result(ok=True, messages=kept + (Message("success", f"Unlinked {provider_title(provider)} invoice {described}. The {provider_title(provider)} invoice itself is unchanged."),))
    history.record_result(key, "unlink", result, call_secrets(key), invoice_id=invoice.id, username=username)
    db.session.commit()
    return result


def remote_document(invoice: Invoice, key: str, username: str | None) -> RemoteDocument | Result:
    """The linked remote invoice's document, or a failed ``Result`` saying why."""
    provider = available_provider(key, "remote_document")
    link = link_for(invoice, key)
    if link is None or link.status != "linked":
        return Result.failure("This invoice is not linked yet.")
    answer = call(provider, "remote_document", username, invoice=invoice_data(invoice), link=link_data(link))
    if isinstance(answer, RemoteDocument):
        history.record(key, "download", "ok", f"Downloaded {answer.filename} ({len(answer.content)} bytes).",
                       invoice_id=invoice.id, username=username)
    else:
        history.record_result(key, "download", answer, call_secrets(key), invoice_id=invoice.id, username=username)
    db.session.commit()
    return answer


def remote_page(invoice: Invoice, key: str, search: RemoteSearch, page: int, per_page: int, username: str | None) -> RemotePage:
    provider = available_provider(key, "list_remote_invoices")
    answer = call(provider, "list_remote_invoices", username,
                  invoice=invoice_data(invoice), search=search, page=page, per_page=per_page)
    if isinstance(answer, RemotePage):
        return answer
    history.record(key, "list", "error", history.summary(answer), invoice_id=invoice.id,
                   username=username, error_detail=answer.error_detail)
    db.session.commit()
    return RemotePage(items=(), page=page, per_page=per_page, total=0, messages=answer.messages)


def linked_elsewhere(invoice: Invoice, provider: str, remotes) -> dict:
    """``{remote_id: (invoice_id, number)}`` for those of ``remotes`` linked to another invoice."""
    ids = [remote.remote_id for remote in remotes]
    if not ids:
        return {}
    rows = db.session.execute(db.select(RemoteLink.remote_id, Invoice.id, Invoice.number)
                              .join(Invoice, Invoice.id == RemoteLink.invoice_id)
                              .where(RemoteLink.provider == provider, RemoteLink.remote_id.in_(ids),
                                     RemoteLink.invoice_id != invoice.id)).all()
    return {remote_id: (invoice_id, number) for remote_id, invoice_id, number in rows}


def links_by_invoice(invoice_ids: list[int], providers: list) -> dict:
    """``{(invoice_id, provider_key): RemoteLink}`` for the listed invoices: one statement."""
    if not invoice_ids or not providers:
        return {}
    found = db.session.execute(db.select(RemoteLink).where(
        RemoteLink.invoice_id.in_(invoice_ids), RemoteLink.provider.in_([p.key for p in providers]))).scalars()
    return {(link.invoice_id, link.provider): link for link in found}
