"""The plugin's hooks against the in-process sandbox (real HTTP on loopback)."""
from __future__ import annotations

import dataclasses
import json
import threading
import time
import uuid
from decimal import Decimal

import pytest
import requests

from erp_host_quickbooks import client as client_module
from erp_host_quickbooks import tokens
from erp_host_quickbooks.sandbox.testing import approve, connect
from host import LinkData, PaymentTermData, RemoteSearch, TaxData
from host.integrations.preview import differences
from host.testing import make_context, sample_line

AMY = "Amy's Bird Sanctuary"
CALIFORNIA = TaxData(name="California", percent=Decimal(8), category="S")


def create(plugin, config, context, invoice, attempt_id=None):
    return plugin.create_remote_invoice(invoice=invoice, config=config, context=context,
                                        attempt_id=attempt_id or uuid.uuid4().hex)


def text_of(result):
    return " ".join(m.text + " " + " ".join(m.details) for m in result.messages)


def link_of(remote):
    return LinkData(remote.remote_id, remote.number, remote.url, remote.state, remote.total, "a", None)


# --- connect ---------------------------------------------------------------------------


def test_validate_config_before_and_after_connecting(plugin, config, sandbox):
    context = make_context("quickbooks")
    before = plugin.validate_config(config=config, context=context)
    assert before.ok and "Connect to QuickBooks to finish" in text_of(before)
    connect(plugin, config, context)
    after = plugin.validate_config(config=config, context=context)
    assert after.ok and "Sandbox Company_US_1" in text_of(after) and "Custom transaction numbers are on" in text_of(after)


def test_a_wrong_secret_is_found_on_connect_without_echoing_it(plugin, sandbox):
    bad = sandbox.plugin_config(client_secret="not-the-secret-123")
    checked = plugin.validate_config(config=bad, context=make_context("quickbooks"))
    assert checked.ok and "QuickBooks verifies them when you connect" in text_of(checked)  # nothing invented is sent
    result = connect(plugin, bad, make_context("quickbooks"))
    assert not result.ok and "client ID or secret" in text_of(result)
    assert "not-the-secret-123" not in text_of(result)


def test_non_us_company_gets_a_clear_message(plugin, config, connected, sandbox, us_invoice):
    requests.patch(f"{sandbox.url}/_sandbox/companyinfo", json={"Country": "GB"}, timeout=5)
    result = plugin.validate_config(config=config, context=connected)
    assert not result.ok and "US QuickBooks companies only" in text_of(result)
    blocked = create(plugin, config, connected, us_invoice())
    assert "US QuickBooks companies only" in " ".join(blocked.problems)


def test_connect_stores_tokens_and_realm_and_clears_attention(plugin, config, sandbox):
    context = make_context("quickbooks")
    context.needs_attention("Reconnect to QuickBooks")
    started = plugin.run_action(name="connect", params={}, config=config, context=context)
    assert started.ok and started.redirect_url.startswith(f"{sandbox.url}/connect/oauth2?")
    params = approve(started.redirect_url)
    assert params["realmId"] == sandbox.store.realm_id
    result = plugin.handle_callback(params=params, config=config, context=context)
    assert result.ok and "Connected to QuickBooks." in text_of(result)
    assert context.state["realm_id"] == sandbox.store.realm_id and context.attention is None
    stored = tokens.load(context)
    assert stored["access_token"] in sandbox.store.access_tokens and context.secrets.get("oauth_state") is None
    # the state is single-use: replaying the callback is refused
    assert not plugin.handle_callback(params=params, config=config, context=context).ok


def test_callback_with_foreign_state_or_declined_consent(plugin, config, sandbox):
    context = make_context("quickbooks")
    started = plugin.run_action(name="connect", params={}, config=config, context=context)
    params = approve(started.redirect_url)
    forged = plugin.handle_callback(params={**params, "state": "forged"}, config=config, context=context)
    assert not forged.ok and "state" in text_of(forged) and tokens.load(context) is None
    plugin.run_action(name="connect", params={}, config=config, context=context)
    state = context.secrets.get("oauth_state")
    declined = plugin.handle_callback(params={"error": "access_denied", "state": state}, config=config, context=context)
    assert not declined.ok and "cancelled" in text_of(declined)


def test_disconnect_revokes_the_tokens(plugin, config, connected, sandbox, us_invoice):
    refresh_token = tokens.load(connected)["refresh_token"]
    result = plugin.run_action(name="disconnect", params={}, config=config, context=connected)
    assert result.ok and tokens.load(connected) is None and "realm_id" not in connected.state
    assert sandbox.store.refresh("sandbox-client-id", refresh_token) is None  # revoked at QuickBooks
    blocked = create(plugin, config, connected, us_invoice())
    assert blocked.problems and "Connect to QuickBooks first" in blocked.problems[0]


# --- what must be predefined -------------------------------------------------------------


def test_every_missing_thing_is_listed_at_once_and_nothing_is_sent(plugin, config, connected, sandbox, us_invoice):
    invoice = us_invoice(
        client_name="Nobody's \"Real\" Co\\",
        currency="EUR",
        payment_term=PaymentTermData("Net 45", 45),
        lines=[
            sample_line(service="Teleportation", taxes=(TaxData("IVA 21%", Decimal(21), "S"),)),
            sample_line(service=None, description="Loose line", taxes=(TaxData("IVA 21%", Decimal(21), "S"),)),
        ],
    )
    before = sandbox.store.stats.invoice_creates
    result = create(plugin, config, connected, invoice)
    assert not result.ok and result.sent is False
    problems = "\n".join(result.problems)
    assert 'No QuickBooks customer has the display name “Nobody\'s "Real" Co\\”' in problems
    assert "service “Teleportation” does not exist" in problems
    assert "Line 2" in problems and "has no service" in problems
    assert "payment term “Net 45” does not exist" in problems
    assert "tax “IVA 21%” (21%) has no QuickBooks counterpart" in problems
    assert "in EUR" in problems and "multicurrency is off" in problems
    assert len(result.problems) == 6
    assert sandbox.store.stats.invoice_creates == before
    assert not any(r for r in sandbox.store.stats.request_ids)


@pytest.mark.parametrize("name", ["Bill's Windsurf Shop", 'The "Corner" Café', "Back\\Slash Books"])
def test_names_with_quotes_and_backslashes_are_found(plugin, config, connected, name, us_invoice):
    result = create(plugin, config, connected, us_invoice(client_name=name))
    assert result.ok, result.messages
    assert result.remote.contact_name == name


def test_inactive_customer_item_and_category_are_reported_as_such(plugin, config, connected, us_invoice):
    invoice = us_invoice(client_name="Old Mill Supply", lines=[
        sample_line(service="Retired Service", taxes=()), sample_line(service="Landscaping", taxes=())])
    problems = "\n".join(create(plugin, config, connected, invoice).problems)
    assert "customer “Old Mill Supply” is inactive" in problems
    assert "“Retired Service” is inactive" in problems
    assert "“Landscaping” is a category" in problems


def test_tax_rate_mismatch_withholding_and_two_rates(plugin, config, connected, us_invoice):
    eight_five = TaxData("California", Decimal("8.5"), "S")
    mismatch = create(plugin, config, connected, us_invoice(lines=[sample_line(service="Hours", taxes=(eight_five,))]))
    assert "QuickBooks tax “California” is 8%, but the invoice uses 8.5%" in mismatch.problems[0]
    two = create(plugin, config, connected, us_invoice(lines=[
        sample_line(service="Hours", taxes=(CALIFORNIA,)),
        sample_line(service="Design", taxes=(TaxData("Tucson", Decimal("9.1"), "S"),))]))
    assert "one sales tax rate per invoice" in two.problems[0]
    withholding = create(plugin, config, connected, us_invoice(lines=[
        sample_line(service="Hours", taxes=(CALIFORNIA, TaxData("IRPF -15%", Decimal(-15), "S")))]))
    assert "withholding tax “IRPF -15%”" in withholding.problems[0]


def test_long_number_is_blocked_only_when_custom_numbers_are_on(plugin, config, connected, sandbox, us_invoice):
    long_number = "INV-" + "9" * 20
    assert "longer than QuickBooks' 21 characters" in create(plugin, config, connected, us_invoice(long_number)).problems[0]
    requests.patch(f"{sandbox.url}/_sandbox/preferences", json={"SalesFormsPrefs": {"CustomTxnNumbers": False}}, timeout=5)
    plugin.validate_config(config=config, context=connected)  # "check again" reads the preferences afresh
    result = create(plugin, config, connected, us_invoice(long_number))
    assert result.ok and result.remote.number.isdigit()  # QuickBooks numbered it
    assert "numbered the invoice itself" in text_of(result)


def test_lookups_are_cached_between_invoices(plugin, config, connected, sandbox, us_invoice):
    create(plugin, config, connected, us_invoice())
    queries = len(sandbox.store.stats.queries)
    assert create(plugin, config, connected, us_invoice()).ok
    # no second round of look-ups: only the one query for an invoice already made from this one
    assert len(sandbox.store.stats.queries) == queries + 1 and "FROM Invoice WHERE DocNumber" in sandbox.store.stats.queries[-1]


# --- create ---------------------------------------------------------------------------------


def test_create_happy_path(plugin, config, connected, sandbox, us_invoice):
    invoice = dataclasses.replace(us_invoice(), notes="Thanks!")
    attempt = uuid.uuid4().hex
    result = create(plugin, config, connected, invoice, attempt)
    assert result.ok and result.request_id.startswith("sbx-")
    remote = result.remote
    assert remote.number == invoice.number and remote.state == "open"
    assert remote.total == invoice.total == Decimal("108.00") and remote.balance == Decimal("108.00")
    assert remote.currency == "USD" and remote.url == f"{sandbox.url}/app/invoice?txnId={remote.remote_id}"
    stored = sandbox.store.get("Invoice", remote.remote_id)
    line = stored["Line"][0]
    assert line["SalesItemLineDetail"]["ItemRef"] == {"value": "2", "name": "Hours"}
    assert line["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "TAX"}
    assert stored["SalesTermRef"]["name"] == "Net 30" and stored["TxnTaxDetail"]["TxnTaxCodeRef"] == {"value": "2"}
    assert stored["DueDate"] == invoice.due_date.isoformat() and stored["CustomerMemo"] == {"value": "Thanks!"}
    assert sandbox.store.stats.request_ids[-1] == attempt and set(sandbox.store.stats.minor_versions) == {"75"}
    page = requests.get(remote.url, timeout=5)
    assert page.ok and invoice.number in page.text and "Amy&#39;s Bird Sanctuary" in page.text


def test_discounts_and_untaxed_lines(plugin, config, connected, sandbox, us_invoice):
    invoice = us_invoice(discount_percent="10", lines=[
        sample_line(service="Hours", quantity="3", unit_price="33.33", discount_percent="5", taxes=(CALIFORNIA,)),
        sample_line(service="Design", quantity="1", unit_price="75", taxes=())])
    result = create(plugin, config, connected, invoice)
    assert result.ok, result.messages
    stored = sandbox.store.get("Invoice", result.remote.remote_id)
    assert [l["SalesItemLineDetail"]["TaxCodeRef"]["value"] for l in stored["Line"][:2]] == ["TAX", "NON"]
    assert any(l["DetailType"] == "DiscountLineDetail" for l in stored["Line"])
    assert abs(result.remote.total - invoice.total) <= Decimal("0.02")


def test_multicurrency_sends_the_currency(plugin, config, connected, sandbox, us_invoice):
    requests.patch(f"{sandbox.url}/_sandbox/preferences", json={"CurrencyPrefs": {"MultiCurrencyEnabled": True}}, timeout=5)
    assert "multicurrency on" in text_of(plugin.validate_config(config=config, context=connected))
    customer = requests.post(f"{sandbox.url}/_sandbox/entities/Customer",
                             json={"DisplayName": "Euro Kunde GmbH", "CurrencyRef": {"value": "EUR"}}, timeout=5).json()
    result = create(plugin, config, connected, us_invoice(client_name="Euro Kunde GmbH", currency="EUR"))
    assert result.ok and result.remote.currency == "EUR"
    assert sandbox.store.get("Invoice", result.remote.remote_id)["CustomerRef"]["value"] == customer["Id"]
    mismatch = create(plugin, config, connected, us_invoice(client_name=AMY, currency="EUR"))
    assert "billed in USD" in mismatch.problems[0]


def test_retry_after_timeout_returns_the_first_invoice(plugin, config, connected, sandbox, monkeypatch, us_invoice):
    invoice = us_invoice()
    assert create(plugin, config, connected, us_invoice()).ok  # warm the look-up cache
    monkeypatch.setattr(client_module, "TIMEOUT", 0.5)
    sandbox.store.knobs.timeout_delay = 1.0
    sandbox.store.knobs.fail_next, sandbox.store.knobs.fail_mode, sandbox.store.knobs.fail_path = 1, "timeout", "/invoice"
    creates = sandbox.store.stats.invoice_creates
    attempt = uuid.uuid4().hex
    first = create(plugin, config, connected, invoice, attempt)
    assert not first.ok and first.sent is True and "did not answer in time" in text_of(first)
    assert "same request ID" in text_of(first)
    time.sleep(0.8)  # the slow request finishes server-side: the invoice exists
    assert sandbox.store.stats.invoice_creates == creates + 1
    retry = create(plugin, config, connected, invoice, attempt)
    assert retry.ok and retry.remote.number == invoice.number
    assert sandbox.store.stats.invoice_creates == creates + 1  # no second invoice
    assert len([i for i in sandbox.store.entities["Invoice"].values() if i.get("DocNumber") == invoice.number]) == 1


def test_failure_after_create_then_retry(plugin, config, connected, sandbox, us_invoice):
    sandbox.store.knobs.fail_after_create = 1
    invoice = us_invoice()
    attempt = uuid.uuid4().hex
    first = create(plugin, config, connected, invoice, attempt)
    assert not first.ok and first.sent is True and "may have been created" in text_of(first)
    assert first.error_detail and "10000" in first.error_detail
    retry = create(plugin, config, connected, invoice, attempt)
    assert retry.ok
    # a new attempt (e.g. after an unlink) finds the invoice made from this one and offers it for linking
    again = create(plugin, config, connected, invoice)
    assert not again.ok and again.sent is False and "link it instead" in text_of(again)
    assert again.remote.remote_id == retry.remote.remote_id


def test_throttling_and_server_errors_from_the_sandbox(plugin, config, connected, sandbox):
    sandbox.store.knobs.fail_next, sandbox.store.knobs.fail_mode = 2, "429"
    assert plugin.validate_config(config=config, context=connected).ok  # backed off and succeeded
    sandbox.store.knobs.fail_next, sandbox.store.knobs.fail_mode = 10, "503"
    result = plugin.validate_config(config=config, context=connected)
    assert not result.ok and "unavailable (HTTP 503)" in text_of(result)


# --- tokens -------------------------------------------------------------------------------------


def _expire_stored(context):
    tokens.save(context, {**tokens.load(context), "expires_at": int(time.time()) - 1})


@pytest.mark.parametrize("how", ["expired locally", "rejected with 401"])
def test_concurrent_workers_refresh_exactly_once(plugin, config, connected, sandbox, how, us_invoice):
    invoice = us_invoice()
    created = create(plugin, config, connected, invoice).remote
    if how == "expired locally":
        _expire_stored(connected)
    else:
        sandbox.store.expire_access_tokens()  # QuickBooks says 401, we still believe the token is fresh
    refreshes = sandbox.store.stats.refreshes
    results, barrier = [], threading.Barrier(6)

    def worker():
        barrier.wait()
        results.append(plugin.remote_status(invoice=invoice, link=link_of(created), config=config, context=connected))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in results), [text_of(r) for r in results if not r.ok]
    assert sandbox.store.stats.refreshes == refreshes + 1
    assert connected.attention is None


def test_revoked_refresh_token_asks_to_reconnect(plugin, config, connected, sandbox, us_invoice):
    invoice = us_invoice()
    created = create(plugin, config, connected, invoice).remote
    sandbox.store.revoke(tokens.load(connected)["refresh_token"])
    _expire_stored(connected)
    result = plugin.remote_status(invoice=invoice, link=link_of(created), config=config, context=connected)
    assert not result.ok and "Reconnect to QuickBooks" in text_of(result)
    assert connected.attention == "Reconnect to QuickBooks"
    validated = plugin.validate_config(config=config, context=connected)
    assert validated.ok and any(m.level == "warning" for m in validated.messages)
    assert connect(plugin, config, connected).ok and connected.attention is None
    assert plugin.remote_status(invoice=invoice, link=link_of(created), config=config, context=connected).ok


# --- list, link, refresh, unlink -------------------------------------------------------------------


def test_picker_lists_the_customers_invoices_newest_first_paged(plugin, config, connected, us_invoice):
    invoice = us_invoice(client_name="Cool Cars")
    numbers = []
    for day in (3, 1, 2):
        inv = us_invoice(client_name="Cool Cars", issue_date=invoice.issue_date.replace(day=day))
        numbers.append((day, create(plugin, config, connected, inv).remote.number))
    create(plugin, config, connected, us_invoice())  # someone else's
    first = plugin.list_remote_invoices(invoice=invoice, search=RemoteSearch(), page=1, per_page=2, config=config, context=connected)
    second = plugin.list_remote_invoices(invoice=invoice, search=RemoteSearch(), page=2, per_page=2, config=config, context=connected)
    newest_first = [n for _, n in sorted(numbers, reverse=True)]
    assert [i.number for i in first.items + second.items] == newest_first
    assert first.total == 3 and first.has_next and not second.has_next
    assert all(i.contact_name == "Cool Cars" for i in first.items)
    found = plugin.list_remote_invoices(invoice=invoice, search=RemoteSearch(text=numbers[1][1]), page=1, per_page=10,
                                        config=config, context=connected)
    assert [i.number for i in found.items] == [numbers[1][1]] and found.total == 1


def test_picker_for_an_unknown_customer(plugin, config, connected, us_invoice):
    page = plugin.list_remote_invoices(invoice=us_invoice(client_name="Nobody"), search=RemoteSearch(), page=1,
                                       per_page=10, config=config, context=connected)
    assert page.items == () and "Nobody" in page.messages[0].text


def test_link_checks_the_customer(plugin, config, connected, sandbox, us_invoice):
    invoice = us_invoice()
    bills = sandbox.store.rows("Invoice", True)[-1]  # seeded invoice 1004, Bill's Windsurf Shop
    refused = plugin.link(invoice=invoice, remote_id=bills["Id"], config=config, context=connected)
    assert not refused.ok and "belongs to “Bill's Windsurf Shop”" in text_of(refused)
    missing = plugin.link(invoice=invoice, remote_id="999999", config=config, context=connected)
    assert not missing.ok and "no invoice with ID 999999" in text_of(missing)
    amys = plugin.link(invoice=invoice, remote_id="103", config=config, context=connected)
    assert amys.ok and amys.remote.number == "1003" and "1003" in text_of(amys)
    assert any(m.level == "warning" for m in amys.messages)  # numbers differ


def test_refresh_shows_payments_and_unlink_leaves_quickbooks_alone(plugin, config, connected, sandbox, us_invoice):
    invoice = us_invoice()
    created = create(plugin, config, connected, invoice).remote
    requests.post(f"{sandbox.url}/_sandbox/invoices/{created.remote_id}/payment", json={"amount": "8.00"}, timeout=5)
    partly = plugin.remote_status(invoice=invoice, link=link_of(created), config=config, context=connected)
    assert partly.remote.state == "open" and partly.remote.balance == Decimal("100")
    requests.post(f"{sandbox.url}/_sandbox/invoices/{created.remote_id}/payment", timeout=5)
    paid = plugin.remote_status(invoice=invoice, link=link_of(created), config=config, context=connected)
    assert paid.ok and paid.remote.state == "paid" and paid.remote.balance == 0
    invoices = len(sandbox.store.entities["Invoice"])
    assert plugin.unlink(invoice=invoice, link=link_of(created), config=config, context=connected).ok
    assert len(sandbox.store.entities["Invoice"]) == invoices
    assert sandbox.store.get("Invoice", created.remote_id)["Balance"] == 0


def test_sandbox_speaks_quickbooks_errors(sandbox, connected):
    token = tokens.load(connected)["access_token"]
    api = f"{sandbox.url}/v3/company/{sandbox.store.realm_id}"
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    bad = requests.get(f"{api}/query", params={"query": "SELECT * FROM Customer WHERE A = 'x' OR B = 'y'"},
                       headers=headers, timeout=5)
    assert bad.status_code == 400 and bad.json()["Fault"]["Error"][0]["code"] == "4000" and bad.headers["intuit_tid"]
    assert requests.get(f"{api}/preferences", timeout=5).json()["fault"]["error"][0]["code"] == "3200"
    other = requests.get(f"{sandbox.url}/v3/company/42/preferences", headers=headers, timeout=5)
    assert other.status_code == 403
    empty = requests.get(f"{api}/query", params={"query": "SELECT * FROM Customer WHERE DisplayName = 'zzz'"},
                         headers=headers, timeout=5).json()
    assert empty["QueryResponse"] == {}
    posted = requests.post(f"{api}/query", data="SELECT COUNT(*) FROM Term", timeout=5,
                           headers={**headers, "Content-Type": "application/text"})
    assert posted.json()["QueryResponse"] == {"totalCount": 5}
    no_line = requests.post(f"{api}/invoice", data=json.dumps({"CustomerRef": {"value": "1"}}), timeout=5,
                            headers={**headers, "Content-Type": "application/json"})
    assert no_line.status_code == 400 and no_line.json()["Fault"]["Error"][0]["code"] == "2020"


def test_tucson_group_is_predicted_rate_by_rate_and_the_sandbox_agrees(plugin, config, connected, us_invoice):
    # 100.20 at Tucson 9.1 %: this app 9.1182 -> 9.12 (total 109.32); QuickBooks rounds each rate of
    # the group: 7.1 % -> 7.1142 -> 7.11, 2 % -> 2.004 -> 2.00, tax 9.11, total 109.31
    tucson = TaxData("Tucson", Decimal("9.1"), "S")
    invoice = us_invoice(lines=[sample_line(service="Hours", quantity="1", unit_price="100.20", taxes=(tucson,))])
    assert (invoice.tax_totals[0].amount, invoice.total) == (Decimal("9.12"), Decimal("109.32"))
    predicted = plugin.preview_remote_totals(invoice=invoice, config=config, context=connected)
    assert predicted.total == Decimal("109.31")
    [line] = predicted.tax_lines
    assert (line.tax, line.amount) == (tucson, Decimal("9.11"))
    assert line.detail == "rounding 7.1 % and 2 % separately (AZ State tax 7.11, Tucson City 2.00)"
    assert "single-rate QuickBooks tax" in predicted.advice[0]
    found = differences(invoice, predicted, "QuickBooks")
    assert found[0] == ("QuickBooks would compute tax 9.11 on Tucson, rounding 7.1 % and 2 % separately "
                        "(AZ State tax 7.11, Tucson City 2.00); this invoice says 9.12.")
    created = create(plugin, config, connected, invoice)
    assert created.remote.total == predicted.total  # the sandbox computes what was predicted
    assert [(t.percent, t.amount) for t in created.remote.tax_lines] == [(Decimal("7.1"), Decimal("7.11")),
                                                                        (Decimal(2), Decimal("2.00"))]


def test_preview_lists_what_quickbooks_is_missing(plugin, config, connected, us_invoice):
    result = plugin.preview_remote_totals(invoice=us_invoice(client_name="Nobody Inc"), config=config,
                                          context=connected)
    assert not result.ok and "No QuickBooks customer has the display name “Nobody Inc”" in result.problems[0]


def test_an_untaxed_line_charge_blocks_the_push_instead_of_being_dropped(plugin, config, connected, us_invoice):
    # a QuickBooks line is TAX or NON as a whole: 2 x 50.00 taxed plus 8.00 untaxed cannot be one line
    invoice = us_invoice(lines=[sample_line(description="Bird watching tour", quantity="2", unit_price="50.00",
                                            taxes=(CALIFORNIA,), service="Hours", charge_amount="8",
                                            charge_taxed=False)])
    assert invoice.lines[0].untaxed_charge == Decimal("8.00") and invoice.tax_exclusive_total == Decimal("108.00")
    result = plugin.preview_remote_totals(invoice=invoice, config=config, context=connected)
    assert not result.ok and result.sent is False
    assert any("has an untaxed charge of 8.00 USD: a QuickBooks line is taxed or not as a whole" in p
               for p in result.problems)
