"""Linked company sign-ins on the people page: who signs in with the company account and when,
and unlinking one (admins only, CSRF-protected); the next company sign-in follows the rules of a
first one. The re-link tests run against the real provider (tests/oidc/provider.mjs)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa

from hub.auth import services
from hub.auth.models import OidcIdentity, User
from hub.errors import PermissionDenied
from tests.conftest import TEST_PASSWORD

ISSUER = "https://login.example.com/realms/staff"


def _link(session, user: User, subject: str = "sub-1") -> OidcIdentity:  # type: ignore[no-untyped-def]
    identity = OidcIdentity(user_id=user.id, issuer=ISSUER, subject=subject,
                            last_login_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC))
    session.add(identity)
    session.commit()
    return identity


def _sign_in(client, user: User) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302


def _identities(session, user: User) -> list[OidcIdentity]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(sa.select(OidcIdentity).where(OidcIdentity.user_id == user.id)))


def test_the_people_page_shows_who_signs_in_with_the_company_account(client, make_user, session):
    admin = make_user(role="admin", email="boss@example.com")
    linked = make_user(email="ann@example.com", name="Ann Linked")
    make_user(email="bo@example.com", name="Bo Password")
    _link(session, linked, subject="secret-subject-id")
    _sign_in(client, admin)
    page = client.get("/admin/people").get_data(as_text=True)
    row = re.search(r"Ann Linked.*?</tr>", page, re.S)
    assert row, page
    assert f"Company account ({ISSUER})" in row.group(0)
    assert "Last signed in 02 Nov 2026, 09:30 UTC" in row.group(0)
    assert "Unlink" in row.group(0)
    assert "secret-subject-id" not in page  # the provider's id for the person stays out of sight
    other = re.search(r"Bo Password.*?</tr>", page, re.S)
    assert other and "Password" in other.group(0) and "Company account" not in other.group(0)


def test_comms_see_the_links_but_cannot_unlink(app, client, make_user, session):
    make_user(role="admin", email="boss@example.com")
    comms = make_user(role="comms", email="cy@example.com")
    linked = make_user(email="ann@example.com", name="Ann Linked")
    identity = _link(session, linked)
    version = linked.session_version
    _sign_in(client, comms)
    page = client.get("/admin/people").get_data(as_text=True)
    assert f"Company account ({ISSUER})" in page and "Unlink" not in page

    response = client.post(f"/admin/people/{linked.id}/identities/{identity.id}/unlink")
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.unlink_identity(session, comms, linked.id, identity.id)
    session.rollback()
    assert [i.id for i in _identities(session, linked)] == [identity.id]
    assert session.get(User, linked.id).session_version == version


def test_employees_see_nothing_of_it(client, make_user, session):
    employee = make_user(email="emp@example.com")
    with pytest.raises(PermissionDenied):
        services.linked_identities(session, employee)
    _sign_in(client, employee)
    assert client.get("/admin/people").status_code == 403


def test_an_admin_unlinks_and_the_person_is_signed_out(app, client, make_user, session):
    admin = make_user(role="admin", email="boss@example.com")
    linked = make_user(email="ann@example.com", name="Ann Linked")
    identity = _link(session, linked)
    other = _link(session, make_user(email="bo@example.com"), subject="sub-2")
    ann = app.test_client()
    _sign_in(ann, linked)
    assert ann.get("/posts").status_code == 200
    _sign_in(client, admin)

    # Another person's identity id under Ann's address: nothing happens.
    assert client.post(f"/admin/people/{linked.id}/identities/{other.id}/unlink").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True  # without the page's token: refused
    assert client.post(f"/admin/people/{linked.id}/identities/{identity.id}/unlink").status_code == 400
    assert len(_identities(session, linked)) == 1
    app.config["WTF_CSRF_ENABLED"] = False

    response = client.post(f"/admin/people/{linked.id}/identities/{identity.id}/unlink", follow_redirects=True)
    assert "The company sign-in of Ann Linked is unlinked; their sessions ended." in response.get_data(as_text=True)
    assert _identities(session, linked) == []
    assert len(_identities(session, session.get(User, other.user_id))) == 1  # only Ann's went
    assert ann.get("/posts").status_code == 302  # her sessions ended
    _sign_in(ann, linked)  # her password still opens her account
    assert ann.get("/posts").status_code == 200


# --- re-linking at the next company sign-in (the real provider) ---------------------------------


@pytest.fixture
def hub(app, live_server, oidc_provider, make_user):  # type: ignore[no-untyped-def]
    make_user(role="admin", email="boss@example.com")  # so no one through SSO is the first account
    oidc_provider.configure(app)
    return live_server.url


def _path(response: requests.Response) -> str:
    return urlsplit(response.headers["Location"]).path


def _unlink_on_the_page(admin: requests.Session, url: str, name: str) -> None:
    """What an admin does: the people page's Unlink button on ``name``'s row, with its CSRF token."""
    page = admin.get(f"{url}/admin/people", timeout=10).text
    row = re.search(re.escape(name) + r".*?</tr>", page, re.S)
    assert row, page
    form = re.search(r'action="(/admin/people/\d+/identities/\d+/unlink)".*?name="csrf_token" value="([^"]+)"',
                     row.group(0), re.S)
    assert form, row.group(0)
    response = admin.post(f"{url}{form.group(1)}", data={"csrf_token": form.group(2)}, allow_redirects=False,
                          timeout=10)
    assert response.status_code == 302 and _path(response) == "/admin/people"


def test_a_verified_address_links_again_at_the_next_company_sign_in(hub, oidc_provider, session, make_user):
    url = hub
    owner = make_user(email="pw@example.com", name="Pat Password")
    with requests.Session() as pat, requests.Session() as ada:
        assert _path(oidc_provider.sign_in(pat, url, "pw@example.com")) == "/posts"
        [first] = _identities(session, owner)
        issuer = first.issuer
        assert _path(oidc_provider.sign_in(ada, url, "ada@example.com")) == "/posts"  # an admin by her groups
        _unlink_on_the_page(ada, url, "Pat Password")
        assert _identities(session, owner) == []
        assert pat.get(f"{url}/posts", allow_redirects=False, timeout=10).status_code == 302  # signed out

        # The provider vouches for pw@example.com: the next company sign-in links the same account.
        assert _path(oidc_provider.sign_in(pat, url, "pw@example.com")) == "/posts"
    [again] = _identities(session, owner)
    assert (again.issuer, again.subject) == (issuer, "sub-pw")
    assert session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "pw@example.com")) == 1


def test_an_unverified_address_does_not_link_again(app, hub, oidc_provider, session):
    url = hub
    # A provider that never says email_verified: people get an account on their first sign-in...
    app.config["OIDC_REQUIRE_VERIFIED_EMAIL"] = False
    with requests.Session() as una, requests.Session() as ada:
        assert _path(oidc_provider.sign_in(una, url, "unverified@example.com")) == "/posts"
        session.expire_all()
        account = session.scalar(sa.select(User).where(User.email == "unverified@example.com"))
        assert account is not None and len(_identities(session, account)) == 1
        assert _path(oidc_provider.sign_in(ada, url, "ada@example.com")) == "/posts"
        _unlink_on_the_page(ada, url, "Una Unverified")

        # ...but an unverified claim never links to an account that exists: unlinked is unlinked.
        response = oidc_provider.sign_in(una, url, "unverified@example.com")
        assert _path(response) == "/login"
        assert "cannot be linked" in re.sub(r"\s+", " ", una.get(f"{url}/login", timeout=10).text)
        assert una.get(f"{url}/posts", allow_redirects=False, timeout=10).status_code == 302
    assert _identities(session, account) == []
    assert session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.email == "unverified@example.com")) == 1
