"""``Idempotency-Key`` on POSTs: a retried request never acts twice.

Before the work starts, a row (token, key, fingerprint of method + path +
body, status ``running``) is inserted and committed; the unique constraint on
(token, key) lets exactly one request per key run. Then:

- same key, same request, first one finished (within 24 h): its response
  again, with ``Idempotent-Replayed: true``;
- same key, same request, first one still running: wait up to
  ``IDEMPOTENCY_WAIT`` seconds for it and replay it, else 409 with
  ``Retry-After`` (nothing is started a second time);
- same key, another request: 422.

A 5xx answer is not kept (the row is deleted), so a retry after a crash runs
again; older than 24 hours, a key is forgotten, and so is a key whose
request is still "running" after 10 minutes (its process died).
"""
from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from flask import current_app, g, request
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from host.extensions import db
from host.models import IdempotentRequest
from host.rest.errors import Problem
from host.rest.tokens import now

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
ABANDONED = timedelta(minutes=10)  # a "running" row this old lost its request (a killed process)
KEPT_HEADERS = ("Content-Type", "Location", "Retry-After")


def _fingerprint() -> str:
    hashed = hashlib.sha256()
    for part in (request.method.encode(), request.full_path.rstrip("?").encode(), request.get_data(cache=True)):
        hashed.update(len(part).to_bytes(8, "big") + part)
    return hashed.hexdigest()


def _key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 255 or not key.isprintable() or not key.isascii():
        raise Problem(400, f"The {HEADER} header must be 1 to 255 printable ASCII characters, e.g. a UUID.")
    return key


def _find(token_id: int, key: str) -> IdempotentRequest | None:
    return db.session.execute(db.select(IdempotentRequest).filter_by(token_id=token_id, key=key)
                              .execution_options(populate_existing=True)).scalar_one_or_none()


def _replay(row: IdempotentRequest):
    response = current_app.response_class(row.response_body or "", status=row.response_status)
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim(token_id: int, key: str, fingerprint: str) -> bool:
    db.session.add(IdempotentRequest(token_id=token_id, key=key, fingerprint=fingerprint, status="running",
                                     response_headers={}))
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def begin():
    """Before a POST: claim its key, or answer for the request that holds it."""
    if request.method != "POST" or (key := _key()) is None:
        return None
    token_id, fingerprint = g.api_token.id, _fingerprint()
    deadline = time.monotonic() + current_app.config.get("IDEMPOTENCY_WAIT", 10.0)
    while True:
        if _claim(token_id, key, fingerprint):
            g.idempotency = (token_id, key)
            return None
        row = _find(token_id, key)
        if row is None and time.monotonic() < deadline:
            continue  # released meanwhile: claim it
        if row is None:
            raise Problem(409, f"This {HEADER} could not be claimed; retry in a moment.", headers={"Retry-After": "1"})
        age = now() - _aware(row.created_at)
        if age > KEEP or (row.status == "running" and age > ABANDONED):
            db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.id == row.id))
            db.session.commit()
            continue
        if row.fingerprint != fingerprint:
            raise Problem(422, f"This {HEADER} was already used with a different request (method, address or "
                               "body). Use a new key for a new request.")
        if row.status == "done":
            return _replay(row)
        if time.monotonic() >= deadline:
            raise Problem(409, f"The first request with this {HEADER} is still running. Retry in a moment to get "
                               "its response; nothing was started twice.", headers={"Retry-After": "1"})
        db.session.rollback()
        time.sleep(0.2)


def finish(response):
    """After the POST: keep its response for replays (a 5xx frees the key)."""
    claimed = g.pop("idempotency", None)
    if claimed is None:
        return response
    token_id, key = claimed
    db.session.rollback()  # views commit their work; whatever is left is not ours to keep
    where = (IdempotentRequest.token_id == token_id) & (IdempotentRequest.key == key)
    if response.status_code >= 500:
        db.session.execute(delete(IdempotentRequest).where(where))
    else:
        headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
        db.session.execute(update(IdempotentRequest).where(where).values(
            status="done", response_status=response.status_code, response_body=response.get_data(as_text=True),
            response_headers=headers))
    db.session.commit()
    return response


def forget_expired() -> int:
    """Delete keys older than 24 hours; returns how many."""
    gone = db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.created_at < now() - KEEP)).rowcount
    db.session.commit()
    return gone


def _aware(moment):
    from host.jobs.recovery import aware

    return aware(moment)
