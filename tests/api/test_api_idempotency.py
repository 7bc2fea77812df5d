"""Idempotency-Key: a replayed POST returns the first response and never acts twice."""
import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from host.extensions import db
from host.models import IdempotentRequest, Job

CREATE = "/invoices/1/integrations/reference/create"


def key(value):
    return {"Idempotency-Key": value}


def jobs(app):
    with app.app_context():
        return db.session.execute(db.select(db.func.count(Job.id))).scalar_one()


def test_same_key_same_body_replays_the_first_response(app, enabled, reference):
    first = enabled().post(CREATE, headers=key("push-1"))
    again = enabled().post(CREATE, headers=key("push-1"))
    assert first.status_code == again.status_code == 202
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert jobs(app) == 1 and len(reference.invoices) == 1
    # without the key, the same request is a new one (and refused: already linked)
    assert enabled().post(CREATE).status_code == 409


def test_same_key_different_body_is_a_422_that_says_so(app, api):
    first = api().post("/clients", json={"code": "K1", "name": "One"}, headers=key("client-1"))
    assert first.status_code == 201
    other = api().post("/clients", json={"code": "K2", "name": "Two"}, headers=key("client-1"))
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert "already used with a different request" in other.json["detail"]
    assert api().get("/clients?q=K2").json["total"] == 0


def test_keys_belong_to_the_token(app, api):
    assert api("user").post("/clients", json={"code": "T1", "name": "T"}, headers=key("shared")).status_code == 201
    second = api("admin").post("/clients", json={"code": "T1", "name": "T"}, headers=key("shared"))
    assert second.status_code == 422  # ran for this token: the code is taken now
    assert "Idempotent-Replayed" not in second.headers


def test_refusals_are_replayed_too_and_keys_expire_after_a_day(app, api):
    body = {"code": "ACME-DE", "name": "Taken"}
    first = api().post("/clients", json=body, headers=key("dup"))
    assert first.status_code == 422
    assert api().post("/clients", json=body, headers=key("dup")).headers["Idempotent-Replayed"] == "true"
    with app.app_context():
        db.session.execute(update(IdempotentRequest).values(created_at=datetime.now(timezone.utc) - timedelta(hours=25)))
        db.session.commit()
    assert "Idempotent-Replayed" not in api().post("/clients", json=body, headers=key("dup")).headers


def test_a_malformed_key_is_refused(api):
    response = api().post("/clients", json={"code": "M", "name": "M"}, headers=key("x" * 300))
    assert response.status_code == 400 and "Idempotency-Key" in response.json["detail"]


def test_concurrent_requests_with_one_key_start_one_job(app, enabled, reference):
    reference.delay = 1.0  # the first request is still running when the second arrives
    barrier = threading.Barrier(2)
    answers = []

    def push():
        client = enabled()
        barrier.wait()
        answers.append(client.post(CREATE, headers=key("night-run")))

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json["id"] == answers[1].json["id"]
    assert sorted(a.headers.get("Idempotent-Replayed", "no") for a in answers) == ["no", "true"]
    assert jobs(app) == 1 and len(reference.invoices) == 1


def test_a_second_request_that_cannot_wait_gets_a_409(app, enabled, reference):
    app.config["IDEMPOTENCY_WAIT"] = 0.0
    reference.delay = 1.0
    answers = []
    first = threading.Thread(target=lambda: answers.append(enabled().post(CREATE, headers=key("slow"))))
    first.start()
    import time

    for _ in range(50):  # wait until the first request holds the key
        with app.app_context():
            if db.session.execute(db.select(IdempotentRequest).filter_by(key="slow")).first():
                break
        time.sleep(0.02)
    second = enabled().post(CREATE, headers=key("slow"))
    first.join(30)
    assert second.status_code == 409 and int(second.headers["Retry-After"]) >= 1
    assert "still running" in second.json["detail"]
    assert answers[0].status_code == 202 and jobs(app) == 1


def test_the_upkeep_forgets_keys_older_than_a_day(app, api):
    from host.rest.idempotency import forget_expired

    api().post("/clients", json={"code": "OLD", "name": "Old"}, headers=key("old"))
    api().post("/clients", json={"code": "NEW", "name": "New"}, headers=key("new"))
    with app.app_context():
        db.session.execute(update(IdempotentRequest).where(IdempotentRequest.key == "old")
                           .values(created_at=datetime.now(timezone.utc) - timedelta(hours=25)))
        db.session.commit()
        assert forget_expired() == 1
        assert [r.key for r in db.session.execute(db.select(IdempotentRequest)).scalars()] == ["new"]
