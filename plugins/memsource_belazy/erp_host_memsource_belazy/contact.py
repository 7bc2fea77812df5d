"""The contact card: how Memsource reaches the host through BeLazy.

The host shows message text escaped and turns e-mail addresses and https URLs
into links, so the card is plain text with the address and URLs written out,
never followed directly by a full stop (it would become part of the link).
"""
from host import Message

BELAZY_EMAIL = "info@belazy.cat"
BELAZY_CONTACT_PAGE = "https://belazy.cat/contact-us/"
MEMSOURCE_SIGNUP = "https://memsource.com/"

SUMMARY = (
    "Memsource (Phrase TMS) is integrated through BeLazy, which sets up and runs "
    f"the connection on its side. To enable it, contact the BeLazy team at {BELAZY_EMAIL} "
    f"(more contact details: {BELAZY_CONTACT_PAGE}). A Memsource account is needed "
    f"(register one at {MEMSOURCE_SIGNUP})."
)


def contact_card() -> Message:
    return Message(
        "info",
        "Memsource is integrated through BeLazy.",
        (
            f"To enable the integration, contact the BeLazy team at {BELAZY_EMAIL}",
            f"More contact details: {BELAZY_CONTACT_PAGE}",
            f"A Memsource account is needed. If you do not have one, register at {MEMSOURCE_SIGNUP}",
            "Enable records that you asked BeLazy; press \"Mark active via BeLazy\" once BeLazy confirms.",
        ),
    )
