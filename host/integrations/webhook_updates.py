"""Applying a webhook's verified updates to the linked invoices (a ``webhook`` job).

States never move back: a final state stays final, and an update whose
``changed_at`` (the provider's time of the change) is older than the newest
change already applied to the link is ignored and noted in the history.
Replays of a whole event never get here (``host.integrations.webhook_events``).
"""
from __future__ import annotations

from datetime import datetime, timezone

from host.api import RemoteInvoice
from host.extensions import db
from host.integrations import history
from host.jobs.recovery import aware
from host.jobs.sync import next_sync
from host.models import RemoteLink
from host.payments import apply_provider_report


def _now() -> datetime:
    return datetime.now(timezone.utc)


def newest(known: datetime | None, moment: datetime | None) -> datetime | None:
    """The later of two remote change times (either may be unknown)."""
    known, moment = aware(known), aware(moment)
    if known is None or moment is None:
        return known or moment
    return max(known, moment)


def _ignored(link: RemoteLink, remote: RemoteInvoice) -> str | None:
    """Why a webhook update must not be applied to ``link``: states never move back."""
    if link.remote_final and not remote.final:
        return f"Ignored a change to {remote.state}: the invoice's state {link.remote_state} is final."
    known, moment = aware(link.remote_changed_at), aware(remote.changed_at)
    if known is not None and moment is not None and moment < known:
        return (f"Ignored a late event (state {remote.state} at {moment:%Y-%m-%d %H:%M:%S} UTC): "
                f"the state {link.remote_state} is newer.")
    return None


def apply(key: str, updates: tuple[RemoteInvoice, ...], action: str = "webhook") -> int:
    """Store pushed state changes on the linked invoices; returns how many matched.

    A final state stays final, and an update older (``changed_at``) than the
    newest one applied to the link is ignored, so replays and late deliveries
    never move a state back. Payment information is handed to
    ``host.payments`` (which keeps the newest report by ``reported_at``).
    ``action`` names the source in the history ("webhook", "catch-up")."""
    matched = 0
    for remote in updates:
        link = db.session.execute(db.select(RemoteLink).filter_by(provider=key, remote_id=remote.remote_id)).scalar_one_or_none()
        if link is None:
            continue
        matched += 1
        apply_provider_report(link.invoice, key, remote)
        why_not = _ignored(link, remote)
        if why_not:
            history.record(key, action, "ok", why_not, invoice_id=link.invoice_id)
            continue
        previous = link.remote_state
        link.remote_state = remote.state or link.remote_state
        link.remote_state_detail = remote.state_detail
        link.remote_final = link.remote_final or remote.final
        link.remote_changed_at = newest(link.remote_changed_at, remote.changed_at)
        if remote.total is not None:
            link.remote_total = remote.total
        if remote.balance is not None:
            link.remote_balance = remote.balance
        link.refreshed_at = _now()
        link.next_sync_at = next_sync(link, _now())
        if remote.state and (remote.state != previous or action == "webhook"):
            history.record(key, action, "ok", f"State changed to {remote.state}.", invoice_id=link.invoice_id)
    db.session.commit()
    return matched
