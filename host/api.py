"""The plugin-facing API: every type a provider plugin receives or returns.

A plugin imports only from ``host`` (which re-exports this module and
``hookimpl``); nothing else in the host package is part of the contract.
All money is :class:`decimal.Decimal`, all dates :class:`datetime.date`.
The types are frozen dataclasses so a plugin cannot change host data in place.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Callable, ContextManager, Literal, Protocol

from host.api_invoices import (  # the invoice data handed to plugins; part of this API
    AllowanceCharge,
    BankAccountData,
    CalculationSettings,
    ClientData,
    CompanyData,
    CreditedInvoice,
    InvoiceData,
    LineData,
    LinkData,
    PaymentMeansData,
    PaymentTermData,
    TaxData,
    TaxTotal,
)
from host.api_provider import (  # what a provider declares and answers; part of this API
    Action,
    InvoiceAction,
    ProviderInfo,
    RemoteState,
    WebhookResponse,
)

Level = Literal["info", "success", "warning", "error"]

#: The longest a plugin may sleep inside a hook (e.g. on a short ``Retry-After``).
#: Longer waits go back to the host as ``Result.retry_after``.
MAX_SLEEP = 2.0

#: How long the host remembers a webhook event it applied, to answer a replay
#: of it with 200 and change nothing. A plugin must refuse events signed
#: longer ago than this (B2BRouter: 300 s), so a replay can never outlive the memory.
WEBHOOK_EVENT_RETENTION = timedelta(days=2)


class Throttled(Exception):
    """Raised by ``ProviderContext.throttle`` when the shared rate limit has no
    room within :data:`MAX_SLEEP`. The host turns it into a failed ``Result``
    with ``retry_after`` (a job is rescheduled); plugins need not catch it."""

    def __init__(self, retry_after: float, name: str = ""):
        super().__init__(f"rate limit {name!r} reached; retry in {retry_after:.1f} s")
        self.retry_after = retry_after
        self.name = name


@dataclass(frozen=True)
class Message:
    """A user-facing message. ``details`` are shown as a bulleted list under ``text``.

    On the configure page ``info``/``success`` render as the blue plate,
    ``warning`` as the orange plate and ``error`` as the red plate.
    """

    level: Level
    text: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoteInvoice:
    """A provider's view of one remote invoice.

    Payments: set ``amount_paid`` (what the customer has paid so far, in the
    invoice's currency; ``total - balance`` when the provider keeps a balance)
    and ``paid_on`` (the date of the latest payment) whenever the provider
    knows them, and ``reported_at`` to the time the provider's data was last
    changed (e.g. QuickBooks' ``MetaData.LastUpdatedTime``). The host then
    marks the local invoice unpaid, partially paid or paid, records the
    report in the invoice history, and ignores a report older than the one
    it holds. ``amount_paid=None`` (the default) means "not reported".
    """

    remote_id: str
    number: str | None = None
    url: str | None = None
    state: str | None = None
    total: Decimal | None = None
    currency: str | None = None
    issue_date: date | None = None
    contact_name: str | None = None
    balance: Decimal | None = None
    state_detail: str | None = None  # e.g. B2BRouter's error text or refusal reason
    final: bool = False  # True when the state can no longer change (paid, cancelled, refused ...):
    #                      the host's scheduled status sync stops polling it
    tax_lines: tuple["RemoteTaxLine", ...] = ()  # the remote's tax lines, when it reports them
    amount_paid: Decimal | None = None
    paid_on: date | None = None
    reported_at: datetime | None = None
    changed_at: datetime | None = None  # when the remote made this state change, on its own clock
    #                      (e.g. a webhook event's time, with a time zone). The host keeps the newest
    #                      per link and ignores a webhook update older than it: states never move back.


@dataclass(frozen=True)
class RemoteTaxLine:
    """One tax line as a provider computes (or will compute) it.

    ``tax`` is the host tax it stands for, when the provider knows it (a
    preview does; a remote invoice read back may only know ``name`` and
    ``percent``). ``detail`` says how the remote got there, e.g. "rounding
    7.1 % and 2 % separately"; it is shown next to the figures.
    """

    name: str
    percent: Decimal
    amount: Decimal
    base: Decimal | None = None
    tax: "TaxData | None" = None
    detail: str = ""


@dataclass(frozen=True)
class RemoteTotals:
    """What ``preview_remote_totals`` returns: the totals the remote will compute
    for an invoice, before anything is sent.

    The host compares them with its own, to the cent, and blocks the push on
    any difference, showing ``advice`` (what to change) under the figures.
    A provider that will make the remote take the host's amounts (e.g. by
    sending them) returns the host's figures.
    """

    currency: str
    total: Decimal
    tax_lines: tuple[RemoteTaxLine, ...]
    tax_exclusive_total: Decimal | None = None
    advice: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """What every action hook returns.

    - ``ok``: the action did what was asked.
    - ``remote``: the remote invoice the action produced or read, if any.
    - ``messages``: shown to the user after the action, in order.
    - ``problems``: blocking problems found *before* anything was sent to the
      provider; a result with problems is never ``ok``. List them all at once.
    - ``request_id``/``error_detail``: the provider's request ID and raw error
      body, kept in the history for support (never shown in full to users).
    - ``sent``: ``False`` when the provider certainly created nothing remotely
      (bad input, rejected before creation). The host then releases the link it
      reserved. ``True`` (the default) when the outcome may exist remotely, e.g.
      a timeout: the host keeps the reservation, and a retry reuses the same
      ``attempt_id`` so the provider can return the first result.
    - ``retry_after``: seconds after which trying again makes sense (a 429 or
      503 ``Retry-After``, or, after an unknown outcome, the client's read
      timeout so the first request has surely landed before the retry looks
      for it). Background jobs are rescheduled then; on pages the user is told
      when to try again. Never sleep longer than :data:`host.MAX_SLEEP`.
    """

    ok: bool
    remote: RemoteInvoice | None = None
    messages: tuple[Message, ...] = ()
    problems: tuple[str, ...] = ()
    request_id: str | None = None
    error_detail: str | None = None
    sent: bool = True
    redirect_url: str | None = None  # actions only: send the admin's browser here (OAuth)
    retry_after: float | None = None

    def __post_init__(self) -> None:
        if self.problems and self.ok:
            raise ValueError("a Result with blocking problems cannot be ok")

    @classmethod
    def success(cls, text: str | None = None, **kwargs: Any) -> "Result":
        messages = (Message("success", text),) if text else ()
        return cls(ok=True, messages=messages + tuple(kwargs.pop("messages", ())), **kwargs)

    @classmethod
    def failure(cls, text: str, *details: str, **kwargs: Any) -> "Result":
        return cls(ok=False, messages=(Message("error", text, tuple(details)),), **kwargs)

    @classmethod
    def blocked(cls, problems: list[str] | tuple[str, ...], text: str | None = None) -> "Result":
        """Nothing was sent: ``problems`` must be fixed first."""
        return cls(
            ok=False,
            problems=tuple(problems),
            messages=(Message("error", text or "Fix these problems and try again:", tuple(problems)),),
            sent=False,
        )


@dataclass(frozen=True)
class RemoteDocument:
    """A file the provider holds for a linked invoice (e.g. its PDF)."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class RemotePage:
    """One page of remote invoices for the link picker.

    ``search_note`` says what the number search matches ("any part of the
    number", or "whole numbers only" where the service cannot search by part);
    ``scope`` says what the list is limited to besides the search, e.g. "invoices
    of the QuickBooks customer “Amy's Bird Sanctuary” (this invoice's client)".
    The picker shows both, so an empty list is never a mystery.
    """

    items: tuple[RemoteInvoice, ...]
    page: int
    per_page: int
    total: int | None = None  # None when the provider cannot count
    messages: tuple[Message, ...] = ()
    search_note: str = ""
    scope: str = ""

    @property
    def has_next(self) -> bool:
        if self.total is None:
            return len(self.items) == self.per_page
        return self.page * self.per_page < self.total


@dataclass(frozen=True)
class RemoteSearch:
    """What the user typed into the link picker. Empty fields mean "any"."""

    text: str = ""
    date_from: date | None = None
    date_to: date | None = None


class SecretStore(Protocol):
    """Encrypted per-provider storage for tokens a plugin obtains at run time."""

    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str | None) -> None: ...


@dataclass
class ProviderContext:
    """Everything the host lends a plugin for one call.

    - ``provider``: the provider key (the entry-point name).
    - ``company``: the host company, with its calculation settings.
    - ``secrets``: encrypted storage for tokens; values set here are saved
      (committed) immediately, so a rotated refresh token survives a crash.
    - ``state``: small non-secret, JSON-serialisable values the plugin keeps
      between calls (e.g. a QuickBooks realm ID). ``save_state()`` persists the
      top-level keys this call changed or removed, merged with what other calls
      saved meanwhile: give independent values their own keys.
    - ``lock(name)``: a lock shared by every worker process, for work that
      must not run twice at once (e.g. refreshing an OAuth token).
    - ``callback_url``: where an OAuth provider should send the browser back;
      the host routes it to ``handle_callback``.
    - ``webhook_url``: the public URL the host routes to ``handle_webhook``.
    - ``user``: the user acting, or ``None`` (webhooks, CLI).
    - ``needs_attention(text)``: flag the integration on the Integrations page
      (e.g. "Reconnect to QuickBooks"); ``needs_attention(None)`` clears it.
    - ``throttle(name, limit, per, concurrent=None)``: a context manager to
      hold around every request to the provider. At most ``limit`` requests
      per ``per`` seconds, and at most ``concurrent`` at once, pass under
      ``name`` across every worker process and machine of this installation
      (the limit lives in the job queue's storage). It waits at most
      :data:`MAX_SLEEP`, then raises :class:`Throttled`.
    """

    provider: str
    company: CompanyData
    secrets: SecretStore
    state: dict[str, Any]
    save_state: Callable[[], None]
    lock: Callable[[str], ContextManager[None]]
    needs_attention: Callable[[str | None], None]
    throttle: Callable[..., ContextManager[None]]
    callback_url: str = ""
    webhook_url: str = ""
    user: str | None = None

