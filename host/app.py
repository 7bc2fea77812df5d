"""The application factory (cf. the Flask tutorial's ``create_app``)."""
from __future__ import annotations

import os
import secrets as pysecrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from host.extensions import csrf, db, login_manager
from host.jobs import queue
from host.plugins import Registry, registry_from_env
from host.secrets import instance_secret, load_or_create_key

MIGRATIONS = str(Path(__file__).parent / "migrations")


def psycopg_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url(instance_path: str, environ=os.environ) -> str:
    return psycopg_url(environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'erp-host.sqlite'}")


def _secret_key(instance_path: str) -> str:
    return instance_secret(instance_path, "secret.key", "ERP_HOST_SECRET_KEY", lambda: pysecrets.token_hex(32).encode()).decode()


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record):
    """SQLite enforces foreign keys (and their ON DELETE) only when asked."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def init_migrations(app: Flask) -> None:
    """Set up Flask-Migrate on ``app``, once. Not part of ``create_app``: Alembic
    takes a third of a second to import, and only migrations need it."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=MIGRATIONS)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. ``test_config`` may set any Flask setting, plus
    ``PROVIDER_REGISTRY`` (a ready :class:`host.plugins.Registry`) to skip
    entry-point loading."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("ERP_HOST_INSTANCE") or None
    app = Flask(__name__, instance_path=instance_path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url(app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        PUBLIC_URL=os.environ.get("ERP_HOST_PUBLIC_URL", ""),
        SESSION_COOKIE_SECURE=os.environ.get("ERP_HOST_SECURE_COOKIES", "") not in ("", "0"),
        QUEUE_URL=os.environ.get("ERP_HOST_QUEUE_URL", ""),
        # seconds a job waits after a crash or deadline before looking for what its
        # request may have done: above every provider client's read timeout (30 s)
        UNKNOWN_OUTCOME_WAIT=float(os.environ.get("ERP_HOST_UNKNOWN_OUTCOME_WAIT", "35")),
    )
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    if not app.config.get("ENCRYPTION_KEY"):
        app.config["ENCRYPTION_KEY"] = load_or_create_key(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)

    registry: Registry = app.config.get("PROVIDER_REGISTRY") or registry_from_env()
    app.extensions["erp_host_registry"] = registry
    queue.init_app(app)

    from host import auth, views

    auth.init_app(app)
    views.register(app)
    return app
