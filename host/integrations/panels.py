"""An invoice's state at each provider, as its page sections and the API show it: link, latest job, settings warnings."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func

from host.extensions import db
from host.integrations.settings import registry, warnings_of
from host.jobs import service as jobs
from host.models import Invoice, Job, ProviderSetting, RemoteLink


def invoice_panels(invoice: Invoice, total: Decimal) -> list[dict]:
    """One panel per enabled provider that can create or link invoices, with
    its link, its latest job and its settings warnings: one query in all.
    ``total`` is the invoice's local total (a differing remote total is flagged)."""
    providers = [p for p in registry().loaded() if p.implements("create_remote_invoice") or p.implements("link")]
    newest_job = (db.select(func.max(Job.id))
                  .where(Job.invoice_id == invoice.id, Job.kind.in_(jobs.USER_KINDS),
                         Job.provider == ProviderSetting.provider)
                  .correlate(ProviderSetting).scalar_subquery())
    rows = {setting.provider: (setting, link, job) for setting, link, job in db.session.execute(
        db.select(ProviderSetting, RemoteLink, Job)
        .outerjoin(RemoteLink, (RemoteLink.provider == ProviderSetting.provider) & (RemoteLink.invoice_id == invoice.id))
        .outerjoin(Job, Job.id == newest_job)
        .where(ProviderSetting.provider.in_([p.key for p in providers]), ProviderSetting.enabled)
    ).all()}
    panels = []
    for provider in providers:
        if provider.key not in rows:  # not enabled
            continue
        setting, link, job = rows[provider.key]
        info = provider.info
        actions = [a for a in (info.invoice_actions if info and provider.implements("run_invoice_action") else ())
                   if link is not None and link.status == "linked" and (not a.states or link.remote_state in a.states)]
        panels.append({
            "provider": provider, "link": link, "job": job, "actions": actions,
            "state": info.state(link.remote_state) if link is not None and info else None,
            "busy": bool(job and job.status in jobs.OPEN),
            "differs": bool(link and link.remote_total is not None and link.remote_total != total),
            "warnings": warnings_of(setting),
        })
    return panels
