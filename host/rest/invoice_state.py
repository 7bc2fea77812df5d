"""An invoice's state at each provider, as the API shows it."""
from __future__ import annotations

from decimal import Decimal

from host.extensions import db
from host.integrations.calls import provider_title
from host.integrations.settings import registry
from host.integrations.state import invoice_states
from host.models import Invoice, Job, RemoteLink


def state_json(key: str, title: str, link: RemoteLink | None, job: Job | None, total: Decimal) -> dict:
    return {"provider": key, "title": title, "link": link, "job": job,
            "total_differs": bool(link and link.remote_total is not None and link.remote_total != total)}


def integration_states(invoice: Invoice, total: Decimal) -> list[dict]:
    """Each enabled provider that takes invoices, then any other provider the invoice is linked to."""
    states = [state_json(s["provider"].key, provider_title(s["provider"]), s["link"], s["job"], total)
              for s in invoice_states(invoice, total)]
    shown = {state["provider"] for state in states}
    for link in db.session.execute(db.select(RemoteLink).filter_by(invoice_id=invoice.id)).scalars():
        if link.provider not in shown:
            provider = registry().providers.get(link.provider)
            title = provider_title(provider) if provider is not None else link.provider
            states.append(state_json(link.provider, title, link, None, total))
    return states
