"""Building a test app on a fresh, migrated database (SQLite or PostgreSQL)."""
from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text

from host.app import create_app, init_migrations
from host.extensions import db
from host.instance import psycopg_url
from host.plugins import Registry

POSTGRES_ENV = "TEST_DATABASE_URL"
_MIGRATED: set[str] = set()  # databases already upgraded in this process


def postgres_url() -> str | None:
    """The PostgreSQL server tests may use, from ``TEST_DATABASE_URL``."""
    return os.environ.get(POSTGRES_ENV) or None


def fresh_postgres_database(server_url: str) -> str:
    """Create an empty database on ``server_url``'s server and return its URL."""
    name = f"erp_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(psycopg_url(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))  # name is generated above, never user input
    engine.dispose()
    return psycopg_url(server_url).rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    server, name = url.rsplit("/", 1)
    engine = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def make_app(database_url: str, instance_path: str, registry: Registry, **config):
    """A migrated app with the given providers and no entry-point loading.

    Jobs run synchronously in the request (``QUEUE_IMMEDIATE``) unless
    ``QUEUE_IMMEDIATE=False`` is given, for tests with real worker processes.
    """
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": instance_path,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret",
            "PROVIDER_REGISTRY": registry,
            "QUEUE_IMMEDIATE": True,
            **config,
        }
    )
    if database_url not in _MIGRATED:
        init_migrations(app)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
        _MIGRATED.add(database_url)
    return app


def reset_data(app) -> None:
    """Empty every table and restart ID sequences, keeping the schema."""
    with app.app_context():
        db.session.remove()
        tables = [table for table in db.metadata.sorted_tables]
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)  # our own table names
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                db.session.execute(table.delete())
        db.session.commit()
