"""Signing out of hub also ends the provider's session (OpenID Connect RP-Initiated Logout 1.0)
when OIDC_END_PROVIDER_SESSION is on, against the real provider (tests/oidc/provider.mjs)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import requests
import sqlalchemy as sa

from hub.auth import oidc
from hub.auth.models import User
from tests.conftest import TEST_PASSWORD

SIGNED_OUT = "You are signed out, on every device."


@pytest.fixture
def hub(app, live_server, oidc_provider, make_user):  # type: ignore[no-untyped-def]
    make_user(role="admin", email="boss@example.com")  # so the person signing in is not the first account
    client = oidc_provider.configure(app, backchannel=True)
    return live_server.url, client


@pytest.fixture
def http():  # type: ignore[no-untyped-def]
    with requests.Session() as session:
        yield session


def _path(response: requests.Response) -> str:
    return urlsplit(response.headers["Location"]).path


def _signed_in(http: requests.Session, url: str) -> bool:
    return http.get(f"{url}/posts", allow_redirects=False, timeout=10).status_code == 200


def _sign_out(http: requests.Session, url: str) -> requests.Response:
    """The "Sign out" button: a POST with the page's CSRF token."""
    page = http.get(f"{url}/posts", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page
    return http.post(f"{url}/logout", data={"csrf_token": token.group(1)}, allow_redirects=False, timeout=10)


def _home_says_signed_out(http: requests.Session, url: str) -> bool:
    return SIGNED_OUT in http.get(f"{url}/", timeout=10).text


def _version(session, email: str) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return int(session.scalar(sa.select(User.session_version).where(User.email == email)))


def test_signing_out_ends_the_provider_session_too_when_switched_on(app, hub, http, oidc_provider, session):
    url, client = hub
    app.config["OIDC_END_PROVIDER_SESSION"] = True
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/posts"
    laptop = requests.Session()  # the same person on another device
    assert _path(oidc_provider.sign_in(laptop, url, "emp@example.com")) == "/posts"
    version = _version(session, "emp@example.com")

    response = _sign_out(http, url)
    assert response.status_code == 302 and _path(response) == "/logout/sso"
    # hub's own sessions end first, on every device.
    assert _version(session, "emp@example.com") > version
    assert not _signed_in(http, url)
    with laptop:
        assert not _signed_in(laptop, url)

    # A page of hub's own links (and refreshes) onward; CSP form-action stays 'self'.
    page = http.get(f"{url}/logout/sso", timeout=10)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "form-action 'self';" in page.headers["Content-Security-Policy"]
    link = re.search(r'id="end-provider-session" href="([^"]+)"', page.text)
    assert link, page.text
    end_session = html.unescape(link.group(1))
    assert f'<meta http-equiv="refresh" content="0; url={link.group(1)}">' in page.text
    endpoint = requests.get(f"{oidc_provider.issuer}/.well-known/openid-configuration", timeout=10).json()[
        "end_session_endpoint"]
    assert end_session.split("?")[0] == endpoint
    params = dict(parse_qsl(urlsplit(end_session).query))
    assert params.keys() == {"client_id", "post_logout_redirect_uri", "state"}
    assert params["client_id"] == client["client_id"]
    assert params["post_logout_redirect_uri"] == f"{url}/logout/sso/done"
    assert len(params["state"]) >= 20

    # The provider asks; the person says yes; it sends the browser back with the state.
    confirm = http.get(end_session, allow_redirects=False, timeout=10)
    assert confirm.status_code == 200, confirm.text
    action = re.search(r'<form id="op.logoutForm" method="post" action="([^"]+)"', confirm.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
    assert action and xsrf, confirm.text
    back = http.post(urljoin(end_session, action.group(1)), data={"xsrf": xsrf.group(1), "logout": "yes"},
                     allow_redirects=False, timeout=10)
    assert back.status_code == 303
    assert back.headers["Location"] == f"{url}/logout/sso/done?state={params['state']}"

    # A return with another state is sent home without a word; the real one says signed out.
    forged = http.get(f"{url}/logout/sso/done?state=forged", allow_redirects=False, timeout=10)
    assert forged.status_code == 302 and _path(forged) == "/"
    assert not _home_says_signed_out(http, url)
    done = http.get(back.headers["Location"], allow_redirects=False, timeout=10)
    assert done.status_code == 302 and _path(done) == "/"
    assert _home_says_signed_out(http, url)
    assert not _signed_in(http, url)
    # Used once: the same return again says nothing.
    http.get(back.headers["Location"], timeout=10)
    assert not _home_says_signed_out(http, url)

    # The provider's session is gone: the company sign-in asks for credentials again.
    assert not oidc_provider.remembers(http, url)


def test_with_the_setting_off_the_provider_session_stays(hub, http, oidc_provider, session):
    url, _client = hub
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/posts"
    version = _version(session, "emp@example.com")
    response = _sign_out(http, url)
    assert response.status_code == 302 and _path(response) == "/"
    assert _version(session, "emp@example.com") > version
    assert not _signed_in(http, url)
    assert _home_says_signed_out(http, url)
    assert http.get(f"{url}/logout/sso", allow_redirects=False, timeout=10).headers["Location"] == "/"
    assert oidc_provider.remembers(http, url)  # a new company sign-in goes straight through


@pytest.mark.parametrize("provider", ["without end_session_endpoint", "unreachable"])
def test_a_provider_that_cannot_end_its_session_means_a_local_sign_out(
    app, hub, http, oidc_provider, monkeypatch, provider
):
    url, _client = hub
    app.config["OIDC_END_PROVIDER_SESSION"] = True
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/posts"
    with app.app_context():
        company = oidc._client()
    if provider == "unreachable":  # as after a restart, with the provider down: no discovery document
        def unreachable():  # type: ignore[no-untyped-def]
            raise requests.ConnectionError("connection refused")

        monkeypatch.setattr(company, "load_server_metadata", unreachable)
    else:  # as Google's discovery document, for one
        monkeypatch.delitem(company.load_server_metadata(), "end_session_endpoint")
    response = _sign_out(http, url)
    done = http.get(urljoin(url, response.headers["Location"]), allow_redirects=False, timeout=10)
    assert done.status_code == 302 and _path(done) == "/"
    assert _home_says_signed_out(http, url)
    assert not _signed_in(http, url)
    monkeypatch.undo()  # the provider is back: its session was never ended
    assert oidc_provider.remembers(http, url)


def test_a_password_session_signs_out_here_only(app, hub, oidc_provider, make_user):
    url, _client = hub
    app.config["OIDC_END_PROVIDER_SESSION"] = True
    app.config["WTF_CSRF_ENABLED"] = False
    make_user(email="pw@example.com")
    client = app.test_client()
    assert client.post("/login", data={"email": "pw@example.com", "password": TEST_PASSWORD}).status_code == 302
    response = client.post("/logout")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/"
    assert client.get("/posts").status_code == 302
    assert client.get("/logout/sso").headers["Location"] == "/"  # nothing pending


def test_the_logout_token_answering_hubs_own_sign_out_does_not_deactivate(app, hub, http, oidc_provider, session):
    """With OIDC_LOGOUT_DEACTIVATES, a logout token means "the account is gone"; the one the
    provider sends back because hub itself asked it to end the session (the same sid) does not."""
    url, client = hub
    app.config.update(OIDC_END_PROVIDER_SESSION=True, OIDC_LOGOUT_DEACTIVATES=True)
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/posts"
    _sign_out(http, url)
    end_session = html.unescape(re.search(r'id="end-provider-session" href="([^"]+)"',
                                          http.get(f"{url}/logout/sso", timeout=10).text).group(1))
    confirm = http.get(end_session, timeout=10).text
    action = re.search(r'<form id="op.logoutForm" method="post" action="([^"]+)"', confirm)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm)
    assert action and xsrf, confirm
    version = _version(session, "emp@example.com")
    # The provider ends its session and sends hub a back-channel logout token for it (it waits
    # for hub's answer before it redirects).
    back = http.post(urljoin(end_session, action.group(1)), data={"xsrf": xsrf.group(1), "logout": "yes"},
                     allow_redirects=False, timeout=10)
    assert back.status_code == 303
    assert _version(session, "emp@example.com") == version + 1  # the token arrived and was acted on
    session.expire_all()
    emp = session.scalar(sa.select(User).where(User.email == "emp@example.com"))
    assert emp.is_active

    # A logout token for a later session of theirs still means the account is gone.
    assert _path(oidc_provider.sign_in(http, url, "emp@example.com")) == "/posts"
    oidc_provider.send_logout("emp@example.com", client["client_id"])
    session.expire_all()
    assert not session.scalar(sa.select(User).where(User.email == "emp@example.com")).is_active
