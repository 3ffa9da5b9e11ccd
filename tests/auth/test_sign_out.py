"""Signing out really signs out: the remember cookie goes, and old cookies stop working (issue 14)."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.conftest import TEST_PASSWORD

REMEMBER = "remember_token"  # Flask-Login's default cookie name


def _signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/posts").status_code == 200


def _cookie(client, name: str) -> str | None:  # type: ignore[no-untyped-def]
    cookie = client.get_cookie(name)
    return cookie.value if cookie is not None else None


def test_sign_out_with_keep_me_signed_in_deletes_the_remember_cookie(app, client, make_user):
    make_user(email="maria@example.com")
    response = client.post("/login", data={"email": "maria@example.com", "password": TEST_PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert _cookie(client, REMEMBER)
    assert _signed_in(client)

    response = client.post("/logout")
    assert response.status_code == 302
    assert _cookie(client, REMEMBER) is None
    response = client.get("/posts")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def test_replayed_session_and_remember_cookies_stop_working_after_sign_out(app, client, make_user):
    make_user(email="maria@example.com")
    client.post("/login", data={"email": "maria@example.com", "password": TEST_PASSWORD, "remember": "y"})
    session_cookie = _cookie(client, app.config["SESSION_COOKIE_NAME"])
    remember_cookie = _cookie(client, REMEMBER)
    assert session_cookie and remember_cookie
    assert client.post("/logout").status_code == 302

    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], session_cookie, domain="localhost")
    assert not _signed_in(thief), "the old session cookie still signs in"
    thief = app.test_client()
    thief.set_cookie(REMEMBER, remember_cookie, domain="localhost")
    assert not _signed_in(thief), "the old remember cookie still signs in"
    # The owner can sign in again afterwards.
    assert client.post("/login", data={"email": "maria@example.com", "password": TEST_PASSWORD}).status_code == 302
    assert _signed_in(client)
