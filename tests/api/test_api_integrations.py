"""Per invoice and provider: create (a job), link, refresh, unlink, history;
bulk runs; jobs. The page's refusals, with every blocking reason."""
from host.extensions import db
from host.models import Job, RemoteLink

BASE = "/invoices/{}/integrations/reference"


def test_push_is_a_job_and_the_invoice_shows_the_link(app, enabled, reference):
    response = enabled().post(BASE.format(1) + "/create")
    assert response.status_code == 202
    job = response.json
    assert (job["kind"], job["status"], job["reasons"]) == ("create", "done", [])
    assert enabled().get(f"/jobs/{job['id']}").json["status"] == "done"
    state = enabled().get(BASE.format(1)).json
    assert state["link"]["status"] == "linked" and state["link"]["remote_id"] in reference.invoices
    assert state["job"]["id"] == job["id"] and state["total_differs"] is False
    history = enabled().get(BASE.format(1) + "/history").json
    assert history["total"] >= 1 and history["items"][0]["action"] == "create"


def test_a_blocked_push_lists_every_reason(app, enabled):
    response = enabled().post(BASE.format(4) + "/create")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "Client Freelance Collective has no tax ID." in response.json["reasons"]
    job = enabled().get(f"/jobs/{response.json['job']}").json
    assert job["status"] == "blocked" and "Client Freelance Collective has no tax ID." in job["reasons"]


def test_a_second_push_is_refused_with_the_pages_message(app, enabled):
    enabled().post(BASE.format(1) + "/create")
    response = enabled().post(BASE.format(1) + "/create")
    assert response.status_code == 409
    assert response.json["detail"].startswith("This invoice is already linked to")
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(RemoteLink.id))).scalar_one() == 1


def test_refresh_unlink_and_link_again(app, enabled, reference):
    remote_id = enabled().post(BASE.format(1) + "/create") and enabled().get(BASE.format(1)).json["link"]["remote_id"]
    refreshed = enabled().post(BASE.format(1) + "/refresh")
    assert refreshed.status_code == 202 and refreshed.json["kind"] == "refresh"
    unlinked = enabled().post(BASE.format(1) + "/unlink")
    assert unlinked.status_code == 200 and unlinked.json["link"] is None
    assert enabled().post(BASE.format(1) + "/unlink").json["detail"] == "This invoice is not linked."
    relinked = enabled().post(BASE.format(1) + "/link", json={"remote_id": remote_id})
    assert relinked.status_code == 200, relinked.json
    assert relinked.json["link"]["remote_id"] == remote_id
    assert enabled().post(BASE.format(1) + "/link", json={}).status_code == 422


def test_a_provider_that_is_not_enabled_or_installed(app, api):
    response = api().post(BASE.format(1) + "/create")
    assert response.status_code == 409
    assert response.json["detail"] == "Reference is not enabled. An admin can enable it in Settings → Integrations."
    assert api().post("/invoices/1/integrations/nope/create").status_code == 404
    assert api().post("/invoices/99999/integrations/reference/create").status_code == 404


def test_bulk_run_by_filter_progress_and_retry(app, enabled, reference):
    reference.fail_next = "crash"
    started = enabled().post("/runs", json={"provider": "reference", "action": "create",
                                            "filter": {"integration": "missing:reference"}})
    assert started.status_code == 202, started.json
    run = started.json
    progress = run["progress"]
    assert (progress["total"], progress["failed"], progress["blocked"], progress["done"]) == (4, 1, 1, 2)
    blocked = [job for job in run["jobs"] if job["status"] == "blocked"]
    assert blocked[0]["reasons"] == ["Client Freelance Collective has no tax ID."]
    failed = enabled().get("/invoices?integration=failed:reference").json
    assert failed["total"] == 1
    retried = enabled().post(f"/runs/{run['id']}/retry")
    assert retried.status_code == 202 and retried.json["count"] == 1
    again = enabled().get(f"/runs/{run['id']}").json["progress"]
    assert (again["done"], again["failed"], again["finished"]) == (3, 0, True)
    assert enabled().get("/runs").json["items"][0]["id"] == run["id"]


def test_bulk_run_with_a_list_and_its_refusals(app, enabled):
    run = enabled().post("/runs", json={"provider": "reference", "action": "create", "invoice_ids": [1, 2]}).json
    assert run["progress"]["done"] == 2
    missing = enabled().post("/runs", json={"provider": "reference", "action": "create", "invoice_ids": [1, 99999]})
    assert missing.status_code == 422 and missing.json["errors"]["invoice_ids"] == ["There is no invoice 99999."]
    both = enabled().post("/runs", json={"provider": "reference", "action": "create", "invoice_ids": [1],
                                         "filter": {}})
    assert both.status_code == 422
    assert enabled().post("/runs", json={"provider": "second", "action": "create", "invoice_ids": [1]}).status_code == 409
    assert enabled().post("/runs/99999/retry").status_code == 404
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Job.id))).scalar_one() == 2


def test_providers_admin_configure_enable_disable(app, api):
    admin = api("admin")
    listed = {p["key"]: p for p in api().get("/providers").json}
    assert listed["reference"]["enabled"] is False and listed["reference"]["status"] == "disabled"
    assert api().get("/providers/reference").json["settings"] == []  # users don't see settings
    bad = admin.post("/providers/reference/configure", json={"settings": {"api_key": "x"}})
    assert bad.status_code == 422 and "account" in bad.json["errors"]
    good = admin.post("/providers/reference/configure", json={"settings": {"api_key": "reference-good-key",
                                                                            "account": "A"}})
    assert good.status_code == 200
    secret = next(f for f in good.json["settings"] if f["name"] == "api_key")
    assert secret["value"] is None and "reference-good-key" not in str(good.json)
    assert admin.post("/providers/reference/enable").json["enabled"] is True
    assert admin.post("/providers/reference/disable").json["status"] == "disabled"
    assert admin.get("/providers/nope").status_code == 404


def test_the_integration_log_for_admins(app, enabled):
    enabled().post(BASE.format(4) + "/create")
    log = enabled("admin").get("/log?outcome=blocked").json
    assert log["total"] == 1 and log["items"][0]["invoice_id"] == 4
    assert enabled("admin").get("/log?outcome=sideways").status_code == 422


def test_linking_an_unknown_remote_invoice_is_a_422_with_the_providers_reason(app, enabled):
    response = enabled().post(BASE.format(1) + "/link", json={"remote_id": "no-such-invoice"})
    assert response.status_code == 422 and response.json["reasons"], response.json
    assert enabled().get(BASE.format(1)).json["link"] is None
