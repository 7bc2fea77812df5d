"""Memsource via BeLazy: a contact card and status for an integration run by BeLazy.

BeLazy connects Memsource (Phrase TMS) to the business system on its own
side, so this provider creates and links no invoices: it implements no
invoice hooks and the host shows no invoice section for it.
"""
from __future__ import annotations

from host import Action, Message, ProviderInfo, Result, hookimpl

from erp_host_memsource_belazy import status
from erp_host_memsource_belazy.contact import SUMMARY, contact_card

CHECK_CONNECTION = Action("check_connection", "Check connection")
MARK_ACTIVE = Action("mark_active", "Mark active via BeLazy", "primary")


@hookimpl
def provider_info():
    return ProviderInfo(
        title="Memsource via BeLazy",
        description=SUMMARY,
        config_schema="erp_host_memsource_belazy.settings:SettingsSchema",  # marshmallow: imported when used
        actions=(CHECK_CONNECTION, MARK_ACTIVE),
        homepage="https://belazy.cat/",
    )


@hookimpl
def validate_config(config):
    """Check the form; with a token, also ask Phrase TMS whether it is valid.

    Only a rejected token (HTTP 401/403) refuses the save: the token serves
    the status check alone, so an outage at Phrase must not block settings.
    """
    from erp_host_memsource_belazy import phrase  # requests: at the first check, not at plugin load
    from erp_host_memsource_belazy.settings import config_problems  # marshmallow: likewise

    problems = config_problems(config)
    if problems:
        return Result.blocked(problems, "Memsource via BeLazy settings need fixing:")
    token = (config.get("phrase_api_token") or "").strip()
    if not token:
        return Result(ok=True, messages=(contact_card(),))
    try:
        me = phrase.who_am_i(_base_url(config), token, contact=config.get("contact_email"))
    except phrase.PhraseError as exc:
        if exc.status in (401, 403):
            return Result.failure("The Phrase TMS API token was not accepted.", exc.reason, error_detail=exc.body)
        notice = Message("warning", "The Phrase TMS API token could not be checked now.", (exc.reason,))
        return Result(ok=True, messages=(contact_card(), notice), error_detail=exc.body)
    verified = Message("success", f"Phrase TMS token belongs to {me.user_name} ({me.organization}).")
    return Result(ok=True, messages=(contact_card(), verified))


def _base_url(config) -> str:
    from erp_host_memsource_belazy.settings import EU_BASE_URL

    return config.get("phrase_base_url") or EU_BASE_URL


@hookimpl
def enable(context):
    return status.record_request(context)


@hookimpl
def run_action(name, config, context):
    if name == MARK_ACTIVE.name:
        return status.mark_active(context)
    if name == CHECK_CONNECTION.name:
        return check_connection(config, context)
    return Result.failure(f"Memsource via BeLazy has no action {name!r}.")


def check_connection(config, context) -> Result:
    """Ask Phrase TMS who the token belongs to; without a token, say who manages the connection."""
    from erp_host_memsource_belazy import phrase

    token = (config.get("phrase_api_token") or "").strip()
    if not token:
        status.record_check(context, True, "managed by BeLazy (no token to check)")
        return Result.success(
            "The Memsource connection is managed by BeLazy: there is nothing to check from here. "
            "To check it yourself, save a Phrase TMS API token in the settings."
        )
    try:
        me = phrase.who_am_i(_base_url(config), token, contact=config.get("contact_email"))
    except phrase.PhraseError as exc:
        status.record_check(context, False, exc.reason)
        return Result.failure(
            "Could not check the Phrase TMS connection.", exc.reason, error_detail=exc.body)
    who = f"{me.user_name} ({me.full_name})" if me.full_name else me.user_name
    details = tuple(
        line
        for line in (
            f"User: {who}",
            f"E-mail: {me.email}" if me.email else None,
            f"Role: {me.role}" if me.role else None,
            f"Organisation: {me.organization}",
            f"Edition: {me.edition}" if me.edition else None,
        )
        if line
    )
    status.record_check(context, True, f"connected as {me.user_name} in {me.organization}")
    return Result(ok=True, messages=(Message("success", "Phrase TMS accepted the API token.", details),))
