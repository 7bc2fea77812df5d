"""An invoice's state at each provider: what its page sections and the API show."""
from __future__ import annotations

from decimal import Decimal

from host.extensions import db
from host.integrations.settings import registry, warnings_of
from host.jobs import service as jobs
from host.models import Invoice, ProviderSetting, RemoteLink


def invoice_states(invoice: Invoice, total: Decimal) -> list[dict]:
    """One entry per enabled provider that can create or link invoices, with
    its link, its latest job and its settings warnings: two queries in all
    (plus the latest jobs)."""
    providers = [p for p in registry().loaded() if p.implements("create_remote_invoice") or p.implements("link")]
    rows = {setting.provider: (setting, link) for setting, link in db.session.execute(
        db.select(ProviderSetting, RemoteLink)
        .outerjoin(RemoteLink, (RemoteLink.provider == ProviderSetting.provider) & (RemoteLink.invoice_id == invoice.id))
        .where(ProviderSetting.provider.in_([p.key for p in providers]), ProviderSetting.enabled)
    ).all()}
    jobs_by_provider = jobs.latest_jobs(invoice)
    panels = []
    for provider in providers:
        if provider.key not in rows:  # not enabled
            continue
        setting, link = rows[provider.key]
        job = jobs_by_provider.get(provider.key)
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
