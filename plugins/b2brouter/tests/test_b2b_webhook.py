"""The webhook hook: HMAC signature, replay window, state-change updates."""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone

import pytest

import erp_host_b2brouter as plugin
from erp_host_b2brouter.webhook import sign

SECRET = "whsec-test"
CONFIG = {"api_key": "k", "account_id": 100001, "environment": "production", "webhook_secret": SECRET,
          "send_after_import": False}
EVENT = json.dumps({"code": "issued_invoice.state_change", "triggered_at": 1763630000,
                    "data": {"invoice_id": 354754, "state": "error", "notes": "Peppol: unknown receiver"}}).encode()


def call(body=EVENT, header=None, config=CONFIG):
    headers = {"content-type": "application/json"}
    if header is not None:
        headers["x-b2brouter-signature"] = header
    return plugin.handle_webhook(headers=headers, body=body, config=config, context=None)


def test_a_signed_state_change_updates_the_invoice():
    response = call(header=sign(SECRET, EVENT))
    assert response.status == 200
    (update,) = response.updates
    assert (update.remote_id, update.state, update.state_detail) == ("354754", "error", "Peppol: unknown receiver")
    assert update.url == "https://app.b2brouter.net/invoices/354754"


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    import hashlib
    import hmac

    digest = hmac.new(SECRET.encode(), b"1700000000." + EVENT, hashlib.sha256).hexdigest()
    assert sign(SECRET, EVENT, 1700000000) == f"t=1700000000,s={digest}"


@pytest.mark.parametrize("header", [
    None, "", "garbage", "t=123", f"t={int(time.time())},s=deadbeef",
    sign("another-secret", EVENT),
])
def test_unsigned_or_forged_calls_are_refused_and_logged_only_for_debugging(header, caplog):
    with caplog.at_level(logging.DEBUG, logger="erp_host_b2brouter.webhook"):
        response = call(header=header)
    assert response.status == 401 and response.updates == () and response.message
    assert "refused" in caplog.text and SECRET not in caplog.text
    assert all(record.levelno <= logging.DEBUG for record in caplog.records)  # the host counts refusals


def test_a_tampered_body_is_refused():
    header = sign(SECRET, EVENT)
    assert call(body=EVENT.replace(b"error", b"paid__"), header=header).status == 401


def test_a_stale_signature_is_refused():
    response = call(header=sign(SECRET, EVENT, int(time.time()) - 301))
    assert response.status == 400 and response.updates == () and "too old" in response.message
    assert call(header=sign(SECRET, EVENT, int(time.time()) - 200)).status == 200


def test_without_a_configured_secret_nothing_is_accepted():
    response = call(header=sign(SECRET, EVENT), config=dict(CONFIG, webhook_secret=None))
    assert response.status == 401 and response.updates == ()


def test_other_events_are_acknowledged_and_ignored():
    body = json.dumps({"code": "received_invoice.new", "data": {"invoice_id": 1}}).encode()
    response = call(body=body, header=sign(SECRET, body))
    assert response.status == 200 and response.updates == ()


@pytest.mark.parametrize("body", [b"not json", json.dumps({"code": "issued_invoice.state_change",
                                                           "data": {"state": "sent"}}).encode()])
def test_malformed_events_are_bad_requests(body):
    assert call(body=body, header=sign(SECRET, body)).status == 400


def test_every_delivery_of_an_event_has_the_same_id_and_the_event_time():
    first = call(header=sign(SECRET, EVENT, int(time.time()) - 120))
    again = call(header=sign(SECRET, EVENT))  # B2BRouter retrying: a new signature, the same event
    assert first.event_id == again.event_id == "issued_invoice.state_change:354754:error:1763630000"
    assert first.updates[0].changed_at == datetime.fromtimestamp(1763630000, timezone.utc)


def test_another_state_of_the_same_invoice_is_another_event():
    paid = EVENT.replace(b'"error"', b'"paid"')
    response = call(body=paid, header=sign(SECRET, paid))
    assert response.event_id != call(header=sign(SECRET, EVENT)).event_id
    assert response.updates[0].final  # paid can no longer change


@pytest.mark.parametrize("triggered", [None, 0, -5, "1763630000", 10 ** 30, True])
def test_without_a_usable_triggered_at_the_signature_time_is_the_event_time(triggered):
    body = json.dumps({"code": "issued_invoice.state_change", "triggered_at": triggered,
                       "data": {"invoice_id": 7, "state": "sent"}}).encode()
    signed_at = int(time.time())
    response = call(body=body, header=sign(SECRET, body, signed_at))
    assert response.status == 200
    assert response.updates[0].changed_at == datetime.fromtimestamp(signed_at, timezone.utc)
