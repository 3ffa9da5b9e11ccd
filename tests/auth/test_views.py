"""Sign-up, sign-in, password reset and people administration over HTTP."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.auth.models import Role
from tests.conftest import TEST_PASSWORD


def outbox_links(app, pattern: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(recipient, path) of every mailed link matching ``pattern``, oldest first (queued mail is
    delivered first, as `hub worker --once` does)."""
    from hub.outbox.delivery import deliver_due

    deliver_due(app)
    found = []
    for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        match = re.search(r"http://hub\.test(" + pattern + r"\S*)", message.get_content())
        if match:
            found.append((message["To"], match.group(1)))
    return found


def test_sign_up_confirms_by_mail_then_signs_in_and_opens_the_editor(app, client, make_user):
    make_user()  # not the first account
    response = client.post("/signup", data={"display_name": "Ann", "email": "ann@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/write").status_code == 302  # not signed in yet
    [(to, link)] = outbox_links(app, "/signup/confirm/")
    assert to == "ann@example.com"
    assert "Welcome, Ann" in client.get(link).get_data(as_text=True)
    assert client.post(link, data={"password": "not what I chose"}).status_code == 200
    response = client.post(link, data={"password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/write"
    assert client.get("/write").status_code == 200
    client.post("/logout")
    assert client.post(link, data={"password": TEST_PASSWORD}).status_code == 404  # once only


def test_the_first_account_starts_at_once_as_admin(client, session):
    from hub.auth.models import User

    response = client.post("/signup", data={"display_name": "Founder", "email": "founder@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/write"
    assert session.scalar(sa.select(User.role)) == Role.ADMIN


def test_sign_up_error_keeps_what_was_typed(client, make_user):
    make_user()
    response = client.post("/signup", data={"display_name": "Ann Typed", "email": "ann@elsewhere.io", "job_title": "Chef", "password": TEST_PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "company e-mail addresses only" in html
    assert 'value="Ann Typed"' in html and 'value="ann@elsewhere.io"' in html and 'value="Chef"' in html


def test_login_and_logout(client, make_user):
    make_user(email="me@example.com")
    response = client.post("/login", data={"email": "me@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/posts"
    assert client.get("/posts").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/posts").status_code == 302


def test_login_rotates_the_session(client, make_user):
    make_user(email="me@example.com")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    client.post("/login", data={"email": "me@example.com", "password": TEST_PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_login_error_is_generic_and_keeps_email(client, make_user):
    make_user(email="me@example.com")
    wrong = client.post("/login", data={"email": "me@example.com", "password": "bad password"}).get_data(as_text=True)
    unknown = client.post("/login", data={"email": "who@example.com", "password": "bad password"}).get_data(as_text=True)
    message = "Email or password is not right."
    assert message in wrong and message in unknown
    assert 'value="me@example.com"' in wrong


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_login_next_never_leaves_the_site(client, make_user, target):
    make_user(email="me@example.com")
    response = client.post("/login", data={"email": "me@example.com", "password": TEST_PASSWORD, "next": target})
    assert response.headers["Location"] == "/posts"


def test_login_next_inside_the_site_is_followed(client, make_user):
    make_user(email="me@example.com")
    response = client.post("/login?next=/colleagues%3Fq%3Dx", data={"email": "me@example.com", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/colleagues?q=x"


def test_password_reset_through_the_outbox(app, client, runner, make_user):
    make_user(email="me@example.com")
    response = client.post("/password/forgot", data={"email": "me@example.com"})
    assert response.status_code == 302
    client.post("/password/forgot", data={"email": "nobody@example.com"})  # same answer, no mail
    assert not (Path(app.instance_path) / "outbox").exists()  # queued, not sent inside the request
    assert "1 sent" in runner.invoke(args=["worker", "--once"]).output
    mails = sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(mails) == 1
    message = email.message_from_bytes(mails[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == "me@example.com"
    link = re.search(r"http://hub\.test(/password/reset/\S+)", message.get_content()).group(1)
    assert client.post(link, data={"password": "short"}).status_code == 200  # error keeps the page
    assert client.post(link, data={"password": "a new long password"}).status_code == 302
    client.post("/logout")
    assert client.get(link).status_code == 404  # used once
    response = client.post("/login", data={"email": "me@example.com", "password": "a new long password"})
    assert response.headers["Location"] == "/posts"


def test_invitation_link_signup(app, client, session, make_user):
    from hub.auth import services

    admin = make_user(role="admin")
    _inv, token = services.create_invitation(session, admin, email=None, role=Role.COMMS)
    session.commit()
    assert client.get(f"/invite/{token}").status_code == 200
    response = client.post(f"/invite/{token}", data={"display_name": "Guest", "email": "guest@agency.io", "password": TEST_PASSWORD})
    assert response.status_code == 302
    [(to, link)] = outbox_links(app, "/signup/confirm/")
    assert to == "guest@agency.io"
    assert client.post(link, data={"password": TEST_PASSWORD}).status_code == 302
    assert client.get("/admin/people").status_code == 200  # comms may see people
    client.post("/logout")
    assert client.get(f"/invite/{token}").status_code == 404


def test_admin_pages_need_the_right_role(client, auth, make_user):
    assert client.get("/admin/people").status_code == 302  # to sign in
    auth.login(make_user())
    assert client.get("/admin/people").status_code == 403
    target = make_user()
    assert client.post(f"/admin/people/{target.id}/deactivate").status_code == 403
    assert client.post(f"/admin/people/{target.id}/role", data={"role": "admin"}).status_code == 403


def test_admin_deactivates_and_the_session_ends_at_once(app, client, auth, session, make_user):
    admin = make_user(role="admin")
    leaver = make_user()
    other_client = app.test_client()
    with other_client.session_transaction() as sess:
        sess["_user_id"] = leaver.get_id()
    assert other_client.get("/posts").status_code == 200
    auth.login(admin)
    assert client.post(f"/admin/people/{leaver.id}/deactivate").status_code == 302
    assert other_client.get("/posts").status_code == 302


def test_admin_changes_role_and_invites(client, auth, session, make_user):
    auth.login(make_user(role="admin"))
    person = make_user()
    client.post(f"/admin/people/{person.id}/role", data={"role": "comms"})
    session.refresh(person)
    assert person.role == Role.COMMS
    response = client.post("/admin/invitations", data={"email": "", "role": "employee"}, follow_redirects=True)
    assert "/invite/" in response.get_data(as_text=True)


def test_profile_edit(client, auth, session, make_user):
    user = auth.login(make_user())
    response = client.post("/profile", data={"display_name": "Renamed", "job_title": "Dev", "bio": "Hi", "handle_mastodon": "@me@mstdn.example"})
    assert response.status_code == 302
    session.refresh(user)
    assert user.display_name == "Renamed" and user.handle_for("mastodon") == "@me@mstdn.example"
    assert client.post("/profile", data={"display_name": ""}).status_code == 200
