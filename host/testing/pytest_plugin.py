"""pytest fixtures for erp-host and its provider plugins (loaded automatically
through the ``pytest11`` entry point wherever erp-host is installed).

- ``erp_database_url``: one migrated database for the session: SQLite in a
  temporary folder, or a fresh PostgreSQL database when ``TEST_DATABASE_URL``
  names a server.
- ``make_host_app(providers)``: an app with exactly those providers
  registered (``{key: plugin}``), demo users loaded; its data is wiped after
  the test.
- ``live_host(providers)``: the same app served over HTTP on loopback, for
  browser tests; returns a :class:`LiveHost`.
- ``browser_page``: a Playwright page on Debian's Chromium.

Outside CI, tests needing PostgreSQL or Chromium skip with the reason; with
``CI=true`` they fail instead, so nothing is silently skipped there.
"""
from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from host.testing.app import drop_postgres_database, fresh_postgres_database, make_app, postgres_url, reset_data

CHROMIUM = os.environ.get("ERP_HOST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
ADMIN = ("admin", "admin-demo-pass")
USER = ("clerk", "clerk-demo-pass")


def skip_or_fail(reason: str) -> None:
    """Skip outside CI; in CI a missing prerequisite is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def erp_database_url(tmp_path_factory):
    server = postgres_url()
    if server:
        url = fresh_postgres_database(server)
        yield url
        drop_postgres_database(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'erp-test.sqlite'}"


@pytest.fixture
def make_host_app(erp_database_url, tmp_path):
    from host.plugins import new_registry

    apps = []

    def build(providers: dict | None = None, **config):
        registry = new_registry()
        for key, plugin in (providers or {}).items():
            registry.register(key, plugin, distribution=f"test-{key}", version="0")
        app = make_app(erp_database_url, str(tmp_path / "instance"), registry, **config)
        reset_data(app)
        with app.app_context():
            from host.demo import DEMO_USERS
            from host.extensions import db
            from host.models import User

            for username, (password, role) in DEMO_USERS.items():
                user = User(username=username, role=role)
                user.set_password(password)
                db.session.add(user)
            db.session.commit()
        apps.append(app)
        return app

    yield build
    for app in apps:
        reset_data(app)
        with app.app_context():
            from host.extensions import db

            db.engine.dispose()


@dataclass
class LiveHost:
    app: object
    url: str
    admin: tuple[str, str] = ADMIN
    user: tuple[str, str] = USER

    def login(self, page, who: str = "admin") -> None:
        username, password = self.admin if who == "admin" else self.user
        page.goto(self.url + "/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def live_host(make_host_app):
    servers = []

    def start(providers: dict | None = None, demo: bool = True, **config) -> LiveHost:
        app = make_host_app(providers, **{"WTF_CSRF_ENABLED": True, **config})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["PUBLIC_URL"] = url
        if demo:
            with app.app_context():
                from host.demo import load_demo

                load_demo()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return LiveHost(app=app, url=url)

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def _chromium():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        skip_or_fail(f"Chromium not found at {CHROMIUM}; run ./dev setup-test (installs Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed; run ./dev setup-test")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_chromium, tmp_path):
    context = _chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def pytest_sessionfinish(session, exitstatus):
    """With ``CI=true`` a skipped test fails the run: CI must test everything."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        for report in skipped:
            reporter.write_line(f"CI: skipped test is not allowed: {report.nodeid}", red=True)
        session.exitstatus = 1
