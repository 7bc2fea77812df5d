"""Login, logout and the two roles: admins configure, users invoice.

Every route needs a logged-in user unless it is listed in ``PUBLIC_ENDPOINTS``;
admin-only views are decorated with :func:`admin_required`.
"""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from host.extensions import db, login_manager
from host.models import User

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.login", "static", "hooks.webhook"}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


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
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("invoices.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        user = db.session.execute(
            db.select(User).filter_by(username=request.form.get("username", "").strip())
        ).scalar_one_or_none()
        if user is None or not user.check_password(request.form.get("password", "")):
            flash("Wrong username or password.", "error")
            return render_template("auth/login.html"), 401
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
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
