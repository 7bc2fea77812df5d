"""Which providers are enabled, read from the database without building the app.

For ``erp-host plugins``, which must start about as fast as ``flask --version``:
SQLite is read with the standard library's ``sqlite3``, opened read-only;
any other database (PostgreSQL through ``DATABASE_URL``) through a SQLAlchemy
Core engine, imported only then. The flags live in ``provider_settings``
(see :func:`host.integrations.settings.is_enabled`); a provider without a row
is not enabled.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from host.instance import sqlite_path

ENABLED_SQL = "SELECT provider, enabled FROM provider_settings"


class DatabaseNotReady(Exception):
    """No database yet, or no ``provider_settings`` table: run ``erp-host db upgrade``."""


def enabled_flags(url: str) -> dict[str, bool]:
    """``{provider key: enabled}`` for every provider with a settings row.

    Raises :class:`DatabaseNotReady` before the database is created and migrated.
    """
    rows = _sqlite_rows(url) if url.startswith("sqlite") else _engine_rows(url)
    return {key: bool(enabled) for key, enabled in rows}


def _sqlite_rows(url: str) -> list[tuple]:
    path = sqlite_path(url)
    if path is None:
        raise DatabaseNotReady("an in-memory SQLite database has no tables yet")
    try:
        connection = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.OperationalError as error:  # no file yet
        raise DatabaseNotReady(str(error)) from None
    try:
        return connection.execute(ENABLED_SQL).fetchall()
    except sqlite3.OperationalError as error:  # no provider_settings table yet
        raise DatabaseNotReady(str(error)) from None
    finally:
        connection.close()


def _engine_rows(url: str) -> list[tuple]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(ENABLED_SQL))]
    except (OperationalError, ProgrammingError) as error:
        raise DatabaseNotReady(str(error).splitlines()[0]) from None
    finally:
        engine.dispose()
