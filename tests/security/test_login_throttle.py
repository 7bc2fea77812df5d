"""Failed logins are throttled per account and per address; unknown usernames
take as long as known ones (issue 10, item 3)."""
import statistics
import time


from host.app import create_app

RIGHT = {"username": "clerk", "password": "clerk-demo-pass"}


def attempt(client, address, **form):
    return client.post("/login", data=form, environ_base={"REMOTE_ADDR": address})


def test_an_account_is_locked_for_a_while_after_5_failures_from_any_address(client):
    for number in range(5):
        assert attempt(client, f"10.0.0.{number}", username="clerk", password="wrong").status_code == 401
    response = attempt(client, "10.0.1.1", **RIGHT)  # even the right password, from elsewhere
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert "Wait 15 minutes" in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert attempt(client, "10.0.1.2", username="admin", password="admin-demo-pass").status_code == 302


def test_an_address_is_locked_after_20_failures_on_any_accounts(client):
    for number in range(20):
        assert attempt(client, "10.0.0.9", username=f"guess{number}", password="wrong").status_code == 401
    assert attempt(client, "10.0.0.9", **RIGHT).status_code == 429
    assert attempt(client, "10.0.0.10", **RIGHT).status_code == 302


def test_the_username_is_counted_regardless_of_case_and_spaces(client):
    for number, name in enumerate(["clerk", "CLERK", " Clerk ", "clerK", "clerk "]):
        attempt(client, f"10.0.0.{number}", username=name, password="wrong")
    assert attempt(client, "10.0.2.1", **RIGHT).status_code == 429


def test_successful_logins_are_not_counted(client):
    for _ in range(30):
        assert attempt(client, "10.0.0.1", **RIGHT).status_code == 302


def test_the_lock_ends_after_the_cool_down(make_host_app):
    app = make_host_app(WTF_CSRF_ENABLED=False, LOGIN_LIMIT_PER_ACCOUNT="2 per 1 second")
    client = app.test_client()
    for _ in range(2):
        attempt(client, "10.0.0.1", username="clerk", password="wrong")
    assert attempt(client, "10.0.0.1", **RIGHT).status_code == 429
    time.sleep(1.5)
    assert attempt(client, "10.0.0.1", **RIGHT).status_code == 302


def test_the_limiter_storage_comes_from_erp_host_limiter_url(monkeypatch, tmp_path):
    monkeypatch.setenv("ERP_HOST_LIMITER_URL", "memory://?shared=1")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "PROVIDER_REGISTRY": object()})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://?shared=1"


def test_an_unknown_username_takes_as_long_as_a_wrong_password(client):
    def median_seconds(usernames):
        times = []
        for number, username in enumerate(usernames):
            started = time.perf_counter()
            assert attempt(client, f"10.1.0.{number}", username=username, password="wrong").status_code == 401
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    median_seconds(["warm-up"])  # the first unknown username also makes the dummy hash
    known = median_seconds(["clerk"] * 3)
    unknown = median_seconds(["nobody-1", "nobody-2", "nobody-3"])
    assert unknown > 0.5 * known, (known, unknown)
