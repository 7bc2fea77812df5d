"""Personal API tokens: made, found, used and revoked.

A token is ``erp_`` + 43 random URL-safe characters (256 bits). Only its
SHA-256 is stored: with that much entropy a fast hash is enough (nothing to
guess), and a look-up by hash needs no per-row salt. The token itself is
shown once, when it is made.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from host.extensions import db
from host.jobs.recovery import aware  # noqa: F401  (the tokens page uses it too)
from host.models import ApiToken, User

PREFIX = "erp_"
SHOWN = 8  # characters of the token kept to recognise it in lists
TOUCH_EVERY = timedelta(minutes=1)  # last-used time is written at most this often


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def now() -> datetime:
    return datetime.now(timezone.utc)


def create(user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``: (the row, the token — shown to the user once)."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=digest(token), prefix=token[:SHOWN], expires_at=expires_at)
    db.session.add(row)
    db.session.commit()
    return row, token


def find(token: str) -> ApiToken | None:
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    return db.session.execute(db.select(ApiToken).filter_by(token_hash=digest(token))).scalar_one_or_none()


def refusal(row: ApiToken, moment: datetime | None = None) -> str | None:
    """Why ``row`` may not be used now, or None."""
    moment = moment or now()
    if row.revoked_at is not None:
        return "This API token was revoked. Make a new one on the API tokens page."
    if row.expires_at is not None and aware(row.expires_at) <= moment:
        return f"This API token expired on {aware(row.expires_at):%Y-%m-%d %H:%M} UTC. Make a new one on the API tokens page."
    return None


def touch(row: ApiToken) -> None:
    """Record that the token was used (at most once a minute, to spare the database)."""
    moment = now()
    if row.last_used_at is None or moment - aware(row.last_used_at) >= TOUCH_EVERY:
        row.last_used_at = moment
        db.session.commit()


def visible_to(user: User):
    """The tokens ``user`` may see and revoke: their own; every token for admins."""
    query = db.select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    return query if user.is_admin else query.where(ApiToken.user_id == user.id)


def revoke(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = now()
    db.session.commit()


def may_revoke(user: User, row: ApiToken) -> bool:
    return user.is_admin or row.user_id == user.id
