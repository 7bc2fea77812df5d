"""Problem details everywhere under /api/v1, pages keep their HTML errors; the per-token rate limit."""

def is_problem(response, status):
    body = response.json
    return (response.status_code == status and response.mimetype == "application/problem+json"
            and body["status"] == status and body["type"] == "about:blank" and body["title"] and body["detail"])


def test_unknown_address_and_wrong_method(api):
    assert is_problem(api().get("/nowhere"), 404)
    wrong = api().client.delete("/api/v1/clients", headers=api().headers())
    assert is_problem(wrong, 405) and "GET" in wrong.headers["Allow"]


def test_bad_bodies_are_problems(api):
    broken = api().client.post("/api/v1/clients", data="{not json", content_type="application/json",
                               headers=api().headers())
    assert broken.status_code in (400, 422) and broken.mimetype == "application/problem+json"
    nul = api().post("/clients", json={"code": "A\u0000", "name": "B"})
    assert is_problem(nul, 400) and "NUL" in nul.json["detail"]
    assert is_problem(api().get("/clients/99999999999999999999"), 404)  # beyond 64 bits: no such row


def test_pages_keep_their_own_errors(app, client):
    assert client.get("/invoices/99999").status_code == 302  # to the login page
    assert client.get("/no-such-page").mimetype == "text/html"


def test_rate_limit_per_token_with_retry_after(app, api, tokens):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    user, admin = api("user"), api("admin")
    assert [user.get("/taxes").status_code for _ in range(3)] == [200, 200, 200]
    limited = user.get("/taxes")
    assert is_problem(limited, 429) and int(limited.headers["Retry-After"]) >= 1
    assert admin.get("/taxes").status_code == 200  # another token has its own budget
