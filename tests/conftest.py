"""Fixtures: a fresh app and database per test, on SQLite and (when configured) PostgreSQL.

Tests that use the ``app`` fixture run once per database backend: ``[sqlite]`` always, and
``[postgresql]`` when HUB_TEST_DATABASE_URL names a server. With that variable set, an
unreachable server is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from hub import create_app
from hub.auth.models import Role, User
from hub.db import Base, get_session, make_engine
from hub.migrate import import_models

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
PG_ENV = "HUB_TEST_DATABASE_URL"
pytest_plugins = ["tests.fake_llm", "tests.oidc_provider"]  # fake_model (a chat-completions server), oidc_provider
TEST_PASSWORD = "correct horse battery"

import_models()


def corpus(*parts: str) -> Path:
    """A path in ../shared/corpora, or skip the test with a clear message when it is absent."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"test corpus {path} is not there (expected ../shared/corpora beside the repository)")
    return path


def _pg_base_url() -> str | None:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        return None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def pytest_report_header(config: pytest.Config) -> list[str]:
    url = _pg_base_url()
    if url:
        return [f"databases: sqlite and postgresql ({make_url(url).render_as_string(hide_password=True)})"]
    return [f"databases: sqlite only; the PostgreSQL leg is SKIPPED (set {PG_ENV} to run it)"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _pg_base_url():
        terminalreporter.write_line(
            f"NOTE: the PostgreSQL leg was skipped: {PG_ENV} is not set. CI (.ci/run) runs it.", yellow=True
        )


def _worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class PgDatabase:
    """A throw-away database on the configured server, created for this test session."""

    def __init__(self, base_url: str, name: str) -> None:
        self.admin_url = make_url(base_url)
        self.url = self.admin_url.set(database=name)
        self.name = name
        admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        except sa.exc.OperationalError as exc:
            raise pytest.UsageError(f"{PG_ENV} is set but PostgreSQL cannot be reached: {exc}") from exc
        finally:
            admin.dispose()

    def drop(self) -> None:
        admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()

    @property
    def url_string(self) -> str:
        return self.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[PgDatabase | None]:
    """A scratch PostgreSQL database for the whole session (None when not configured)."""
    base = _pg_base_url()
    if not base:
        yield None
        return
    db = PgDatabase(base, f"hub_test_{_worker_suffix()}_{os.getpid()}")  # concurrent runs never collide
    yield db
    db.drop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_database: PgDatabase | None) -> Iterator[dict[str, Any]]:
    """The database backend for this leg: a schema built once, reset before each test."""
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
        engine = make_engine(f"sqlite:///{template}")
        Base.metadata.create_all(engine)
        engine.dispose()
        yield {"name": "sqlite", "template": template}
        return
    if pg_database is None:
        pytest.skip(f"PostgreSQL leg skipped: {PG_ENV} is not set")
    engine = make_engine(pg_database.url_string)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield {"name": "postgresql", "url": pg_database.url_string, "engine": engine}
    engine.dispose()


def _database_url(backend: dict[str, Any], tmp_path: Path) -> str:
    if backend["name"] == "sqlite":
        path = tmp_path / "hub.sqlite3"
        shutil.copyfile(backend["template"], path)
        return f"sqlite:///{path}"
    # DELETE is much faster than TRUNCATE on tables this small; the circular post <-> revision
    # keys are cut first.
    with backend["engine"].begin() as conn:
        conn.execute(sa.text("UPDATE post SET current_revision_id = NULL, live_revision_id = NULL, taken_down_revision_id = NULL"))
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    return backend["url"]


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra settings for the ``app`` of one test (override the fixture, or update it first)."""
    return {}


@pytest.fixture
def app(backend: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_config: dict[str, Any]) -> Iterator[Flask]:
    """A fresh app with its own empty database and instance folder."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("HUB_INSTANCE_PATH", str(instance))
    for name in [k for k in os.environ if k.startswith("HUB_") and k not in ("HUB_INSTANCE_PATH", PG_ENV)]:
        monkeypatch.delenv(name)
    config = {
        "TESTING": True,
        "DATABASE_URL": _database_url(backend, tmp_path),
        "SECRET_KEY": "test-secret-key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
        "BASE_URL": "http://hub.test",
        "TRUSTED_HOSTS": "localhost,127.0.0.1",  # the test client's default host and the live server
        "SERVER_NAME": None,
        "WTF_CSRF_ENABLED": False,
        "ALLOWED_EMAIL_DOMAINS": "example.com",
        "PUBLISH_DUE_ON_REQUEST": False,
        "OUTBOX_DELIVER_IN_WEB": False,  # tests deliver with `hub worker --once`; tests/outbox turn it on
        **app_config,
    }
    app = create_app(config)
    app.config["HUB_DB_BACKEND"] = backend["name"]
    yield app
    from hub import throttle
    from hub.db import get_engine

    app.extensions["hub.clicklog"].close()  # its flusher thread and open file would outlive the test
    if "hub.outbox.courier" in app.extensions:
        app.extensions["hub.outbox.courier"].stop()
    throttle.dispose(app)
    get_engine(app).dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The app context's session, for calling services and checking the database."""
    with app.app_context():
        yield get_session()


class HubClient(FlaskClient):
    """A test client whose every request gets its own app context (own ``g``, own database
    session), even while the test holds one open; afterwards the test's session is committed
    and expired so that it sees what the request wrote. Like a server, it reads the response to
    the end and closes it, so work done after the response (mail) has happened."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        from flask.globals import _cv_app

        kwargs.setdefault("buffered", True)
        outer = _cv_app.get(None)
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        outer_session = outer.g.get("hub_session") if outer is not None else None
        if outer_session is not None:
            outer_session.commit()
            outer_session.expire_all()
        return response


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = HubClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask, session: Session) -> Callable[..., User]:
    """Create (and commit) a user: ``make_user(role="comms", email=..., name=...)``."""
    from hub.auth.services import create_user

    counter = iter(range(1, 10_000))

    def make(role: str | Role = Role.EMPLOYEE, email: str | None = None, name: str | None = None, password: str = TEST_PASSWORD) -> User:
        n = next(counter)
        user = create_user(session, email=email or f"person{n}@example.com", password=password,
                           display_name=name or f"Person {n}", role=Role(role))
        session.commit()
        return user

    return make


@pytest.fixture
def make_post(app: Flask, session: Session, make_user: Callable[..., User]):  # type: ignore[no-untyped-def]
    """Create (and commit) a post: ``make_post(author=..., title=..., body=..., publish=True)``."""
    from hub.posts import services
    from hub.posts.services import PostInput

    def make(author: User | None = None, title: str = "A post title", body: str = "Some *body* text.",
             summary: str = "", tags: str = "", publish: bool = False):  # type: ignore[no-untyped-def]
        author = author or make_user()
        post = services.create_draft(session, author, PostInput(title, summary, body, tags))
        if publish:
            services.publish_post(session, post, author)
        session.commit()
        return post

    return make


class Auth:
    """Sign a test client in as someone, without going through the form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user: User) -> User:
        with self.client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return user

    def logout(self) -> None:
        with self.client.session_transaction() as sess:
            sess.clear()


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


# --- browser tests ----------------------------------------------------------------------------

CHROMIUM = os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium")


class LiveServer:
    """The app on a real socket. Request threads are joined on exit, so no request is still
    holding a database connection when the test's engine is disposed."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.server.daemon_threads = False  # socketserver then tracks the threads and server_close joins them
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The app served over HTTP on a free local port, in a thread, with CSRF switched on."""
    app.config["WTF_CSRF_ENABLED"] = True
    with LiveServer(app) as server:
        app.config["BASE_URL"] = server.url
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's package) driven by Playwright."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs it with apt-get")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """Open pages in fresh browser contexts (each one a separate person); closed after the test."""
    contexts = []

    def open_page(**kwargs: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, **kwargs)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
