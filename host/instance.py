"""Where an installation keeps its data: the instance folder and the database URL.

``create_app`` configures itself from these, and commands that only read the
database (``erp-host plugins``) find the same database through them without
building the app.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask.sansio.scaffold import find_package

#: The import name the app is built under (``Flask(__name__)`` in ``host.app``).
APP_IMPORT_NAME = "host.app"
SQLITE_PREFIX = "sqlite:///"


def instance_path(configured: str | None = None, environ=os.environ) -> str:
    """``configured`` (the ``INSTANCE_PATH`` setting), else ``ERP_HOST_INSTANCE``,
    else the folder Flask would pick for the app (``App.auto_find_instance_path``)."""
    explicit = configured or environ.get("ERP_HOST_INSTANCE")
    if explicit:
        return explicit
    prefix, package_path = find_package(APP_IMPORT_NAME)
    if prefix is None:
        return os.path.join(package_path, "instance")
    return os.path.join(prefix, "var", f"{APP_IMPORT_NAME}-instance")


def psycopg_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url(instance: str, environ=os.environ) -> str:
    """``DATABASE_URL``, else the SQLite file in the instance folder."""
    return psycopg_url(environ.get("DATABASE_URL") or f"{SQLITE_PREFIX}{Path(instance) / 'erp-host.sqlite'}")


def sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:///`` URL; ``None`` for other databases and in-memory SQLite."""
    path = url[len(SQLITE_PREFIX):].split("?", 1)[0] if url.startswith(SQLITE_PREFIX) else ""
    return path if path and path != ":memory:" else None
