"""``host.HttpError``: status → kind, Retry-After, request ID, message and ``to_result``."""
from __future__ import annotations

import email.utils

import pytest
import requests
import responses

from host import HttpError, Result
from host.http_errors import DEFAULT_RETRY_AFTER, MAX_DETAIL, MAX_RETRY_AFTER, kind_of_status, parse_retry_after

URL = "https://api.acme.test/invoices/1"


def _error(status, body="", **headers) -> HttpError:
    with responses.RequestsMock() as mocked:
        mocked.get(URL, body=body, status=status, headers=headers)
        response = requests.get(URL)
    return HttpError.from_response(response, provider="Acme", request_id_headers=("X-Acme-Id", "X-Request-Id"))


@pytest.mark.parametrize("status, kind", [
    (400, "invalid"), (401, "auth"), (403, "forbidden"), (404, "not_found"), (409, "conflict"),
    (410, "http"), (422, "invalid"), (429, "throttled"), (500, "server"), (503, "server"), (302, "http"),
])
def test_the_status_names_the_kind(status, kind):
    assert kind_of_status(status) == kind


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("  ", None), ("soon", None), ("nan", None),
    ("35", 35.0), (" 2.5 ", 2.5), ("-4", 0.0), ("999999", MAX_RETRY_AFTER),
])
def test_retry_after_in_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_retry_after_as_an_http_date_counts_from_now_and_is_capped():
    now = 1_800_000_000.0
    assert parse_retry_after(email.utils.formatdate(now + 90, usegmt=True), now=now) == pytest.approx(90.0)
    assert parse_retry_after(email.utils.formatdate(now - 90, usegmt=True), now=now) == 0.0
    assert parse_retry_after(email.utils.formatdate(now + 86400, usegmt=True), now=now) == MAX_RETRY_AFTER
    assert parse_retry_after(email.utils.formatdate(now + 86400, usegmt=True), now=now, cap=10) == 10
    assert parse_retry_after("Wed, 99 Foo 2015 07:28:00 GMT") is None


def test_a_throttled_answer_carries_the_wait_and_the_request_id():
    error = _error(429, '{"error": "slow down"}', **{"Retry-After": "35", "X-Request-Id": "req-7"})
    assert error.kind == "throttled" and error.status == 429 and error.retry_after == 35.0
    assert error.request_id == "req-7" and error.transient and error.rejected and not error.sent
    assert "Acme is limiting requests" in error.text and "35 seconds" in error.text
    result = error.to_result()
    assert isinstance(result, Result) and not result.ok and result.retry_after == 35.0
    assert result.request_id == "req-7" and result.error_detail == '{"error": "slow down"}' and result.sent is False


def test_a_server_error_without_retry_after_waits_the_default_and_may_have_been_sent():
    error = _error(503, "<html>down</html>", **{"X-Acme-Id": "first", "X-Request-Id": "second"})
    assert error.kind == "server" and error.request_id == "first" and error.sent
    result = error.to_result()
    assert result.retry_after == DEFAULT_RETRY_AFTER and result.sent is True
    assert "Acme is unavailable (HTTP 503)" in result.messages[0].text


def test_a_client_error_is_not_retried_and_its_raw_body_is_cut():
    error = _error(422, "x" * (MAX_DETAIL + 100))
    result = error.to_result()
    assert error.kind == "invalid" and not error.transient and result.retry_after is None
    assert len(result.error_detail) == MAX_DETAIL and result.sent is False


def test_to_result_with_the_providers_own_text_keeps_the_error_as_a_detail():
    error = HttpError("conflict", "Acme refused the change.", status=409, details=("Number taken",))
    result = error.to_result("Invoice 7 was not created.", sent=False, retry_after=5)
    message = result.messages[0]
    assert message.text == "Invoice 7 was not created."
    assert message.details == ("Acme refused the change.", "Number taken")
    assert result.retry_after == 5 and result.sent is False


def test_a_timeout_and_a_dropped_connection():
    timeout = HttpError.from_exception(requests.ReadTimeout("read timed out"), provider="Acme")
    assert timeout.kind == "timeout" and timeout.status is None and timeout.sent and timeout.transient
    assert timeout.text == "Acme did not answer in time. Try again later." and timeout.raw == "ReadTimeout"
    assert timeout.to_result().retry_after == DEFAULT_RETRY_AFTER
    dropped = HttpError.from_exception(requests.ConnectionError("refused"), provider="Acme", text="No route.")
    assert dropped.kind == "network" and str(dropped) == "No route."


def test_a_subclass_keeps_its_own_fields():
    class AcmeError(HttpError):
        def __init__(self, kind, text, *, acme_code=None, **fields):
            super().__init__(kind, text, **fields)
            self.acme_code = acme_code

    with responses.RequestsMock() as mocked:
        mocked.get(URL, json={"code": "A1"}, status=404)
        error = AcmeError.from_response(requests.get(URL), provider="Acme", acme_code="A1")
    assert isinstance(error, AcmeError) and error.acme_code == "A1" and error.kind == "not_found"
