"""The application factory (cf. the Flask tutorial's ``create_app``)."""
from __future__ import annotations

import os
import secrets as pysecrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from host import headers, inputs
from host.extensions import csrf, db, login_manager
from host.instance import database_url, instance_path, sqlite_path
from host.jobs import queue
from host.keys import KeySource, load_keys
from host.plugins import Registry, registry_from_env
from host.secrets import instance_secret

MIGRATIONS = str(Path(__file__).parent / "migrations")
MAX_REQUEST_BYTES = 4 * 1024 * 1024  # a 500-line invoice form is well under 1 MiB
MAX_FORM_FIELD_BYTES = 64 * 1024  # the longest text field (notes) is 5,000 characters


def create_sqlite_file(url: str) -> None:
    """Create a SQLite database file with mode 0600 before SQLite does (0644):
    it holds password hashes and encrypted secrets."""
    path = sqlite_path(url)
    if not path or Path(path).exists():
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


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
    entry-point loading.

    Raises :class:`host.keys.KeyProblem` when stored secrets exist and the
    encryption key is missing or does not open them (``CHECK_ENCRYPTION_KEY``
    false skips that, and leaves secrets unusable: only for ``forget-secrets``)."""
    app = Flask(__name__, instance_path=instance_path((test_config or {}).get("INSTANCE_PATH")))
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url(app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_FORM_FIELD_BYTES,
        RATELIMIT_STORAGE_URI=os.environ.get("ERP_HOST_LIMITER_URL") or "memory://",
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
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
        create_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

    inputs.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    if app.config.get("CHECK_ENCRYPTION_KEY", True):
        with app.app_context():
            app.extensions["erp_host_keys"] = load_keys(KeySource.find(app.instance_path))

    registry: Registry = app.config.get("PROVIDER_REGISTRY") or registry_from_env()
    app.extensions["erp_host_registry"] = registry
    queue.init_app(app)

    from host import auth, rest, views

    headers.init_app(app)
    auth.init_app(app)
    views.register(app)
    rest.init_app(app)
    return app
