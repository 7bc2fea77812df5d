"""``validate_config``: can this key reach this account, and do the settings agree?"""
from __future__ import annotations

from host import Message, ProviderContext, Result

from erp_host_b2brouter import settings_check
from erp_host_b2brouter.client import Client
from erp_host_b2brouter.config import Settings
from erp_host_b2brouter.errors import ApiError


def _unreachable(settings: Settings, error: ApiError) -> Result:
    return error.to_result(f"Could not reach the B2BRouter API at {settings.api_base}. Check the environment "
                   f"(now “{settings.environment}”) or the custom URL.")


def _not_an_api(settings: Settings, error: ApiError) -> Result:
    return error.to_result(f"The server at {settings.api_base} does not answer like the B2BRouter API. Check the "
                   f"environment (now “{settings.environment}”) or the custom URL.")


def _account_not_visible(settings: Settings, client: Client, error: ApiError) -> Result:
    try:
        accounts = client.list_accounts().items
    except ApiError as list_error:
        if list_error.kind == "malformed" or (list_error.status and not list_error.structured):
            return _not_an_api(settings, list_error)
        return error.to_result(f"The API key cannot see account {settings.account_id}.")
    if not accounts:
        seen = ("This API key sees no accounts at all.",)
    else:
        seen = ("Accounts this API key can see: "
                + "; ".join(f"{a.get('id')} ({a.get('name') or 'no name'})" for a in accounts) + ".",)
    text = f"The API key cannot see account {settings.account_id}: enter one of its accounts."
    return Result(ok=False, sent=False, request_id=error.request_id, error_detail=error.raw or error.message,
                  messages=(Message("error", text, seen),))


def check(settings: Settings, context: ProviderContext, client: Client) -> Result:
    """Read the account; the blue plate when its calculation settings match the host's, else the orange one."""
    try:
        account = client.get_account(settings.account_id)
    except ApiError as error:
        if error.kind in ("network", "timeout"):
            return _unreachable(settings, error)
        if error.kind == "malformed" or (error.kind in ("not_found", "http", "invalid") and not error.structured):
            return _not_an_api(settings, error)
        if error.kind in ("not_found", "forbidden"):
            return _account_not_visible(settings, client, error)
        return error.to_result()
    return Result(ok=True, messages=(settings_check.plate(account, context.company.calculation),))
