"""One unit of work per request: a successful view commits once, after it returned; an exception or
an error response rolls everything back; a commit that fails is an error page, never a success."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Blueprint, redirect
from flask import session as cookie_session

from hub.auth.models import AllowedDomain
from hub.db import get_engine, get_session
from hub.errors import PermissionDenied
from hub.outbox.models import OutboxMessage
from hub.outbox.services import queue_mail

probe = Blueprint("uow_probe", __name__)


def _write(domain: str) -> None:
    db = get_session()
    db.add(AllowedDomain(domain=domain))
    db.flush()
    queue_mail(db, to="someone@example.com", subject="About " + domain, body="Hi")


@probe.post("/_uow/ok")
def ok():
    _write("ok.example")
    return redirect("/")


@probe.post("/_uow/domain-error")
def domain_error():
    _write("denied.example")
    raise PermissionDenied("Not yours.")


@probe.post("/_uow/crash")
def crash():
    _write("crash.example")
    raise RuntimeError("a bug after the write")


@probe.post("/_uow/error-response")
def error_response():
    _write("422.example")
    return "Check the form", 422


@probe.post("/_uow/duplicate")
def duplicate():
    get_session().add(AllowedDomain(domain="taken.example"))  # fails only when the commit flushes it
    cookie_session["signed_in_as"] = "someone whose row was never saved"
    return redirect("/")


@pytest.fixture
def probe_app(app):
    app.register_blueprint(probe)
    return app


@pytest.fixture
def commits(probe_app) -> Iterator[list[int]]:
    """The COMMITs the database receives (one entry each)."""
    seen: list[int] = []

    def count(_conn) -> None:  # type: ignore[no-untyped-def]
        seen.append(1)

    engine = get_engine(probe_app)
    sa.event.listen(engine, "commit", count)
    yield seen
    sa.event.remove(engine, "commit", count)


def _stored(session) -> tuple[list[str], int]:
    session.expire_all()
    domains = list(session.scalars(sa.select(AllowedDomain.domain).order_by(AllowedDomain.domain)))
    return domains, session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))


def test_a_successful_request_commits_once_after_the_view(probe_app, client, session, commits):
    response = client.post("/_uow/ok")
    assert response.status_code == 302
    assert len(commits) == 1
    assert _stored(session) == (["ok.example"], 1)  # the change and its mail, together


@pytest.mark.parametrize("path, status", [
    ("/_uow/domain-error", 403), ("/_uow/crash", 500), ("/_uow/error-response", 422)])
def test_a_view_that_fails_after_writing_stores_nothing(probe_app, client, session, commits, path, status):
    response = client.post(path)
    assert response.status_code == status
    assert commits == []
    assert _stored(session) == ([], 0)  # neither the row nor its mail


def test_a_failed_commit_is_an_error_page_not_a_success(probe_app, client, session):
    session.add(AllowedDomain(domain="taken.example"))
    session.commit()
    response = client.post("/_uow/duplicate")
    assert response.status_code == 409
    assert "nothing was saved" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the other hooks still ran
    assert "Set-Cookie" not in response.headers  # the browser keeps the session it had
    assert client.post("/_uow/ok").status_code == 302  # the next request starts clean
    assert _stored(session) == (["ok.example", "taken.example"], 1)


def test_a_real_form_commits_once(app, client, auth, make_user, session, commits):
    user = auth.login(make_user(name="Ada"))
    commits.clear()
    response = client.post("/profile", data={"display_name": "Ada Lovelace"})
    assert response.status_code == 302
    assert len(commits) == 1
    session.refresh(user)
    assert user.display_name == "Ada Lovelace"


def test_cli_commands_commit_themselves(app, runner, session):
    result = runner.invoke(args=["create-user", "cli@example.com", "--name", "Cli", "--password", "a long password here"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.scalar(sa.text("SELECT count(*) FROM \"user\" WHERE email = 'cli@example.com'")) == 1


@probe.post("/_uow/savepoint-then-crash")
def savepoint_then_crash():
    from hub.db import add_or_get

    db = get_session()
    row = AllowedDomain(domain="savepoint.example")
    add_or_get(db, row, lambda: None)  # the request's first statement is the savepoint
    raise RuntimeError("a bug after the savepoint")


def test_a_savepoint_as_the_first_statement_is_undone_with_the_request(probe_app, client, session, commits):
    """pysqlite opens no transaction before SAVEPOINT, so on SQLite a savepoint that came first
    was a transaction of its own and its RELEASE committed at once: the request's rollback left
    the row behind."""
    response = client.post("/_uow/savepoint-then-crash")
    assert response.status_code == 500
    assert _stored(session) == ([], 0)
