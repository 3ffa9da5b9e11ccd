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


@pytest.mark.parametrize("end_provider_session", [True, False], ids=["ends-provider-session", "setting-off"])
def test_sign_out_ends_the_company_session_only_when_switched_on(
    app, live_server, oidc_provider, new_page, make_user, end_provider_session
):
    make_user(role="admin", email="boss@example.com")
    oidc_provider.configure(app, PASSWORD_LOGIN=False, OIDC_END_PROVIDER_SESSION=end_provider_session)
    page = new_page()
    blocked: list[str] = []  # what the browser refused under hub's Content-Security-Policy
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto("/login")
    page.get_by_role("link", name="Sign in with your company account").click()
    page.locator("#login").fill("emp@example.com")
    page.locator("#password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/posts")

    page.get_by_role("button", name="Sign out").click()  # a POST form: CSP form-action 'self' applies
    if end_provider_session:
        # On through hub's own page to the provider, which asks; then back to hub's home page.
        expect(page).to_have_url(re.compile(r"^" + re.escape(oidc_provider.issuer) + r"/session/end"))
        page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("You are signed out, on every device.")).to_be_visible()
    assert blocked == []

    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_role("link", name="Sign in with your company account").click()
    if end_provider_session:  # the provider's session is gone: it asks for credentials again
        expect(page).to_have_url(re.compile(r"^" + re.escape(oidc_provider.issuer) + r"/interaction/"))
        expect(page.locator("#login")).to_be_visible()
    else:  # it still knows the person: straight back in
        expect(page).to_have_url(f"{live_server.url}/posts")
