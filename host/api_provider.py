"""What a provider declares about itself (its page, buttons, remote states) and
what it answers a webhook with (part of the plugin API: re-exported by
``host.api`` and ``host``)."""
from __future__ import annotations

import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from host.api import RemoteInvoice


@dataclass(frozen=True)
class Action:
    """A button on the provider's configure page (e.g. "Connect to QuickBooks").

    Clicking it calls the ``run_action`` hook with ``name``. ``when`` shows the
    button only while the provider is connected or not connected (see
    ``ProviderInfo.connected_state``); several actions may share a name, e.g. a
    primary "Connect" before connecting and a secondary "Reconnect" after.
    """

    name: str
    label: str
    style: Literal["primary", "secondary", "danger"] = "secondary"
    when: Literal["always", "connected", "not connected"] = "always"


@dataclass(frozen=True)
class InvoiceAction:
    """A button in a linked invoice's section (e.g. "Send via B2BRouter").

    Shown while the remote state is one of ``states`` (always, when empty).
    Clicking it queues a job that calls ``run_invoice_action`` with ``name``.
    """

    name: str
    label: str
    states: tuple[str, ...] = ()
    style: Literal["primary", "secondary", "danger"] = "primary"


@dataclass(frozen=True)
class RemoteState:
    """How a remote state key is shown: a word and a colour (``tone``) instead of the raw key."""

    key: str
    label: str
    tone: Literal["neutral", "info", "success", "warning", "error"] = "neutral"


@dataclass(frozen=True)
class ProviderInfo:
    """What the Integrations page shows about a provider.

    ``config_schema`` is a marshmallow ``Schema`` class, or its name as
    ``"package.module:ClassName"``: then the module is imported only when the
    configure form or the config is needed, so loading the plugin (e.g. for
    ``erp-host plugins``) does not import marshmallow. Each field becomes a
    form input; put ``metadata={"label": ..., "help": ..., "secret": True,
    "choices": [...]}`` on fields. Secret fields are encrypted at rest, masked in
    every page and log, and left unchanged when the admin submits them empty.

    ``connected_state`` names a key of the provider's ``context.state`` that is
    set once an account is connected (e.g. QuickBooks' ``realm_id``). While it is
    unset the Integrations pages say "not connected", and actions with
    ``when="connected"`` are hidden. When an action or callback changes it, the
    host runs ``validate_config`` again so the page's status is current.
    A provider that keeps ``context.state["status"]`` (a short label such as
    "Requested from BeLazy") has it shown as its status badge while enabled.
    """

    title: str
    description: str
    config_schema: type | str | None = None
    actions: tuple[Action, ...] = ()
    homepage: str | None = None
    connected_state: str | None = None
    invoice_actions: tuple[InvoiceAction, ...] = ()
    remote_states: tuple[RemoteState, ...] = ()  # remote state keys as words with colours

    def state(self, key: str | None) -> RemoteState | None:
        return next((s for s in self.remote_states if s.key == key), None)

    @property
    def schema_class(self) -> type | None:
        """``config_schema`` as a class (imported now when it was given by name)."""
        if isinstance(self.config_schema, str):
            return pkgutil.resolve_name(self.config_schema)
        return self.config_schema


@dataclass(frozen=True)
class WebhookResponse:
    """What ``handle_webhook`` returns: the HTTP status to answer and the state
    changes to apply to linked invoices (``RemoteInvoice`` with ``remote_id``).

    A status of 400 or more is a refusal: the host counts it in its log (at most
    one line per provider a minute) and writes no history. On a 2xx the host
    records ``event_id`` (the provider's event ID; when ``None``, the SHA-256 of
    the raw body) for :data:`WEBHOOK_EVENT_RETENTION`; the same event delivered
    again is answered 200 and changes nothing. Set ``changed_at`` on each update
    so an older event arriving late cannot move a state back.

    ``work``: a JSON-serialisable value for work that should not hold the
    provider's request (e.g. fetching the changed entities rather than
    trusting the event). The host answers at once, stores ``work`` in a
    background job and calls ``process_webhook(work)`` there; that call's
    ``updates`` are applied like these. ``process_webhook`` and ``catch_up``
    return this type too (their ``status`` and ``event_id`` are ignored).
    """

    status: int
    updates: tuple[RemoteInvoice, ...] = ()
    message: str = ""
    work: Any = None
    event_id: str | None = None
