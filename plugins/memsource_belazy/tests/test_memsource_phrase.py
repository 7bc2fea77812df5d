"""The who-am-I client against recorded Phrase TMS answers (responses)."""
import pytest
import requests
import responses

from erp_host_memsource_belazy import phrase

BASE = "https://cloud.memsource.com/web"
URL = BASE + "/api2/v1/auth/whoAmI"
WHO_AM_I = {
    "user": {"userName": "jdoe", "firstName": "Jane", "lastName": "Doe", "email": "jane@example.com", "role": "ADMIN"},
    "organization": {"name": "Acme Translations", "uid": "org1"},
    "edition": {"name": "Ultimate"},
}


@responses.activate
def test_ok_reads_user_and_organisation_and_sends_token_and_user_agent():
    responses.get(URL, json=WHO_AM_I)
    me = phrase.who_am_i(BASE + "/", " tok123 ", contact="admin@lingua.example")
    assert me == phrase.WhoAmI("jdoe", "Jane Doe", "jane@example.com", "ADMIN", "Acme Translations", "Ultimate")
    sent = responses.calls[0].request
    assert sent.url == URL
    assert sent.headers["Authorization"] == "ApiToken tok123"
    assert sent.headers["User-Agent"].startswith("erp-host-memsource-belazy/")
    assert "admin@lingua.example" in sent.headers["User-Agent"]


@responses.activate
def test_401_says_the_token_is_rejected_and_keeps_the_body():
    body = {"errorCode": "AuthUnauthorized", "errorDescription": "Unauthorized: invalid or expired token"}
    responses.get(URL, json=body, status=401)
    with pytest.raises(phrase.PhraseError) as caught:
        phrase.who_am_i(BASE, "wrong")
    assert caught.value.status == 401
    assert "rejected the API token" in caught.value.reason
    assert "invalid or expired token" in caught.value.reason
    assert "AuthUnauthorized" in caught.value.body


@responses.activate
def test_timeout_names_the_host():
    responses.get(URL, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(phrase.PhraseError) as caught:
        phrase.who_am_i(BASE, "tok")
    assert caught.value.reason == "cloud.memsource.com did not answer in time; try again later."
    assert caught.value.status is None


@responses.activate
def test_connection_error_asks_to_check_the_base_url():
    responses.get(URL, body=requests.ConnectionError("refused"))
    with pytest.raises(phrase.PhraseError, match="could not connect to cloud.memsource.com"):
        phrase.who_am_i(BASE, "tok")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"body": "<html>Maintenance</html>", "content_type": "text/html"},
        {"json": {"user": {"userName": "x"}}},  # no organization
        {"json": [1, 2]},
        {"json": {"user": {"userName": None}, "organization": {"name": "Org"}}},
    ],
    ids=["html", "no-organization", "list", "null-user-name"],
)
@responses.activate
def test_malformed_answer_is_reported_as_such(kwargs):
    responses.get(URL, status=200, **kwargs)
    with pytest.raises(phrase.PhraseError, match="not a who-am-I response"):
        phrase.who_am_i(BASE, "tok")


@pytest.mark.parametrize(
    "status, expected",
    [(403, "HTTP 403"), (404, "check the base URL"), (429, "try again in a minute"), (503, "server error (HTTP 503)")],
)
@responses.activate
def test_other_statuses_have_their_own_reason(status, expected):
    responses.get(URL, json={"errorCode": "X", "errorDescription": "described"}, status=status)
    with pytest.raises(phrase.PhraseError) as caught:
        phrase.who_am_i(BASE, "tok")
    assert expected in caught.value.reason
    assert caught.value.reason.endswith("Phrase says: described")
