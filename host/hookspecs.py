"""The plugin contract: every hook a provider plugin may implement.

A provider is one Python package registered under the ``erp_host`` entry-point
group; the entry-point name (``b2brouter``, ``quickbooks`` ...) is the provider
key. Implement hooks as module-level functions decorated with
``@host.hookimpl``. Only ``provider_info`` is required.

The host calls each hook on **exactly one provider**, the one named by the
user's action; no other plugin's code runs. Implement only the hooks your
provider supports: which hooks exist decides what the host shows (no
``create_remote_invoice`` means no section on invoice pages).

Like pytest hooks, implementations accept any subset of the documented
arguments, by name. Arguments:

- ``config``: the provider's saved settings, loaded through its schema, with
  secrets decrypted.
- ``context``: a :class:`host.ProviderContext` (company, secret store, state,
  lock, callback and webhook URLs, acting user).
- ``invoice``: a :class:`host.InvoiceData`; ``link``: a :class:`host.LinkData`.

Errors: return a :class:`host.Result` with ``ok=False`` for every failure you
expect (bad input, rejected credentials, remote errors, timeouts). Any
exception a hook raises is caught by the host, recorded in the history and
shown as "unexpected error"; it never breaks a page.
"""
import pluggy

hookspec = pluggy.HookspecMarker("erp_host")
hookimpl = pluggy.HookimplMarker("erp_host")


@hookspec(firstresult=True)
def provider_info():
    """Describe the provider. Called at start-up and for every page that lists it.

    :returns: :class:`host.ProviderInfo` (title, description, config schema, actions).
    """


@hookspec(firstresult=True)
def validate_config(config, context):
    """Check settings against the remote service. Called when the admin saves
    the configure form, enables the provider, or asks to re-check.

    The schema has already checked types and required fields. Here, check
    what only the remote can tell: credentials, account access, settings that
    must agree with the host's (``context.company.calculation``).

    :returns: :class:`host.Result`; ``ok=False`` with an ``error`` message
        refuses the save or enable. ``warning`` messages are kept and shown on
        the configure page (orange plate), ``info``/``success`` as the blue plate.
    """


@hookspec(firstresult=True)
def enable(config, context):
    """Called after ``validate_config`` passed, when the admin enables the provider.

    Give it a real job: verify the account with a real call (a key revoked
    since the last check keeps the provider disabled), say what the admin
    must register at the provider (e.g. ``context.webhook_url``), refuse
    until an OAuth connection exists, or record a request. Not implemented
    means nothing more to do.

    :returns: :class:`host.Result`; ``ok=False`` keeps the provider disabled.
    """


@hookspec(firstresult=True)
def disable(config, context):
    """Called when the admin disables the provider. Must not fail for remote
    reasons: the provider is disabled whatever this returns.

    :returns: :class:`host.Result`.
    """


@hookspec(firstresult=True)
def create_remote_invoice(invoice, config, context, attempt_id):
    """Create the remote counterpart of ``invoice``. Called from the invoice page.

    Check everything you can before any call and return
    ``Result.blocked(problems)`` listing *all* problems at once.
    ``attempt_id`` stays the same when the user retries after a failure whose
    outcome was unknown (``sent=True``); use it as an idempotency key, or look
    the invoice up before creating, so a retry never makes a second invoice.

    :returns: :class:`host.Result` with ``remote`` set when ``ok``.
    """


@hookspec(firstresult=True)
def preview_remote_totals(invoice, config, context):
    """Say what the remote will compute for ``invoice`` if it is created now.

    Required with ``create_remote_invoice``. The host calls it before every
    create and compares the answer with its own totals to the cent: on any
    difference in the total or a tax line the push is blocked, showing both
    figures, each tax line's ``detail`` (how the remote gets there, e.g.
    "rounding 7.1 % and 2 % separately") and ``advice`` (what to change).
    Predict with the remote's documented rules and its current settings
    (``host.recalculate`` gives the host's rule under other settings); reading
    from the remote is fine, creating or changing anything is not. When the
    plugin makes the remote take the host's amounts, return the host's.

    :returns: :class:`host.RemoteTotals`; or a :class:`host.Result` with
        ``ok=False`` (e.g. ``Result.blocked(problems)``) when no prediction can
        be made, which also stops the create.
    """


@hookspec(firstresult=True)
def list_remote_invoices(invoice, search, page, per_page, config, context):
    """List remote invoices the user may link ``invoice`` to (the link picker).

    :param search: :class:`host.RemoteSearch`.
    :param page: 1-based page number; ``per_page``: rows wanted.
    :returns: :class:`host.RemotePage`; on failure an empty page with an
        ``error`` message.
    """


@hookspec(firstresult=True)
def link(invoice, remote_id, config, context):
    """Link ``invoice`` to the existing remote invoice ``remote_id``.

    Read the remote invoice; return ``ok=False`` if it does not exist or may
    not be linked (e.g. another customer), and ``warning`` messages when its
    number or total differ from the local invoice.

    :returns: :class:`host.Result` with ``remote`` set when ``ok``.
    """


@hookspec(firstresult=True)
def unlink(invoice, link, config, context):
    """Called before the host deletes its link. The remote invoice must be left
    untouched. Not implemented means nothing to do.

    :returns: :class:`host.Result`; ``ok=False`` keeps the link. The host says
        itself that the link is gone and the remote invoice unchanged, so
        success messages are not shown (one message per fact); warnings and
        info are.
    """


@hookspec(firstresult=True)
def update_remote_invoice(invoice, link, config, context):
    """Send the edited ``invoice`` to its linked remote invoice ("Update in
    <Provider>" on the invoice page), where the service still allows changes
    (e.g. B2BRouter while the invoice is new).

    :returns: :class:`host.Result` with the fresh ``remote``; when the service
        no longer allows changes, ``ok=False`` with ``sent=False`` and a message
        saying what to do instead (unlink and create again, or a credit note).
    """


@hookspec(firstresult=True)
def remote_status(invoice, link, config, context):
    """Read the linked remote invoice again ("Refresh" on the invoice page).

    :returns: :class:`host.Result` with the fresh ``remote``.
    """


@hookspec(firstresult=True)
def remote_document(invoice, link, config, context):
    """Fetch the linked remote invoice's document ("Download PDF" on the invoice page).

    :returns: :class:`host.RemoteDocument` (filename, content type, bytes);
        on failure a :class:`host.Result` with ``ok=False`` saying why.
    """


@hookspec(firstresult=True)
def run_action(name, params, config, context):
    """Run a button from ``ProviderInfo.actions`` (configure page, admins only).

    :param name: the :class:`host.Action` name; ``params``: form fields posted.
    :returns: :class:`host.Result`; set ``redirect_url`` to send the browser
        elsewhere (e.g. an OAuth authorize page).
    """


@hookspec(firstresult=True)
def handle_callback(params, config, context):
    """The browser came back to ``context.callback_url`` (e.g. from OAuth).

    :param params: the query string, as a dict of strings.
    :returns: :class:`host.Result`, shown on the configure page.
    """


@hookspec(firstresult=True)
def handle_webhook(headers, body, config, context):
    """The provider called ``context.webhook_url``. No user is logged in:
    authenticate the request yourself (e.g. an HMAC signature) and refuse a
    request signed longer ago than your tolerance (at most
    ``host.WEBHOOK_EVENT_RETENTION``) with a 4xx status. Log nothing above
    debug level for a refusal: the host counts refusals in its own log, rate
    limited, and writes no history for them (anyone can call the URL).

    Replays and late events are the host's business, for every provider:

    - return the provider's event ID as ``event_id`` (the same for every
      delivery of one event); without one the host uses the SHA-256 of the raw
      body. An event already applied is answered 200 and changes nothing.
    - set ``changed_at`` (the event's time on the provider's clock) on each
      update: an update older than the newest one applied to that link is
      ignored, and a ``final`` state stays final.

    :param headers: dict with lower-case names; ``body``: the raw bytes.
    :returns: :class:`host.WebhookResponse`; the host applies its ``updates``
        to the linked invoices with those remote IDs.
    """


@hookspec(firstresult=True)
def process_webhook(work, config, context):
    """Do, in a background job, the work a webhook deferred (its
    ``WebhookResponse.work``): e.g. read the changed entities from the
    provider rather than trusting the event. Runs with the job deadline.

    :returns: :class:`host.WebhookResponse` whose ``updates`` the host applies
        (its ``status`` is ignored); or a failed :class:`host.Result`
        (``retry_after`` set: the job tries again then).
    """


@hookspec(firstresult=True)
def catch_up(since, config, context):
    """Report what changed remotely since ``since`` (an aware UTC datetime;
    ``None`` the first time), e.g. with a change-data-capture query: the
    safety net for webhooks missed while the host was down. The host calls
    it in a background job once per sync interval (``sync_minutes``).

    :returns: :class:`host.WebhookResponse` whose ``updates`` the host applies
        to linked invoices; or a failed :class:`host.Result`, after which the
        next call gets the same ``since``.
    """


@hookspec(firstresult=True)
def run_invoice_action(name, invoice, link, config, context):
    """Run one of ``ProviderInfo.invoice_actions`` on a linked invoice (e.g.
    send it), in a background job.

    :param name: the :class:`host.InvoiceAction` name; ``link``: :class:`host.LinkData`.
    :returns: :class:`host.Result`, with the fresh ``remote`` when it changed.
    """
