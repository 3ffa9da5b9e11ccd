"""Single sign-on through a real OpenID Connect provider (tests/oidc/provider.mjs, the certified
oidc-provider package): the code flow over HTTP against hub on a live socket, back-channel logout
tokens the provider signs, and password sign-in switched off."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
import sqlalchemy as sa

from hub.auth import oidc, services
from hub.auth.models import OidcIdentity, Role, User, UserStatus
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def hub(app, live_server, oidc_provider):  # type: ignore[no-untyped-def]
    """hub on a live socket, registered with the provider (back-channel logout included)."""
    client = oidc_provider.configure(app, backchannel=True)
    return live_server.url, client


@pytest.fixture
def http():  # type: ignore[no-untyped-def]
    with requests.Session() as session:
        yield session


@pytest.fixture
def admin(make_user):  # type: ignore[no-untyped-def]
    """An admin already there, so that the first person through SSO is not the first account."""
    return make_user(role="admin", email="boss@example.com")


def _user(session, email: str) -> User | None:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(sa.select(User).where(User.email == email))


def _path(response: requests.Response) -> str:
    return urlsplit(response.headers["Location"]).path


def _signed_in(http: requests.Session, url: str) -> bool:
    return http.get(f"{url}/posts", allow_redirects=False, timeout=10).status_code == 200


def _flash(http: requests.Session, url: str) -> str:
    """The text of the sign-in page the refusal redirected to (it carries the flash message)."""
    return re.sub(r"\s+", " ", http.get(f"{url}/login", timeout=10).text)


def _drop_cookie(http: requests.Session, name: str) -> None:
    for cookie in list(http.cookies):
        if cookie.name == name:
            http.cookies.clear(cookie.domain, cookie.path, cookie.name)


def _set_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    assert name in query, url
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_first_sign_in_creates_the_person_with_the_role_the_claim_maps_to(hub, http, oidc_provider, session, admin):
    url, _client = hub
    asked: list[str] = []
    response = oidc_provider.sign_in(http, url, "cy@example.com", tamper_request=lambda u: asked.append(u) or u)
    assert response.status_code == 302 and _path(response) == "/posts"
    request = dict(parse_qsl(urlsplit(asked[0]).query))  # the code flow with PKCE (S256), state and nonce
    assert request["response_type"] == "code" and request["code_challenge_method"] == "S256"
    assert len(request["code_challenge"]) >= 43 and request["state"] and request["nonce"]
    assert request["redirect_uri"] == f"{url}/login/sso/callback"
    assert _signed_in(http, url)
    cy = _user(session, "cy@example.com")
    assert cy is not None and cy.role == Role.COMMS and cy.display_name == "Cy Comms"
    identity = session.scalar(sa.select(OidcIdentity).where(OidcIdentity.user_id == cy.id))
    assert identity is not None
    assert (identity.issuer, identity.subject) == (oidc_provider.issuer, "sub-cy")
    assert identity.session_id  # the provider's sid, for logout tokens that name only the session

    # Someone whose groups map to nothing is an employee; the second sign-in finds the same person.
    with requests.Session() as other:
        assert _path(oidc_provider.sign_in(other, url, "emp@example.com")) == "/posts"
        _drop_cookie(other, "session")  # signed out here, still signed in at the provider
        assert _path(oidc_provider.sign_in(other, url, "emp@example.com")) == "/posts"
    emp = _user(session, "emp@example.com")
    assert emp is not None and emp.role == Role.EMPLOYEE
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 3
    # No password was made up for them: no password opens the account.
    for password in ("", "x", "None"):
        with pytest.raises(services.LoginFailed):
            services.authenticate(session, "emp@example.com", password, "192.0.2.1")


def test_a_company_account_from_a_domain_not_allowed_is_refused(hub, http, oidc_provider, session, admin):
    url, _client = hub
    response = oidc_provider.sign_in(http, url, "out@elsewhere.org")
    assert response.status_code == 302 and _path(response) == "/login"
    assert "Your company account (out@elsewhere.org) is not from a domain that may join here" in _flash(http, url)
    assert not _signed_in(http, url)
    assert _user(session, "out@elsewhere.org") is None


def test_an_unverified_address_neither_creates_nor_links(hub, http, oidc_provider, session, make_user, admin):
    url, _client = hub
    assert _path(oidc_provider.sign_in(http, url, "unverified@example.com")) == "/login"
    assert "did not confirm that unverified@example.com is yours" in _flash(http, url)
    assert _user(session, "unverified@example.com") is None

    owner = make_user(email="pw2@example.com")  # a password account the unverified claim must not take over
    with requests.Session() as other:  # another person, another browser
        assert _path(oidc_provider.sign_in(other, url, "pw2@example.com")) == "/login"
        assert "cannot be linked" in _flash(other, url)
        assert not _signed_in(other, url)
    assert session.scalar(sa.select(OidcIdentity).where(OidcIdentity.user_id == owner.id)) is None


def test_a_verified_address_links_to_the_existing_account(hub, http, oidc_provider, session, make_user, admin):
    url, _client = hub
    owner = make_user(email="pw@example.com", name="Pat")
    assert _path(oidc_provider.sign_in(http, url, "pw@example.com")) == "/posts"
    identity = session.scalar(sa.select(OidcIdentity).where(OidcIdentity.subject == "sub-pw"))
    assert identity is not None and identity.user_id == owner.id
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_a_tampered_state_and_a_replayed_callback_are_refused(hub, http, oidc_provider, session, admin):
    url, _client = hub
    response = oidc_provider.sign_in(http, url, "emp@example.com",
                                     tamper_callback=lambda u: _set_param(u, "state", "forged-state"))
    assert _path(response) == "/login"
    assert "did not start here" in _flash(http, url)
    assert not _signed_in(http, url)
    assert _user(session, "emp@example.com") is None

    seen: list[str] = []
    response = oidc_provider.sign_in(http, url, "emp@example.com", tamper_callback=lambda u: seen.append(u) or u)
    assert _path(response) == "/posts"
    _drop_cookie(http, "session")  # a fresh browser session: no state waits in it
    replay = http.get(seen[0], allow_redirects=False, timeout=10)
    assert _path(replay) == "/login"
    assert not _signed_in(http, url)


def test_a_tampered_nonce_is_refused(hub, http, oidc_provider, session, admin):
    url, _client = hub
    # The provider puts whatever nonce the request carried into the ID token; hub compares it
    # with the one it keeps in the session.
    response = oidc_provider.sign_in(http, url, "emp@example.com",
                                     tamper_request=lambda u: _set_param(u, "nonce", "forged-nonce"))
    assert _path(response) == "/login"
    assert "did not check out" in _flash(http, url)
    assert not _signed_in(http, url)
    assert _user(session, "emp@example.com") is None


def test_next_goes_to_a_page_of_this_site_only(hub, http, oidc_provider, admin):
    url, _client = hub
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com", next_url="/topics")) == "/topics"
    with requests.Session() as other:
        response = oidc_provider.sign_in(other, url, "emp@example.com", next_url="//evil.example/steal")
        assert response.headers["Location"] == "/posts"


def test_back_channel_logout_ends_every_session_and_can_deactivate(app, hub, http, oidc_provider, session, admin):
    url, client = hub
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/posts"
    stolen = http.cookies.get("session")
    version = _user(session, "emp@example.com").session_version

    oidc_provider.send_logout("emp@example.com", client["client_id"])  # asserts hub answered 200
    emp = _user(session, "emp@example.com")
    assert emp.session_version == version + 1 and emp.status == UserStatus.ACTIVE
    with requests.Session() as replay:  # the old session cookie no longer works
        replay.cookies.set("session", stolen)
        assert not _signed_in(replay, url)

    # Set up to treat a logout token as "the account is gone": the next one deactivates.
    app.config["OIDC_LOGOUT_DEACTIVATES"] = True
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/posts"
    oidc_provider.send_logout("emp@example.com", client["client_id"])
    assert _user(session, "emp@example.com").status == UserStatus.DEACTIVATED
    assert not _signed_in(http, url)
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/login"
    assert "deactivated" in _flash(http, url)


def test_an_account_the_provider_refuses_cannot_sign_in(hub, http, oidc_provider, admin):
    url, _client = hub
    assert _path(oidc_provider.sign_in(http, url, "ada@example.com")) == "/posts"
    http.cookies.clear()
    oidc_provider.disable("ada@example.com")
    assert _path(oidc_provider.sign_in(http, url, "ada@example.com")) == "/login"
    assert "refused this account (This account has been disabled.)" in _flash(http, url)
    assert not _signed_in(http, url)


def test_an_error_callback_that_did_not_start_here_shows_no_text_of_its_own(hub, http):
    url, _client = hub
    response = http.get(f"{url}/login/sso/callback", params={
        "error": "access_denied", "error_description": "Call +1 555 0100 to unlock your account", "state": "x"},
        allow_redirects=False, timeout=10)
    assert _path(response) == "/login"
    page = _flash(http, url)
    assert "The company sign-in refused this account." in page and "555" not in page
    for params in ({}, {"code": "made-up", "state": "made-up"}, {"state": "x" * 5000}):
        response = http.get(f"{url}/login/sso/callback", params=params, allow_redirects=False, timeout=10)
        assert _path(response) == "/login", params


def test_sessions_go_back_to_the_provider_and_end_when_it_refuses_the_account(
    app, hub, http, oidc_provider, session, admin, monkeypatch
):
    url, _client = hub
    app.config["OIDC_LOGOUT_DEACTIVATES"] = True
    every = app.config["OIDC_RECHECK_SECONDS"]
    assert every > 0
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/posts"
    laptop = requests.Session()  # the same person on another device
    assert _path(oidc_provider.sign_in(laptop, url, "emp@example.com")) == "/posts"
    assert _signed_in(http, url)  # within the period: no round trip

    clock = time.time() + every + 1
    monkeypatch.setattr(oidc, "now", lambda: clock)
    # The provider still knows the person: a silent round trip, back on the page asked for.
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com", start_path="/topics")) == "/topics"
    assert _signed_in(http, url)

    oidc_provider.disable("emp@example.com")  # the company removes the account
    clock += every + 1
    response = oidc_provider.sign_in(http, url, "emp@example.com", start_path="/posts")
    assert _path(response) == "/login"
    assert "The company sign-in refused this account (This account has been disabled.)" in _flash(http, url)
    assert not _signed_in(http, url)
    with laptop:
        assert laptop.get(f"{url}/posts", allow_redirects=False, timeout=10).headers["Location"].startswith("/login")
    assert _user(session, "emp@example.com").status == UserStatus.DEACTIVATED


def _claims(oidc_provider, client_id: str, **changes):  # type: ignore[no-untyped-def]
    claims = {"iss": oidc_provider.issuer, "aud": client_id, "iat": int(time.time()), "jti": "j1", "sub": "sub-emp",
              "events": {"http://schemas.openid.net/event/backchannel-logout": {}}}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_logout_tokens_with_wrong_claims_or_signature_are_refused(hub, http, oidc_provider, session, admin):
    url, client = hub
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/posts"
    version = _user(session, "emp@example.com").session_version
    cid = client["client_id"]
    forged = oidc_provider.sign(_claims(oidc_provider, cid))
    header, payload, _signature = forged.split(".")
    bad = {
        "wrong issuer": oidc_provider.sign(_claims(oidc_provider, cid, iss="http://127.0.0.1:1")),
        "wrong audience": oidc_provider.sign(_claims(oidc_provider, cid, aud="someone-else")),
        "no events": oidc_provider.sign(_claims(oidc_provider, cid, events=None)),
        "a nonce": oidc_provider.sign(_claims(oidc_provider, cid, nonce="n")),
        "neither sub nor sid": oidc_provider.sign(_claims(oidc_provider, cid, sub=None)),
        "old": oidc_provider.sign(_claims(oidc_provider, cid, iat=int(time.time()) - 3600)),
        "unsigned": f"{header}.{payload}.",
        "not a token": "hello",
    }
    for reason, token in bad.items():
        response = http.post(f"{url}/backchannel-logout", data={"logout_token": token}, timeout=10)
        assert response.status_code == 400, reason
        assert response.json()["error"] == "invalid_request"
        assert response.headers["Cache-Control"] == "no-store"
    assert _user(session, "emp@example.com").session_version == version
    assert _signed_in(http, url)
    # The same claims, well signed: accepted (so the refusals above were about the claims).
    assert http.post(f"{url}/backchannel-logout", data={"logout_token": forged}, timeout=10).status_code == 200
    assert not _signed_in(http, url)


@pytest.fixture
def password_off(app, oidc_provider):  # type: ignore[no-untyped-def]
    oidc_provider.configure(app, PASSWORD_LOGIN=False)


def test_password_sign_in_switched_off_hides_the_form_and_refuses_the_post(app, client, make_user, password_off):
    make_user(email="maria@example.com")
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'type="password"' not in html and "Forgot your password?" not in html
    assert "Sign in with your company account" in html and 'href="/login/sso"' in html

    response = client.post("/login", data={"email": "maria@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "Sign-in with a password is switched off here" in response.get_data(as_text=True)
    assert client.get("/posts").status_code == 302  # not signed in
    assert client.get("/password/forgot").status_code == 404
    assert urlsplit(client.get("/signup").headers["Location"]).path == "/login"


def test_without_a_provider_sso_is_off_and_the_password_form_is_all(client):
    assert client.get("/login/sso").status_code == 404
    assert client.post("/backchannel-logout", data={"logout_token": "x"}).status_code == 404
    html = client.get("/login").get_data(as_text=True)
    assert 'type="password"' in html and "/login/sso" not in html
