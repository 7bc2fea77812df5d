"""The contact card: how Memsource reaches the host through BeLazy.

The host shows message text escaped and turns e-mail addresses and https URLs
into links, so the card is plain text with the address and URLs written out,
never followed directly by a full stop (it would become part of the link).
"""
from host import Message

BELAZY_EMAIL = "info@belazy.cat"
BELAZY_CONTACT_PAGE = "https://belazy.cat/contact-us/"
MEMSOURCE_SIGNUP = "https://memsource.com/"

SUMMARY = (  # the contact details are in the card alone: one place per fact
    "Memsource (Phrase TMS) is integrated through BeLazy, which sets up and runs "
    "the connection on its side."
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
