"""Counting the SQL statements a block of code sends (tests and benchmarks)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def count_statements(engine):
    """Yield a list that collects every statement ``engine`` executes in the block."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
