"""Helpers shared by the security tests."""
import pytest
from sqlalchemy import select

from host.extensions import db
from host.testing.reference_provider import GOOD_KEY


@pytest.fixture
def snapshot(app):
    """``snapshot(ignore={table: columns})``: every row of every table, to prove
    a refused request changed nothing; ``"*"`` ignores a whole table."""

    def take(ignore: dict | None = None) -> dict:
        ignore = ignore or {}
        with app.app_context():
            rows = {}
            for table in db.metadata.sorted_tables:
                skipped = ignore.get(table.name, ())
                if skipped == "*":
                    continue
                columns = [column for column in table.columns if column.name not in skipped]
                result = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
                rows[table.name] = [tuple(row) for row in result]
            db.session.remove()
            return rows

    return take


@pytest.fixture
def configured(client, login, demo):
    """The reference provider configured (API key and webhook secret) and enabled, admin logged in."""
    login("admin")
    response = client.post("/settings/integrations/reference",
                           data={"api_key": GOOD_KEY, "account": "A", "webhook_secret": "hook-secret-1234"})
    assert response.status_code == 302, response.text
    assert client.post("/settings/integrations/reference/enable").status_code == 302
    return client
