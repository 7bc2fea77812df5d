"""Login, logout and the two roles: admins configure, users invoice.

Every route needs a logged-in user unless it is listed in ``PUBLIC_ENDPOINTS``;
admin-only views are decorated with :func:`admin_required`.
"""
from __future__ import annotations

import secrets
from functools import cache, wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from host import login_throttle
from host.extensions import db, login_manager
from host.models import User

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.login", "static", "hooks.webhook"}
# blueprints that authenticate on their own and never read the session (the REST API: tokens)
PUBLIC_BLUEPRINTS: set[str] = set()


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Sessions hold the user's session token (see ``User``), so a replaced token ends them."""
    return db.session.execute(db.select(User).filter_by(session_token=session_token)).scalar_one_or_none()


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(username: str, password: str) -> User | None:
    """The user whose password this is, or None. An unknown username costs one
    password check too, so the answer time does not tell which usernames exist."""
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _require_login():
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None or request.blueprint in PUBLIC_BLUEPRINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _safe_next(target: str | None) -> str:
    """A local path to go to after logging in; anything else goes to the invoices.
    A backslash is refused because browsers read ``/\\host`` as ``//host``."""
    if (target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//")
            and "\\" not in target):
        return target
    return url_for("invoices.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        if not request.args.get("next", "").isprintable():
            abort(400, description="The address to return to after logging in contains control characters.")
        user = authenticate(request.form.get("username", "").strip(), request.form.get("password", ""))
        if user is None:
            flash("Wrong username or password.", "error")
            return render_template("auth/login.html"), 401
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    current_user.end_sessions()  # a copy of this session's cookie stops working too
    db.session.commit()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def create_user(username: str, password: str, role: str) -> User:
    if role not in ("admin", "user"):
        raise ValueError("role must be 'admin' or 'user'")
    if len(password) < 8:
        raise ValueError("the password needs at least 8 characters")
    user = User(username=username, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def init_app(app):
    app.register_blueprint(bp)
    app.before_request(_require_login)
    login_throttle.init_app(app, "auth.login")
