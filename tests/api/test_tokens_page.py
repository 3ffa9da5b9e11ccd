"""The "Access tokens" page of the profile: make a token (shown once), list them, revoke one."""

from __future__ import annotations

import re

import sqlalchemy as sa

from hub.api.models import ApiToken


def test_make_list_and_revoke_a_token(client, auth, session, make_user):
    auth.login(make_user())
    assert "Access tokens" in client.get("/profile").get_data(as_text=True)
    page = client.get("/profile/tokens")
    assert page.status_code == 200 and "No tokens yet" in page.get_data(as_text=True)

    made = client.post("/profile/tokens", data={"name": "Weekly report", "scopes": "read,write"})
    html = made.get_data(as_text=True)
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store" and made.mimetype == "text/html"
    raw = re.search(r'id="new-token"[^>]*value="(hub_[^"]+)"', html).group(1)
    token = session.scalars(sa.select(ApiToken)).one()
    assert token.name == "Weekly report" and [s.value for s in token.scopes] == ["read", "write"]
    assert raw.startswith(token.prefix) and f"{token.prefix}…" in html

    again = client.get("/profile/tokens").get_data(as_text=True)
    assert raw not in again and token.prefix in again  # shown once, then only its prefix
    assert "Never used" in again

    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 302
    session.expire_all()
    assert token.revoked_at is not None
    assert "Revoked" in client.get("/profile/tokens").get_data(as_text=True)


def test_bad_input_keeps_what_was_typed(client, auth, session, make_user):
    auth.login(make_user())
    response = client.post("/profile/tokens", data={"name": "Mine\x00", "scopes": "read"})
    assert response.status_code == 422 and "Mine" in response.get_data(as_text=True)
    response = client.post("/profile/tokens", data={"name": "Mine", "scopes": "admin"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_nobody_revokes_someone_elses_token(client, auth, session, make_user, make_token):
    owner, other = make_user(), make_user(role="admin")
    make_token(owner)
    token = session.scalars(sa.select(ApiToken)).one()
    auth.login(other)
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    session.expire_all()
    assert token.revoked_at is None
    assert token.prefix not in client.get("/profile/tokens").get_data(as_text=True)


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get("/profile/tokens").status_code == 302
