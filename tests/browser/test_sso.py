"""Single sign-on in a real browser: hub's button, the company's (OpenID provider's) sign-in
page, and back to hub signed in, with password sign-in switched off."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from hub.auth.models import Role, User
from tests.oidc_provider import PROVIDER_PASSWORD

pytestmark = pytest.mark.browser


def test_sign_in_with_the_company_account(app, live_server, oidc_provider, new_page, make_user, session):
    make_user(role="admin", email="boss@example.com")
    oidc_provider.configure(app, PASSWORD_LOGIN=False)
    page = new_page()
    page.goto("/login")
    expect(page.locator("#password")).to_have_count(0)
    page.get_by_role("link", name="Sign in with your company account").click()
    expect(page).to_have_url(re.compile(r"^" + re.escape(oidc_provider.issuer) + r"/interaction/"))
    page.locator("#login").fill("cy@example.com")
    page.locator("#password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/posts")
    expect(page.get_by_role("link", name="People")).to_be_visible()  # comms, from the groups claim
    session.rollback()
    assert session.scalar(sa.select(User.role).where(User.email == "cy@example.com")) == Role.COMMS
