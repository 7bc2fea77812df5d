"""Everything this plugin assumes about the B2BRouter API, in one place.

Source: ``shared/reference/b2brouter-api.md`` (section numbers in brackets).
Facts marked INFERRED or UNKNOWN there are marked the same here; when the
real API turns out different, change this module and nothing else. The
sandbox imports it too, so the fake and the client stay in step.
"""
from __future__ import annotations

# --- version and hosts [§1] -------------------------------------------------------

#: The one API version this plugin speaks, sent on every call. 2026-03-02 is
#: the official PHP SDK default: allowance_charges_attributes, 201 on create.
API_VERSION = "2026-03-02"

API_BASES = {
    "production": "https://api.b2brouter.net",
    "staging": "https://api-staging.b2brouter.net",
}
WEB_BASES = {
    "production": "https://app.b2brouter.net",
    "staging": "https://app-staging.b2brouter.net",
}

# --- headers [§2] ---------------------------------------------------------------

HEADER_API_KEY = "X-B2B-API-Key"
HEADER_API_VERSION = "X-B2B-API-Version"
#: Newest name first; older API versions used ``X-Request-Id``.
REQUEST_ID_HEADERS = ("X-B2B-API-Request-Id", "X-Request-Id")
WEBHOOK_SIGNATURE_HEADER = "X-B2Brouter-Signature"

# --- paging [§3] ----------------------------------------------------------------

MAX_LIMIT = 500
#: ``meta.total_count`` is documented; the PHP SDK reads ``meta.total``;
#: ``GET /accounts`` was seen answering flat. Tried in this order.
TOTAL_KEYS = ("total_count", "total")

# --- paths [§5, §7, §8] ---------------------------------------------------------

ACCOUNTS = "/accounts"
ACCOUNT = "/accounts/{account}"
CONTACTS = "/accounts/{account}/contacts"
INVOICES = "/accounts/{account}/invoices"
INVOICE = "/invoices/{id}"
#: Contact read and partial update [credit-send-payment §4, CONFIRMED-official SDK, API 2025-10-13+].
CONTACT = "/contacts/{id}"
#: Send a New invoice [credit-send-payment §2, CONFIRMED-official]; answers ``{"tax_report_ids"}`` (legacy: 204).
SEND_INVOICE = "/invoices/send_invoice/{id}"
#: Binary downloads: ``GET /invoices/{id}/as/{document_type}`` with ``Accept: application/pdf``
#: (PHP SDK, WooCommerce plugin). A 404 is also seen while the PDF is not generated yet.
INVOICE_DOCUMENT = "/invoices/{id}/as/{document_type}"
PDF_DOCUMENT_TYPE = "pdf.invoice"
PDF_CONTENT_TYPE = "application/pdf"
WEB_INVOICE = "/invoices/{id}"
#: Contact read and partial update [credit-send-payment §4, CONFIRMED-official SDK, API 2025-10-13+].
CONTACT = "/contacts/{id}"
#: Send a New invoice [credit-send-payment §2, CONFIRMED-official]; answers ``{"tax_report_ids"}`` (legacy: 204).
SEND_INVOICE = "/invoices/send_invoice/{id}"

# --- error codes seen in ``{"error": {"code": ...}}`` bodies [§1, §4] -------------

CODE_INVALID_KEY = "invalid_api_key"
CODE_INVALID_VERSION = "invalid_api_version"
CODE_VERSION_HOST_MISMATCH = "api_version_subdomain_mismatch"

# --- calculation settings on the account object [§6] ----------------------------

CALCULATION_FIELDS = ("rounding_method", "round_before_sum", "apply_taxes_per_line")
#: How B2BRouter computes totals, as far as it is documented: haltr's rules
#: [HISTORICAL] for the line nets, ``round_before_sum`` and the spread of
#: invoice-level allowances/charges over the tax bases; the reference's
#: reading of ``apply_taxes_per_line`` [INFERRED]: taxes computed and rounded
#: per line, so it overlaps with ``round_before_sum``. The host follows the
#: same rule (``host.money``), so the preview is ``host.recalculate`` with the
#: account's settings; the sandbox (``sandbox/calc.py``) implements it on its own.
CALCULATION_RULE = "haltr"
#: Only ``half_up`` was seen live; the other two come from haltr [HISTORICAL].
ROUNDING_METHODS = ("half_up", "bankers", "truncate")
#: Wording of the web-app section is from the Protemos wiki; the labels of the
#: three settings there are only in screenshots [UNKNOWN].
SETTINGS_LABELS = {
    "rounding_method": "Rounding method",
    "round_before_sum": "Round before sum",
    "apply_taxes_per_line": "Apply taxes per line",
}
REMOTE_SETTINGS_PLACE = 'B2BRouter: account settings, "Invoices and quotes" section'
HOST_SETTINGS_PLACE = "this app: Settings → Company"

# --- invoices [§7, §9] ----------------------------------------------------------

INVOICE_TYPE = "IssuedInvoice"  # B2B invoice; requires the contact's tax ID
TAX_CATEGORIES = ("S", "H", "AA", "AAA", "E", "Z", "AE", "NS", "G", "O", "K")
#: EAS "generic" scheme, used by the WooCommerce plugin when none is known.
DEFAULT_TIN_SCHEME = "9999"
#: VAT-number schemes by country, from the Peppol EAS code list (not in the
#: reference; B2BRouter returns schemes as 4-digit strings from 2026-03-02).
VAT_SCHEMES = {
    "AD": "9922", "AL": "9923", "BA": "9924", "BE": "9925", "BG": "9926", "CH": "9927", "CY": "9928",
    "CZ": "9929", "DE": "9930", "EE": "9931", "GB": "9932", "GR": "9933", "HR": "9934", "IE": "9935",
    "LI": "9936", "LT": "9937", "LU": "9938", "LV": "9939", "MC": "9940", "ME": "9941", "MK": "9942",
    "MT": "9943", "NL": "9944", "PL": "9945", "PT": "9946", "RO": "9947", "RS": "9948", "SI": "9949",
    "SK": "9950", "SM": "9951", "TR": "9952", "VA": "9953", "ES": "9920", "FR": "9957", "IT": "9906",
    "HU": "9910", "AT": "9914",
}
#: Which currencies B2BRouter accepts is not published [UNKNOWN]. This is the
#: set of currencies with two minor digits that EN 16931 e-invoices in Europe
#: commonly use; widen it when the service proves to accept more.
SUPPORTED_CURRENCIES = frozenset(
    "EUR USD GBP CHF SEK NOK DKK PLN CZK RON BGN HUF CAD AUD MXN BRL".split()
)
#: Reason text of an ``allowance_charges_attributes`` entry. The name is
#: [UNKNOWN] (credit-send-payment reference §6: "probably ``reason``"); EN 16931
#: needs one per document-level allowance/charge (BT-97/BT-104).
ALLOWANCE_CHARGE_REASON_FIELD = "reason"
#: Whether a charge is taxed: ``apply_taxes`` replaced ``apply_taxes_to_charge``
#: in 2026-03-02 [CONFIRMED-official, PHP SDK CHANGELOG 1.1.0].
CHARGE_TAXED_FIELD = "apply_taxes"
#: Free-text payment term field [INFERRED from the legacy create example].
PAYMENT_TERMS_FIELD = "payment_terms"
#: Rejection reason and send errors on the invoice object [CONFIRMED-3rd-party,
#: legacy]; ``error_message`` is what WooCommerce reads [unverified].
REFUSE_REASON_FIELD = "refuse_reason"
ERRORS_FIELD = "errors"
ERROR_MESSAGE_FIELD = "error_message"

#: Issued-invoice states [§7 States]; labels for people.
STATE_LABELS = {
    "new": "New (not sent yet)",
    "sending": "Sending",
    "sent": "Sent",
    "error": "Error",
    "read": "Read by the customer",
    "accepted": "Accepted",
    "registered": "Registered",
    "refused": "Refused",
    "allegedly_paid": "Allegedly paid",
    "paid": "Paid",
    "closed": "Closed",
    "cancelled": "Cancelled",
    "annulled": "Annulled",
    "issued": "Issued",
}

#: States after which an invoice no longer changes [INFERRED from §7]: the
#: host's scheduled sync stops polling them.
FINAL_STATES = frozenset({"paid", "closed", "cancelled", "annulled", "refused"})

#: States meaning the customer paid in full [§7]; ``paid_date`` is the date ``mark_as`` takes
#: [credit-send-payment §2, CONFIRMED-official SDK], read back when present [INFERRED], else
#: the date of ``state_updated_at``. ``closed`` follows ``paid`` in haltr's state machine [HISTORICAL].
PAID_STATES = frozenset({"paid", "closed"})
PAID_DATE_FIELD = "paid_date"

# --- rate limits ------------------------------------------------------------------

#: B2BRouter documents no rate limit [UNKNOWN]. Two requests a second is far
#: below what any API of its kind enforces, yet pushes a 500-invoice month-end
#: run (about three requests each) in under 15 minutes. The admin can change it.
DEFAULT_REQUESTS_PER_MINUTE = 120

# --- webhooks [§10] -------------------------------------------------------------

WEBHOOK_STATE_CHANGE = "issued_invoice.state_change"
#: WooCommerce rejects signatures older than five minutes.
WEBHOOK_TOLERANCE_SECONDS = 300

# --- error bodies [§4] ----------------------------------------------------------


def error_messages(body) -> list[str]:
    """Every human-readable message in a B2BRouter error body, leniently.

    Shapes seen or inferred: ``{"error": {"code", "message"}}``,
    ``{"message": ...}``, ``{"error": "..."}``, ``{"errors": ["..."]}`` and
    ``{"errors": {"field": ["..."]}}`` (the last two [INFERRED]).
    """
    if not isinstance(body, dict):
        return []
    found: list[str] = []
    error = body.get("error")
    if isinstance(error, dict):
        if error.get("message"):
            found.append(str(error["message"]))
        elif error.get("code"):
            found.append(str(error["code"]))
    elif isinstance(error, str) and error:
        found.append(error)
    if isinstance(body.get("message"), str) and body["message"] not in found:
        found.append(body["message"])
    errors = body.get("errors")
    if isinstance(errors, list):
        found.extend(str(e) for e in errors if e)
    elif isinstance(errors, dict):
        for field, problems in errors.items():
            for problem in problems if isinstance(problems, list) else [problems]:
                found.append(f"{field.replace('_', ' ').capitalize()} {problem}")
    return found


def error_code(body) -> str | None:
    """The machine code of ``{"error": {"code": ...}}``, if any."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        code = body["error"].get("code")
        return str(code) if code else None
    return None


# --- error bodies the sandbox answers with [§4] -----------------------------------


def error_body(code: str, message: str) -> dict:
    """``{"error": {"code", "message"}}``: the shape measured for 400/401 errors."""
    return {"error": {"code": code, "message": message}}


def validation_error_body(messages) -> dict:
    """A 422 body. The JSON form of the legacy ``<errors><error>`` list [INFERRED]."""
    return {"errors": list(messages)}
