"""The API client, OAuth calls and lookups against Intuit's documented
request and response shapes (``responses`` mocks; sample payloads in ``samples/``)."""
from __future__ import annotations

import base64
import json
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from erp_host_quickbooks import client as client_module
from erp_host_quickbooks import oauth, tokens
from erp_host_quickbooks.client import QuickBooksClient
from erp_host_quickbooks.config import QuickBooksConfigSchema
from erp_host_quickbooks.endpoints import PRODUCTION, SANDBOX, for_config
from erp_host_quickbooks.faults import QuickBooksError, parse_fault
from erp_host_quickbooks.invoices import to_remote
from erp_host_quickbooks.lookups import Lookups, TTLCache
from host.testing import make_context

SAMPLES = Path(__file__).parent / "samples"
BASE = "http://127.0.0.1:8999"
REALM = "123145"
API = f"{BASE}/v3/company/{REALM}"
TOKEN_URL = f"{BASE}/oauth2/v1/tokens/bearer"
CONFIG = QuickBooksConfigSchema().load(
    {"client_id": "cid", "client_secret": "csecret", "environment": "custom", "custom_base_url": BASE}
)


def sample(name) -> str:
    return (SAMPLES / name).read_text()


def sample_json(name) -> dict:
    return json.loads(sample(name))


@pytest.fixture
def context():
    ctx = make_context("quickbooks", state={"realm_id": REALM})
    tokens.save(ctx, {"access_token": "old-access", "refresh_token": "old-refresh",
                      "expires_at": int(time.time()) + 3600, "refresh_expires_at": int(time.time()) + 86400})
    return ctx


@pytest.fixture
def slept():
    """The backoff delays the client asked for (it does not really sleep)."""
    return []


@pytest.fixture
def qb(context, slept):
    return QuickBooksClient(CONFIG, context, sleep=slept.append)


def query_of(call) -> str:
    return parse_qs(urlsplit(call.request.url).query)["query"][0]


def params_of(call) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


# --- endpoints and config ------------------------------------------------------------


def test_endpoints_per_environment():
    assert for_config({"environment": "production"}).company("1", "query") == "https://quickbooks.api.intuit.com/v3/company/1/query"
    assert for_config({"environment": "sandbox"}).api == "https://sandbox-quickbooks.api.intuit.com"
    assert PRODUCTION.invoice_page("238") == "https://app.qbo.intuit.com/app/invoice?txnId=238"
    assert SANDBOX.invoice_page("238") == "https://sandbox.qbo.intuit.com/app/invoice?txnId=238"
    assert PRODUCTION.authorize == SANDBOX.authorize == "https://appcenter.intuit.com/connect/oauth2"
    assert for_config(CONFIG).token == TOKEN_URL


def test_config_schema():
    schema = QuickBooksConfigSchema()
    assert schema.fields["client_secret"].metadata["secret"]
    assert schema.load({"client_id": "a", "client_secret": "b", "custom_base_url": ""})["environment"] == "production"
    errors = schema.validate({"client_id": "a", "client_secret": "b", "environment": "custom"})
    assert "custom_base_url" in errors
    assert "environment" in schema.validate({"client_id": "a", "client_secret": "b", "environment": "mars"})


# --- requests --------------------------------------------------------------------------


@responses.activate
def test_query_shape_headers_and_minorversion(qb):
    responses.get(f"{API}/query", body=sample("customer_query_response.json"))
    result = qb.query("SELECT * FROM Customer")
    call = responses.calls[0]
    assert params_of(call) == {"query": "SELECT * FROM Customer", "minorversion": "75"}
    assert call.request.headers["Authorization"] == "Bearer old-access"
    assert call.request.headers["Accept"] == "application/json"
    assert [c["DisplayName"] for c in result["Customer"]] == ["Amy's Bird Sanctuary", "Weiskopf Consulting"]
    assert result["Customer"][0]["Balance"] == Decimal("274.0")  # amounts are Decimal


@responses.activate
def test_customer_lookup_escapes_and_needs_the_exact_name(qb):
    responses.get(f"{API}/query", body=sample("customer_query_response.json"))
    lookups = Lookups(qb, TTLCache())
    assert lookups.customer("Amy's Bird Sanctuary")["Id"] == "1"
    assert query_of(responses.calls[0]) == (
        "SELECT * FROM Customer WHERE Active IN (true, false) AND DisplayName = 'Amy\\'s Bird Sanctuary' MAXRESULTS 10"
    )
    # QuickBooks may match case-insensitively; only the exact display name counts
    assert lookups.customer("amy's bird sanctuary") is None
    assert lookups.customer("Amy's Bird Sanctuary")["Id"] == "1"
    assert len(responses.calls) == 2  # the second exact look-up came from the cache


@responses.activate
def test_backslashes_and_quotes_in_names(qb):
    responses.get(f"{API}/query", body=sample("query_response_empty.json"))
    assert Lookups(qb, TTLCache()).customer('Back\\Slash "B" Books\'') is None
    assert query_of(responses.calls[0]).endswith("DisplayName = 'Back\\\\Slash \"B\" Books\\'' MAXRESULTS 10")


@responses.activate
def test_items_in_one_query_and_categories_by_full_name(qb):
    responses.get(f"{API}/query", body=sample("item_query_response.json"))
    found = Lookups(qb, TTLCache()).items(["Design", "Concrete", "Missing", "Design"])
    assert query_of(responses.calls[0]) == (
        "SELECT * FROM Item WHERE Active IN (true, false) AND Name IN ('Design', 'Concrete', 'Missing') MAXRESULTS 1000"
    )
    assert found["Design"]["Id"] == "4" and found["Concrete"]["Id"] == "3" and found["Missing"] is None


@responses.activate
def test_company_settings_from_companyinfo_and_preferences(qb):
    responses.get(f"{API}/companyinfo/{REALM}", body=sample("companyinfo_read_response.json"))
    responses.get(f"{API}/preferences", body=sample("preferences_read_response_trimmed.json"))
    settings = Lookups(qb, TTLCache()).settings()
    assert (settings.name, settings.country, settings.home_currency) == ("Larry's Bakery", "US", "USD")
    assert not settings.multicurrency and not settings.custom_numbers and settings.using_sales_tax


@responses.activate
def test_tax_code_percent_sums_its_rates(qb):
    codes = sample_json("taxcode_query_response_us.json")["QueryResponse"]["TaxCode"]
    rates = {r["Id"]: r for r in sample_json("taxrate_query_response.json")["QueryResponse"]["TaxRate"]}
    for rate_id, rate in rates.items():
        responses.get(f"{API}/taxrate/{rate_id}", json={"TaxRate": rate, "time": "x"})
    lookups = Lookups(qb, TTLCache())
    tucson = next(c for c in codes if c["Name"] == "Tucson")
    assert lookups.tax_code_percent(tucson) == Decimal("9.1")  # AZ 7.1 + Tucson City 2
    assert lookups.tax_code_percent(next(c for c in codes if c["Name"] == "California")) == Decimal("8")


@responses.activate
def test_create_invoice_sends_requestid_minorversion_and_numbers(qb):
    responses.post(f"{API}/invoice", body=sample("invoice_create_response.json"))
    body = {"CustomerRef": {"value": "1"}, "Line": [{"DetailType": "SalesItemLineDetail", "Amount": Decimal("100.00"),
                                                     "SalesItemLineDetail": {"ItemRef": {"value": "1"}}}]}
    created = qb.create_invoice(body, "attempt-1")
    call = responses.calls[0]
    assert params_of(call) == {"requestid": "attempt-1", "minorversion": "75"}
    assert call.request.headers["Content-Type"] == "application/json"
    sent = json.loads(call.request.body)
    assert sent["Line"][0]["Amount"] == 100.0 and isinstance(sent["Line"][0]["Amount"], float)
    assert "Invoice" not in sent  # the bare object, no wrapper
    remote = to_remote(created, PRODUCTION, "USD")
    assert (remote.remote_id, remote.number, remote.state) == ("238", "1069", "open")
    assert remote.total == Decimal("100.0") and remote.balance == Decimal("100.0")
    assert remote.url == "https://app.qbo.intuit.com/app/invoice?txnId=238"
    assert remote.contact_name == "Amy's Bird Sanctuary" and str(remote.issue_date) == "2015-07-24"


def test_to_remote_paid_partly_paid_and_voided():
    invoice = sample_json("invoice_read_response_us_tax.json")["Invoice"]
    assert to_remote(invoice, SANDBOX).total == Decimal("362.07")
    assert to_remote({**invoice, "Balance": 0}, SANDBOX).state == "paid"
    partly = to_remote({**invoice, "Balance": 100}, SANDBOX)
    assert partly.state == "open" and "Partly paid" in partly.state_detail
    assert to_remote({**invoice, "Balance": 0, "TotalAmt": 0, "PrivateNote": "Voided"}, SANDBOX).state == "voided"


# --- faults ------------------------------------------------------------------------------


def test_faults_parse_in_both_casings():
    kind, errors = parse_fault(sample("fault_401_authentication_lowercase.json"))
    assert kind == "AUTHENTICATION" and errors[0].code == "3200" and errors[0].detail.startswith("Token expired")
    kind, errors = parse_fault(sample("fault_6140_duplicate_docnumber.json"))
    assert kind == "ValidationFault" and errors[0].code == "6140" and "DocNumber=1234" in errors[0].detail
    assert parse_fault("<html>oops</html>") == ("", ())


@pytest.mark.parametrize("name, code, words", [
    ("fault_6000_business_validation_tax_missing.json", "6000", "business validation"),
    ("fault_6140_duplicate_docnumber.json", "6140", "number is already used"),
    ("fault_6240_duplicate_name.json", "6240", "already used by another customer"),
])
@responses.activate
def test_validation_faults_become_clear_messages(qb, name, code, words):
    responses.post(f"{API}/invoice", body=sample(name), status=400, headers={"intuit_tid": "tid-1"})
    with pytest.raises(QuickBooksError) as info:
        qb.create_invoice({}, "r1")
    error = info.value
    text, details = error.message()
    assert error.kind == "fault" and error.codes == (code,) and not error.sent
    assert words in text and details and error.request_id == "tid-1" and code in error.body
    assert len(responses.calls) == 1  # a validation fault is not retried


@responses.activate
def test_stale_object_5010(qb):
    responses.post(f"{API}/invoice", status=400, json={"Fault": {"Error": [
        {"Message": "Stale Object Error", "Detail": "Stale Object Error : You and root were working on this at the same time.",
         "code": "5010", "element": ""}], "type": "ValidationFault"}})
    with pytest.raises(QuickBooksError) as info:
        qb.create_invoice({}, "r1")
    assert "stale object" in info.value.message()[0]


@responses.activate
def test_401_refreshes_once_saves_the_new_refresh_token_then_retries(qb, context):
    responses.get(f"{API}/preferences", body=sample("fault_401_authentication_lowercase.json"), status=401)
    responses.get(f"{API}/preferences", body=sample("preferences_read_response_trimmed.json"))
    responses.post(TOKEN_URL, body=sample("oauth_token_response.json"))
    assert qb.preferences()["CurrencyPrefs"]["HomeCurrency"]["value"] == "USD"
    token_call = responses.calls[1]
    assert token_call.request.url == TOKEN_URL
    assert parse_qs(token_call.request.body) == {"grant_type": ["refresh_token"], "refresh_token": ["old-refresh"],
                                                 "scope": ["com.intuit.quickbooks.accounting"]}
    assert token_call.request.headers["Authorization"] == "Basic " + base64.b64encode(b"cid:csecret").decode()
    assert responses.calls[2].request.headers["Authorization"] == "Bearer sample_access_token"
    stored = tokens.load(context)
    assert stored["refresh_token"] == "sample_refresh_token" and stored["expires_at"] > time.time() + 3000


@responses.activate
def test_401_after_refresh_is_an_auth_error(qb):
    responses.get(f"{API}/preferences", body=sample("fault_401_authentication_lowercase.json"), status=401)
    responses.post(TOKEN_URL, body=sample("oauth_token_response.json"))
    with pytest.raises(QuickBooksError) as info:
        qb.preferences()
    assert info.value.kind == "auth" and "Reconnect" in info.value.message()[0]
    assert len([c for c in responses.calls if c.request.url == TOKEN_URL]) == 1


@responses.activate
def test_expiring_token_is_refreshed_before_the_call(qb, context):
    stored = tokens.load(context)
    tokens.save(context, {**stored, "expires_at": int(time.time()) + 60})
    responses.post(TOKEN_URL, body=sample("oauth_token_response.json"))
    responses.get(f"{API}/preferences", body=sample("preferences_read_response_trimmed.json"))
    qb.preferences()
    assert responses.calls[0].request.url == TOKEN_URL
    assert responses.calls[1].request.headers["Authorization"] == "Bearer sample_access_token"


@responses.activate
def test_invalid_grant_asks_to_reconnect(qb, context):
    tokens.save(context, {**tokens.load(context), "expires_at": 0})
    responses.post(TOKEN_URL, body=sample("oauth_token_error_invalid_grant.json"), status=400,
                   headers={"intuit_tid": "tid-9"})
    with pytest.raises(QuickBooksError) as info:
        qb.preferences()
    assert info.value.kind == "reconnect" and info.value.request_id == "tid-9"
    assert context.attention == "Reconnect to QuickBooks"
    assert tokens.load(context)["refresh_token"] == "old-refresh"  # nothing overwritten


@responses.activate
def test_403_lowercase_fault(qb):
    responses.get(f"{API}/preferences", status=403, headers={"intuit_tid": "tid-403"},
                  body=sample("fault_403_application_authorization_failed_lowercase.json"))
    with pytest.raises(QuickBooksError) as info:
        qb.preferences()
    assert info.value.kind == "forbidden" and info.value.codes == ("3100",) and info.value.request_id == "tid-403"
    assert "admin" in info.value.message()[0]


@responses.activate
def test_429_is_retried_with_growing_backoff(qb, slept):
    for _ in range(2):
        responses.get(f"{API}/preferences", body=sample("fault_429_throttle_exceeded.json"), status=429)
    responses.get(f"{API}/preferences", body=sample("preferences_read_response_trimmed.json"))
    qb.preferences()
    assert len(slept) == 2 and slept[1] > slept[0] >= client_module.BACKOFF_BASE


@responses.activate
def test_429_that_persists_becomes_a_throttle_message(qb, slept):
    responses.get(f"{API}/preferences", body=sample("fault_429_throttle_exceeded.json"), status=429)
    with pytest.raises(QuickBooksError) as info:
        qb.preferences()
    assert info.value.kind == "throttled" and not info.value.sent
    assert len(slept) == client_module.MAX_RETRIES and len(responses.calls) == client_module.MAX_RETRIES + 1


@responses.activate
def test_5xx_retried_for_reads_not_for_creates(qb, slept):
    responses.get(f"{API}/preferences", status=503, body="Service Unavailable")
    responses.get(f"{API}/preferences", body=sample("preferences_read_response_trimmed.json"))
    qb.preferences()
    responses.post(f"{API}/invoice", status=500, body="{}")
    with pytest.raises(QuickBooksError) as info:
        qb.create_invoice({}, "r1")
    assert info.value.kind == "server" and info.value.sent and "HTTP 500" in info.value.message()[0]
    assert len([c for c in responses.calls if c.request.method == "POST"]) == 1


def test_not_connected():
    qb = QuickBooksClient(CONFIG, make_context("quickbooks"))
    with pytest.raises(QuickBooksError) as info:
        qb.preferences()
    assert info.value.kind == "not_connected"


# --- OAuth ---------------------------------------------------------------------------------


def test_authorization_url():
    url = oauth.authorization_url(CONFIG, for_config(CONFIG), "http://127.0.0.1:5000/cb", "st4te")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{BASE}/connect/oauth2"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "response_type": "code", "client_id": "cid", "redirect_uri": "http://127.0.0.1:5000/cb",
        "scope": "com.intuit.quickbooks.accounting", "state": "st4te"}


@responses.activate
def test_code_exchange():
    responses.post(TOKEN_URL, body=sample("oauth_token_response.json"))
    got = oauth.exchange_code(CONFIG, for_config(CONFIG), "http://127.0.0.1:5000/cb", "the-code")
    body = parse_qs(responses.calls[0].request.body)
    assert body["grant_type"] == ["authorization_code"] and body["code"] == ["the-code"]
    assert body["redirect_uri"] == ["http://127.0.0.1:5000/cb"]
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert got["access_token"] == "sample_access_token" and got["refresh_token"] == "sample_refresh_token"
    assert got["refresh_expires_at"] - got["expires_at"] == 8726400 - 3600


@responses.activate
def test_revoke_posts_json_with_basic_auth():
    responses.post(f"{BASE}/v2/oauth2/tokens/revoke", status=200)
    oauth.revoke(CONFIG, for_config(CONFIG), "rt-1")
    call = responses.calls[0]
    assert json.loads(call.request.body) == {"token": "rt-1"}
    assert call.request.headers["Authorization"] == "Basic " + base64.b64encode(b"cid:csecret").decode()


@responses.activate
def test_the_credentials_are_checked_locally_and_no_invented_token_is_sent():
    assert oauth.credential_problems({**CONFIG, "client_id": "ABcdefgh12345", "client_secret": "s3cr3t-value-xyz"}) == []
    assert "spaces" in oauth.credential_problems({**CONFIG, "client_id": "ABcd efgh12345"})[0]
    assert "too short" in oauth.credential_problems({**CONFIG, "client_secret": "x"})[-1]
    assert "pasted twice" in oauth.credential_problems({**CONFIG, "client_id": "same-value-1", "client_secret": "same-value-1"})[0]
    production = {**CONFIG, "client_id": "ABcdefgh12345", "client_secret": "s3cr3t-value-xyz", "environment": "production"}
    assert "HTTPS" in oauth.credential_problems(production, "http://erp.example.com/integrations/quickbooks/callback")[0]
    assert oauth.credential_problems(production, "http://127.0.0.1:5000/integrations/quickbooks/callback") == []
    assert len(responses.calls) == 0  # nothing reached Intuit


@responses.activate
def test_refresh_with_changed_client_secret_says_so(qb, context):
    tokens.save(context, {**tokens.load(context), "expires_at": 0})
    responses.post(TOKEN_URL, json={"error": "invalid_client"}, status=401)
    with pytest.raises(QuickBooksError) as info:
        qb.preferences()
    assert info.value.kind == "credentials" and "client ID or secret" in info.value.message()[0]
    assert context.attention is None
