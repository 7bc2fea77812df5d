"""The hooks against the in-process sandbox: configure, check, push, link, refresh, unlink."""
from __future__ import annotations

import socket
from contextlib import contextmanager
import time
from decimal import Decimal

import pytest
from host import LinkData, RemoteSearch, TaxData
from host.testing.context import demo_company, make_context

import erp_host_b2brouter as plugin
from erp_host_b2brouter import api_facts
from erp_host_b2brouter import client as client_module
from erp_host_b2brouter.sandbox import MAIN_ACCOUNT, OTHER_KEY
from erp_host_b2brouter.settings_check import OK_TEXT


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setattr(client_module, "BACKOFF_SECONDS", 0.01)


def _numbered(sandbox, number):
    with sandbox.store.lock:
        return [i for i in sandbox.store.invoices.values() if i["number"] == number]


def _link(remote) -> LinkData:
    return LinkData(remote_id=remote.remote_id, number=remote.number, url=remote.url, state=remote.state,
                    total=remote.total, attempt_id="a-1", linked_at=None)


# --- configure ----------------------------------------------------------------------


def test_matching_settings_show_the_blue_plate(config, context):
    result = plugin.validate_config(config=config, context=context)
    assert result.ok
    (message,) = result.messages
    assert (message.level, message.text) == ("info", OK_TEXT)


def test_a_changed_setting_shows_the_orange_plate_with_both_values(sandbox, config, context):
    sandbox.control(f"accounts/{MAIN_ACCOUNT}", rounding_method="bankers", round_before_sum=True)
    result = plugin.validate_config(config=config, context=context)
    assert result.ok
    (message,) = result.messages
    assert message.level == "warning"
    assert len(message.details) == 2
    rounding, before_sum = message.details
    assert "Rounding method" in rounding and "round half up" in rounding and "banker's rounding" in rounding
    assert "Round before sum" in before_sum and "“off”" in before_sum and "“on”" in before_sum
    assert all('"Invoices and quotes"' in d and "Settings → Company" in d for d in message.details)


def test_the_plate_follows_the_host_settings_too(config):
    context = make_context("b2brouter", company=demo_company(apply_taxes_per_line=False))
    (message,) = plugin.validate_config(config=config, context=context).messages
    assert message.level == "warning" and len(message.details) == 1
    assert message.details[0].startswith("Apply taxes per line: this app uses “off”, B2BRouter uses “on”")


def test_account_settings_changed_through_the_api_are_seen(sandbox, config, context):
    import requests

    response = requests.put(f"{sandbox.url}/accounts/{MAIN_ACCOUNT}", timeout=5,
                            headers={"X-B2B-API-Key": "sandbox-key"}, json={"account": {"rounding_method": "truncate"}})
    assert response.status_code == 200 and response.json()["account"]["rounding_method"] == "truncate"
    bad = requests.put(f"{sandbox.url}/accounts/{MAIN_ACCOUNT}", timeout=5, headers={"X-B2B-API-Key": "sandbox-key"},
                       json={"account": {"rounding_method": "ceil"}})
    assert bad.status_code == 422 and bad.json() == {"errors": ["Rounding method is not included in the list"]}
    (message,) = plugin.validate_config(config=config, context=context).messages
    assert message.level == "warning" and "truncate" in message.details[0]


def test_a_rejected_key_has_its_own_message(sandbox, context):
    result = plugin.validate_config(config=sandbox.config(api_key="wrong"), context=context)
    assert not result.ok
    assert "rejected the API key" in result.messages[0].text
    assert "wrong" not in result.messages[0].text and "wrong" not in (result.error_detail or "")
    assert result.request_id


def test_an_account_the_key_cannot_see_lists_the_ones_it_can(sandbox, context):
    result = plugin.validate_config(config=sandbox.config(account_id=100003), context=context)
    assert not result.ok
    message = result.messages[0]
    assert "cannot see account 100003" in message.text
    assert message.details == ("Accounts this API key can see: 100001 (Lingua Demo SL); "
                               "100002 (Lingua Demo France SAS).",)


def test_a_key_of_another_group_sees_its_own_accounts(sandbox, context):
    result = plugin.validate_config(config=sandbox.config(api_key=OTHER_KEY), context=context)
    assert "100003 (Other Company SL)" in result.messages[0].details[0]


def test_an_unreachable_url_names_the_environment(context):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = {"api_key": "k", "account_id": 1, "environment": "custom",
              "custom_base_url": f"http://127.0.0.1:{port}", "send_after_import": False}
    result = plugin.validate_config(config=config, context=context)
    assert not result.ok and "Could not reach the B2BRouter API at http://127.0.0.1:" in result.messages[0].text
    assert "custom" in result.messages[0].text


def test_a_url_that_is_not_the_api_says_so(sandbox, context):
    result = plugin.validate_config(config=sandbox.config(custom_base_url=sandbox.url + "/_sandbox"), context=context)
    assert not result.ok and "does not answer like the B2BRouter API" in result.messages[0].text


# --- create -------------------------------------------------------------------------


def test_every_blocking_problem_is_listed_at_once_and_nothing_is_sent(sandbox, config, context, make_invoice,
                                                                      make_line, make_client):
    per_amount = TaxData(name="Eco fee", percent=None, category="S")
    odd = TaxData(name="VAT", percent=Decimal(21), category="XX")
    invoice = make_invoice(
        client=make_client(tax_id="", email=""), currency="XYZ",
        lines=[make_line(taxes=()), make_line("Fee", taxes=(per_amount,), net="1"), make_line("Odd", taxes=(odd,))],
    )
    result = plugin.create_remote_invoice(invoice=invoice, config=config, context=context, attempt_id="a-1")
    assert not result.ok and result.sent is False
    text = "\n".join(result.problems)
    for expected in ("has no tax ID", "has no email", "Currency XYZ is not supported", "Line 1 (“Translation EN>ES”) "
                     "has no tax", "“Eco fee” is not a percentage", "category “XX”"):
        assert expected in text
    assert len(result.problems) == 6
    assert sandbox.requests_log() == []


def test_an_empty_invoice_is_blocked(sandbox, config, context, make_invoice):
    result = plugin.create_remote_invoice(invoice=make_invoice(lines=[]), config=config, context=context,
                                          attempt_id="a-1")
    assert result.problems == ("The invoice has no lines.",) and sandbox.requests_log() == []


def test_create_uses_the_existing_contact_and_returns_the_link(sandbox, config, context, make_invoice):
    contacts_before = len(sandbox.store.contacts)
    invoice = make_invoice()
    result = plugin.create_remote_invoice(invoice=invoice, config=config, context=context, attempt_id="a-1")
    assert result.ok, result.messages
    remote = result.remote
    assert remote.number == "INV-2025-0100" and remote.state == "new"
    assert remote.total == invoice.total == Decimal("150.86")
    assert remote.url == f"{sandbox.url}/invoices/{remote.remote_id}"
    assert "stays New until you send it" in result.messages[0].text
    assert len(sandbox.store.contacts) == contacts_before
    (stored,) = _numbered(sandbox, "INV-2025-0100")
    assert sandbox.store.contacts[stored["contact_id"]]["integration_code"] == "SBX-ACME"
    assert context.state["attempt:a-1"]["number"] == "INV-2025-0100"
    again = plugin.create_remote_invoice(invoice=invoice, config=config, context=context, attempt_id="a-1")
    assert again.ok and again.remote.remote_id == remote.remote_id and "earlier attempt" in again.messages[0].text


def test_create_makes_the_contact_when_missing(sandbox, config, context, make_invoice, make_client):
    client = make_client(code="CLI-NEW", name="Nuevo Cliente SA", email="f@nuevo.test", tax_id="ESA99999999")
    result = plugin.create_remote_invoice(invoice=make_invoice(client=client), config=config, context=context,
                                          attempt_id="a-1")
    assert result.ok and result.remote.contact_name == "Nuevo Cliente SA"
    (contact,) = [c for c in sandbox.store.contacts.values() if c["integration_code"] == "CLI-NEW"]
    assert (contact["tin_value"], contact["tin_scheme"], contact["country"], contact["is_provider"]) == (
        "ESA99999999", "9920", "es", False)
    again = plugin.create_remote_invoice(invoice=make_invoice(number="INV-2025-0101", client=client),
                                         config=config, context=context, attempt_id="a-2")
    assert again.ok
    assert len([c for c in sandbox.store.contacts.values() if c["integration_code"] == "CLI-NEW"]) == 1


def test_send_after_import_is_honoured(sandbox, context, make_invoice):
    result = plugin.create_remote_invoice(invoice=make_invoice(), config=sandbox.config(send_after_import=True),
                                          context=context, attempt_id="a-1")
    assert result.ok and result.remote.state == "sending" and "queued for sending" in result.messages[0].text


def test_discounts_reach_b2brouter_and_totals_agree(sandbox, config, context, make_invoice, make_line):
    invoice = make_invoice(lines=[make_line(quantity="1", price="100", discount="10")], discount_percent="5")
    assert invoice.total == Decimal("103.46")  # 90.00 - 4.50 + round(21% of 85.50 = 17.955)
    result = plugin.create_remote_invoice(invoice=invoice, config=config, context=context, attempt_id="a-1")
    assert result.ok and result.remote.total == Decimal("103.46")


def test_different_calculation_settings_give_a_different_total(sandbox, config, context, make_invoice, make_line):
    ten = TaxData(name="IVA", percent=Decimal(10), category="AA")
    invoice = make_invoice(lines=[make_line(f"Item {n}", "1", "0.05", taxes=(ten,)) for n in range(3)])
    assert invoice.total == Decimal("0.17")  # 0.15 + round(0.015)
    sandbox.control(f"accounts/{MAIN_ACCOUNT}", round_before_sum=True, apply_taxes_per_line=False)
    result = plugin.create_remote_invoice(invoice=invoice, config=config, context=context, attempt_id="a-1")
    assert result.ok and result.remote.total == Decimal("0.18")  # 0.15 + 3 x round(0.005)


def test_an_existing_number_is_offered_for_linking_not_created(sandbox, config, context, make_invoice):
    before = len(sandbox.store.invoices)
    result = plugin.create_remote_invoice(invoice=make_invoice(number="SBX-2025-0001"), config=config,
                                          context=context, attempt_id="a-1")
    assert not result.ok and result.sent is False
    assert "SBX-2025-0001 already exists in B2BRouter (ID 9000001)" in result.messages[0].text
    assert "link" in result.messages[0].text
    assert result.remote.remote_id == "9000001"
    assert len(sandbox.store.invoices) == before
    assert [r["method"] for r in sandbox.requests_log()] == ["GET"]


def test_a_500_after_create_asks_to_retry_later_and_the_retry_creates_nothing(sandbox, config, context,
                                                                               make_invoice, monkeypatch):
    monkeypatch.setattr(client_module, "GET_RETRIES", 0)
    # lookup, contact lookup and the POST answer normally; the POST then fails after creating.
    sandbox.control("knobs", fail_after_create=1)
    first = plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="a-1")
    assert not first.ok and first.sent is True
    assert "may have created invoice INV-2025-0100" in first.messages[0].text
    # not looked up at once (B2BRouter may still be processing): retried after the read timeout
    assert first.retry_after == client_module.DEFAULT_TIMEOUT[1] + 5
    assert [r["method"] for r in sandbox.requests_log()] == ["GET", "GET", "POST"]
    assert first.error_detail and "internal_server_error" in first.error_detail
    assert len(_numbered(sandbox, "INV-2025-0100")) == 1

    retry = plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="a-1")
    assert retry.ok and "earlier attempt" in retry.messages[0].text
    assert len(_numbered(sandbox, "INV-2025-0100")) == 1
    assert retry.remote.remote_id == str(_numbered(sandbox, "INV-2025-0100")[0]["id"])
    assert [r["method"] for r in sandbox.requests_log()].count("POST") == 1


def test_a_timeout_during_create_then_retry_links_the_late_invoice(sandbox, config, context, make_invoice,
                                                                    monkeypatch):
    monkeypatch.setattr(client_module, "DEFAULT_TIMEOUT", (2.0, 0.5))
    sandbox.control("knobs", failures=["pass", "pass", "timeout"], timeout_seconds=1.5)
    first = plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="a-1")
    assert not first.ok and first.sent is True and "did not answer within 0.5 seconds" in first.messages[0].text
    assert first.retry_after == 5.5
    deadline = time.time() + 5
    while not _numbered(sandbox, "INV-2025-0100") and time.time() < deadline:
        time.sleep(0.05)
    retry = plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="a-1")
    assert retry.ok and len(_numbered(sandbox, "INV-2025-0100")) == 1


def test_another_attempt_never_adopts_an_invoice_silently(sandbox, config, context, make_invoice, monkeypatch):
    monkeypatch.setattr(client_module, "GET_RETRIES", 0)
    sandbox.control("knobs", fail_after_create=1)
    plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="a-1")
    other = plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="a-2")
    assert not other.ok and other.sent is False and "already exists" in other.messages[0].text


def test_a_malformed_answer_to_create_is_a_clear_unknown_outcome(sandbox, config, context, make_invoice):
    sandbox.control("knobs", failures=["pass", "pass", "malformed"])
    result = plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="a-1")
    assert not result.ok and result.sent is True
    assert "not valid JSON" in result.messages[0].text and "Bad gateway" in result.error_detail
    assert _numbered(sandbox, "INV-2025-0100") == []
    retry = plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="a-1")
    assert retry.ok and len(_numbered(sandbox, "INV-2025-0100")) == 1


def test_a_429_is_retried(sandbox, config, context, make_invoice):
    sandbox.control("knobs", failures=["429"], retry_after=0)
    result = plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="a-1")
    assert result.ok
    assert [r["status"] for r in sandbox.requests_log()][:2] == [429, 200]


def test_a_refused_invoice_releases_the_reservation(sandbox, context, make_invoice, make_client, monkeypatch):
    # A 422 the checks could not foresee: hide the duplicate from the lookup so the POST meets
    # the sandbox's own uniqueness validation.
    from erp_host_b2brouter.client import Client

    monkeypatch.setattr(Client, "find_invoice_by_number", lambda self, account, number: None)
    result = plugin.create_remote_invoice(invoice=make_invoice(number="SBX-2025-0001"), config=sandbox.config(),
                                          context=context, attempt_id="a-1")
    assert not result.ok and result.sent is False
    assert "refused invoice SBX-2025-0001" in result.messages[0].text
    assert "Number has already been taken" in result.messages[0].details[0]
    assert "attempt:a-1" not in context.state


# --- list, link, refresh, unlink ----------------------------------------------------


def test_the_picker_pages_through_the_account(config, context, make_invoice):
    page = plugin.list_remote_invoices(invoice=make_invoice(), search=RemoteSearch(), page=2, per_page=3,
                                       config=config, context=context)
    assert page.total == 7 and len(page.items) == 3 and page.has_next
    assert [i.number for i in page.items] == ["SBX-2025-0004", "SBX-2025-0003", "SBX-2025-0002"]
    first = page.items[0]
    assert first.contact_name and first.total and first.issue_date and first.state == "paid"
    last = plugin.list_remote_invoices(invoice=make_invoice(), search=RemoteSearch(), page=3, per_page=3,
                                       config=config, context=context)
    assert [i.number for i in last.items] == ["SBX-2025-0001"] and not last.has_next


def test_the_picker_searches_by_number_and_date(config, context, make_invoice):
    by_number = plugin.list_remote_invoices(invoice=make_invoice(), search=RemoteSearch(text=" SBX-2025-0003 "),
                                            page=1, per_page=10, config=config, context=context)
    assert [i.number for i in by_number.items] == ["SBX-2025-0003"] and by_number.total == 1
    everything = plugin.list_remote_invoices(invoice=make_invoice(), search=RemoteSearch(), page=1, per_page=10,
                                             config=config, context=context).items
    dates = sorted(i.issue_date for i in everything)
    window = RemoteSearch(date_from=dates[1], date_to=dates[3])
    by_date = plugin.list_remote_invoices(invoice=make_invoice(), search=window, page=1, per_page=10,
                                          config=config, context=context)
    assert sorted(i.issue_date for i in by_date.items) == dates[1:4]


def test_the_picker_reports_errors_as_a_message(sandbox, context, make_invoice):
    page = plugin.list_remote_invoices(invoice=make_invoice(), search=RemoteSearch(), page=1, per_page=10,
                                       config=sandbox.config(api_key="nope"), context=context)
    assert page.items == () and page.messages[0].level == "error" and "API key" in page.messages[0].text


def test_link_warns_about_number_and_contact(config, context, make_invoice):
    result = plugin.link(invoice=make_invoice(), remote_id="9000002", config=config, context=context)
    assert result.ok and result.remote.remote_id == "9000002"
    assert result.remote.total != make_invoice().total  # the host compares totals and warns itself
    warning = result.messages[1]
    assert warning.level == "warning" and len(warning.details) == 2
    assert "SBX-2025-0002, not INV-2025-0100" in warning.details[0]
    assert "not Acme Iberia SL" in warning.details[1]


def test_link_of_a_matching_invoice_has_no_warning(sandbox, config, context, make_invoice):
    created = plugin.create_remote_invoice(invoice=make_invoice(), config=config, context=context, attempt_id="x")
    result = plugin.link(invoice=make_invoice(), remote_id=created.remote.remote_id, config=config, context=context)
    assert result.ok and [m.level for m in result.messages] == ["success"]


@pytest.mark.parametrize("remote_id, words", [("123456", "no invoice 123456"), ("abc", "not a B2BRouter invoice ID")])
def test_link_of_a_missing_invoice_fails(config, context, make_invoice, remote_id, words):
    result = plugin.link(invoice=make_invoice(), remote_id=remote_id, config=config, context=context)
    assert not result.ok and words in result.messages[0].text


def test_link_refuses_an_invoice_of_another_account(sandbox, context, make_invoice):
    config = sandbox.config(account_id=100002)
    result = plugin.link(invoice=make_invoice(), remote_id="9000001", config=config, context=context)
    assert not result.ok and "belongs to another account (Lingua Demo SL)" in result.messages[0].text


@pytest.mark.parametrize("state, extra, detail", [
    ("error", {"errors": ["Peppol: unknown receiver"]}, "Peppol: unknown receiver"),
    ("refused", {"refuse_reason": "Wrong PO"}, "Wrong PO"),
    ("paid", {}, None),
])
def test_refresh_reads_the_state_and_its_reason(sandbox, config, context, make_invoice, state, extra, detail):
    sandbox.control("invoices/9000003/state", state=state, **extra)
    remote = plugin.link(invoice=make_invoice(), remote_id="9000003", config=config, context=context).remote
    result = plugin.remote_status(invoice=make_invoice(), link=_link(remote), config=config, context=context)
    assert result.ok and result.remote.state == state and result.remote.state_detail == detail
    if detail:
        assert result.messages[0].level == "warning" and result.messages[0].details == (detail,)


def test_refresh_of_a_deleted_invoice_says_so(sandbox, config, context, make_invoice):
    remote = plugin.link(invoice=make_invoice(), remote_id="9000003", config=config, context=context).remote
    del sandbox.store.invoices[9000003]
    result = plugin.remote_status(invoice=make_invoice(), link=_link(remote), config=config, context=context)
    assert not result.ok and "no invoice 9000003" in result.messages[0].text


def test_unlink_leaves_the_remote_invoice_alone(sandbox, config, context, make_invoice):
    remote = plugin.link(invoice=make_invoice(), remote_id="9000003", config=config, context=context).remote
    before = [dict(i) for i in sandbox.store.invoices.values()]
    requests_before = len(sandbox.requests_log())
    result = plugin.unlink(invoice=make_invoice(), link=_link(remote), config=config, context=context)
    assert result.ok and len(sandbox.requests_log()) == requests_before
    assert [dict(i) for i in sandbox.store.invoices.values()] == before


# --- PDF --------------------------------------------------------------------------


def test_the_pdf_of_a_pushed_invoice_downloads(config, context, make_invoice):
    created = plugin.create_remote_invoice(invoice=make_invoice(number="INV-PDF-1"), config=config,
                                           context=context, attempt_id="pdf-1")
    document = plugin.remote_document(invoice=None, link=_link(created.remote), config=config, context=context)
    assert document.filename == "INV-PDF-1.pdf" and document.content_type == "application/pdf"
    assert document.content.startswith(b"%PDF-1.4") and b"Invoice INV-PDF-1" in document.content
    assert document.content.rstrip().endswith(b"%%EOF")


def test_a_missing_pdf_says_to_try_again_later(config, context):
    missing = LinkData(remote_id="9999999", number="X", url=None, state=None, total=None, attempt_id="a", linked_at=None)
    result = plugin.remote_document(invoice=None, link=missing, config=config, context=context)
    assert not result.ok and "has no PDF for invoice 9999999 yet" in result.messages[0].text


def test_attempts_older_than_the_keep_period_are_dropped(sandbox, config, context, make_invoice):
    from erp_host_b2brouter.push import ATTEMPT_PREFIX

    context.state[ATTEMPT_PREFIX + "ancient"] = {"number": "OLD-1", "at": "2020-01-01T00:00:00+00:00"}
    context.state[ATTEMPT_PREFIX + "recent"] = {"number": "NEW-1", "at": "2999-01-01T00:00:00+00:00"}
    plugin.create_remote_invoice(invoice=make_invoice(number="INV-KEEP-1"), config=config, context=context, attempt_id="k-1")
    assert ATTEMPT_PREFIX + "ancient" not in context.state
    assert {ATTEMPT_PREFIX + "recent", ATTEMPT_PREFIX + "k-1"} <= set(context.state)


def test_preview_uses_the_account_settings_and_names_what_differs(sandbox, config, context, make_invoice, make_line):
    # three lines of 0.05 at 10 %: this app (rounded once per rate) 0.15 + r(0.015) = 0.17;
    # the account rounds before sum: 0.15 + 3 x r(0.005) = 0.18
    ten = TaxData(name="IVA", percent=Decimal(10), category="AA")
    invoice = make_invoice(lines=[make_line(f"Item {n}", "1", "0.05", taxes=(ten,)) for n in range(3)])
    sandbox.control(f"accounts/{MAIN_ACCOUNT}", round_before_sum=True, apply_taxes_per_line=False)
    predicted = plugin.preview_remote_totals(invoice=invoice, config=config, context=context)
    assert predicted.total == Decimal("0.18")
    assert [(t.tax, t.amount, t.detail) for t in predicted.tax_lines] == [
        (ten, Decimal("0.03"), "round half up, each line's tax rounded, then summed")]
    assert any("Round before sum" in advice for advice in predicted.advice)
    created = plugin.create_remote_invoice(invoice=invoice, config=config, context=context, attempt_id="a-1")
    assert created.remote.total == predicted.total  # the sandbox computes what was predicted
    assert [(t.percent, t.amount) for t in created.remote.tax_lines] == [(Decimal(10), Decimal("0.03"))]


def test_preview_refuses_a_setting_without_known_meaning(sandbox, config, context, make_invoice):
    sandbox.store.accounts[MAIN_ACCOUNT]["rounding_method"] = "up"
    result = plugin.preview_remote_totals(invoice=make_invoice(), config=config, context=context)
    assert not result.ok and result.sent is False
    assert "Rounding method is “up”, a value whose meaning is not documented" in result.problems[0]
    plate = plugin.validate_config(config=config, context=context).messages[0]
    assert plate.level == "warning" and plate.text.startswith("B2BRouter uses a calculation setting")


def test_every_request_of_a_push_passes_the_accounts_shared_limit(sandbox, config, make_invoice):
    """The preview's account read counts too: an unthrottled one let a bulk run exceed the limit."""
    taken = []

    @contextmanager
    def throttle(name, limit, per, concurrent=None):
        taken.append((name, limit, per))
        yield

    context = make_context("b2brouter", throttle=throttle)
    sandbox.served.control("traffic/reset")
    invoice = make_invoice()
    plugin.preview_remote_totals(invoice=invoice, config=config, context=context)
    plugin.create_remote_invoice(invoice=invoice, config=config, context=context, attempt_id="a-1")
    made = sandbox.served.control("traffic", method="GET")["counters"]["requests"]
    assert made >= 2 and len(taken) == made
    assert set(taken) == {(f"account:{MAIN_ACCOUNT}", api_facts.DEFAULT_REQUESTS_PER_MINUTE, 60)}


def test_an_untaxed_line_charge_blocks_the_push_instead_of_being_taxed(sandbox, config, context, make_invoice,
                                                                        make_line):
    # B2BRouter puts a line's charges in its net (BT-131) and taxes them: 100.00 + 8.00 untaxed would
    # come back with VAT on 108.00; the host keeps the 8.00 out of every base
    from dataclasses import replace

    charged = replace(make_line("Courier", "1", "100"), charge_amount=Decimal(8), charge_taxed=False,
                      untaxed_charge=Decimal("8.00"))
    invoice = make_invoice(number="INV-UNTAXED-1", lines=[charged])
    preview = plugin.preview_remote_totals(invoice=invoice, config=config, context=context)
    assert not preview.ok and preview.sent is False
    assert any("has an untaxed charge of 8.00 EUR" in p and "“Taxed” off" in p for p in preview.problems)
    created = plugin.create_remote_invoice(invoice=invoice, config=config, context=context, attempt_id="u-1")
    assert not created.ok and _numbered(sandbox, "INV-UNTAXED-1") == []
    taxed = make_invoice(number="INV-UNTAXED-2", lines=[replace(charged, charge_taxed=True, untaxed_charge=Decimal(0))])
    assert plugin.preview_remote_totals(invoice=taxed, config=config, context=context).total is not None
