"""Error pages: the app's layout, the reason, the way back; a 500 has a reference that is in the log."""
import logging
import re


def test_403_for_users_says_admins_only_in_the_layout(client, login):
    login("user")
    response = client.get("/settings/integrations/")
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Admins only" in body and "read-protected" not in body
    assert 'class="topbar"' in body and 'href="/invoices"' in body


def test_404_in_the_layout_and_json_for_json_clients(client, login):
    login("user")
    response = client.get("/invoices/987654")
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)
    response = client.get("/invoices/987654", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"] == "Not found"


def test_500_shows_a_reference_that_the_log_has_with_the_traceback(app, client, login, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("kaboom in a view")

    login("user")
    with caplog.at_level(logging.ERROR, logger="host.errors"):
        response = client.get("/boom-for-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong" in body and 'class="topbar"' in body
    reference = re.search(r'class="error-reference">([0-9A-F]{8})<', body).group(1)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and "kaboom in a view" in str(logged[0].exc_info[1])
    assert "kaboom" not in body
