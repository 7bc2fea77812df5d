"""Request bodies are bounded for the whole app, chunked ones too (issue 10, item 1)."""
import io

from host.app import MAX_REQUEST_BYTES
from host.views.hooks import MAX_WEBHOOK_BYTES

SLACK = 256 * 1024  # what one read past the limit may take


class EndlessBody(io.RawIOBase):
    """A request body of ``size`` bytes made of ``pattern``, counting what the app reads."""

    def __init__(self, size: int, pattern: bytes = b"a"):
        self.size = size
        self.pattern = pattern
        self.consumed = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.consumed)
        start = self.consumed % len(self.pattern)
        data = (self.pattern * (count // len(self.pattern) + 2))[start:start + count]
        buffer[:count] = data
        self.consumed += count
        return count


def chunked_post(client, url, body: EndlessBody, content_type: str):
    """POST with ``Transfer-Encoding: chunked`` (no Content-Length), as a WSGI server
    that de-chunks the input (``wsgi.input_terminated``) hands it to the app."""
    return client.post(url, content_type=content_type, headers={"Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input": body, "wsgi.input_terminated": True})


def test_a_chunked_webhook_body_is_refused_after_1_mib_without_reading_the_rest(configured, reference):
    body = EndlessBody(16 * 1024 * 1024)
    response = chunked_post(configured, "/integrations/reference/webhook", body, "application/octet-stream")
    assert response.status_code == 413
    assert body.consumed <= MAX_WEBHOOK_BYTES + SLACK
    assert "handle_webhook" not in reference.calls


def test_a_webhook_body_within_the_limit_still_reaches_the_provider(configured, reference):
    response = configured.post("/integrations/reference/webhook", data=b"x" * 1000,
                               content_type="application/octet-stream")
    assert response.status_code == 401  # unsigned: refused by the provider, so it was read and passed on
    assert "handle_webhook" in reference.calls


def test_a_chunked_form_post_is_refused_at_the_app_limit(client):
    body = EndlessBody(32 * 1024 * 1024, pattern=b"a=1&")  # many small fields: no single field is too big
    response = chunked_post(client, "/login", body, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert body.consumed <= MAX_REQUEST_BYTES + SLACK


def test_a_declared_length_over_the_limit_is_refused_before_reading(client, login):
    login("user")
    body = EndlessBody(MAX_REQUEST_BYTES + 1, pattern=b"a=1&")
    response = client.post("/clients/new", content_type="application/x-www-form-urlencoded",
                           environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": str(MAX_REQUEST_BYTES + 1)})
    assert response.status_code == 413
    assert body.consumed == 0


def test_one_huge_multipart_form_field_is_refused(client, login):
    login("user")
    response = client.post("/clients/new", data={"code": "BIG", "name": "x" * (200 * 1024)},
                           content_type="multipart/form-data")
    assert response.status_code == 413
