"""``enable``: verify the account once more and say which webhook to register in B2BRouter.

B2BRouter has no API to register webhooks (reference §10): the admin adds
one in the web app (Settings → Webhooks) for the invoice state event,
pointing at the host's webhook URL, and copies its secret into the
"Webhook secret" setting. Until then the scheduled status sync keeps the
states up to date.
"""
from __future__ import annotations

from host import Message, ProviderContext, Result

from erp_host_b2brouter import api_facts
from erp_host_b2brouter.client import Client
from erp_host_b2brouter.config import Settings
from erp_host_b2brouter.errors import ApiError


def enable(settings: Settings, context: ProviderContext, client: Client) -> Result:
    """A real call with the saved key: the provider is enabled only if the account answers."""
    try:
        account = client.get_account(settings.account_id)
    except ApiError as error:
        return error.to_result(f"B2BRouter account {settings.account_id} could not be verified, so B2BRouter "
                               "stays disabled.", sent=False)
    name = account.get("name") or "no name"
    verified = Message("success", f"B2BRouter account {settings.account_id} ({name}) verified.")
    return Result(ok=True, messages=(verified, webhook_notice(settings, context.webhook_url)))


def webhook_notice(settings: Settings, url: str) -> Message:
    """What to register in B2BRouter so invoice states arrive at once."""
    event = api_facts.WEBHOOK_STATE_CHANGE
    if not url:
        return Message("warning", "This installation has no public URL (set PUBLIC_URL), so B2BRouter cannot "
                       "call its webhook: invoice states are brought up to date by the scheduled sync only.")
    if not settings.webhook_secret:
        return Message("warning", f"Register the webhook in B2BRouter (Settings → Webhooks): URL {url}, event "
                       f"“{event}”. Then paste the secret B2BRouter shows into “Webhook secret” here; until "
                       "then webhook calls are refused and states come from the scheduled sync.")
    return Message("info", f"Webhook to register in B2BRouter (Settings → Webhooks): URL {url}, event “{event}”, "
                   "with the secret saved here as “Webhook secret”.")
