"""Choosing the interface language in a real browser: signed in through the company's OpenID
provider with an English browser, a person picks Svenska on their profile and hub speaks Swedish
to them (navigation, headings, dates) until they sign out."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from hub.auth.models import User
from tests.oidc_provider import PROVIDER_PASSWORD

pytestmark = pytest.mark.browser


def test_a_person_switches_the_interface_to_swedish(app, live_server, oidc_provider, new_page, session):
    oidc_provider.configure(app, PASSWORD_LOGIN=False)
    page = new_page(locale="en-US")  # the browser asks for English
    page.goto("/login")
    page.get_by_role("link", name="Sign in with your company account").click()
    expect(page).to_have_url(re.compile(r"^" + re.escape(oidc_provider.issuer) + r"/interaction/"))
    page.locator("#login").fill("emp@example.com")
    page.locator("#password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/posts")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="My posts")).to_be_visible()

    page.goto("/profile")
    language = page.get_by_label("Language")
    expect(language).to_have_value("")  # the browser's, until chosen
    language.select_option(label="Svenska")
    page.get_by_role("button", name="Save profile").click()
    expect(page).to_have_url(f"{live_server.url}/profile")

    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name="Mina inlägg")).to_be_visible()
    expect(page.get_by_role("link", name="Ämnen")).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    expect(page.get_by_role("heading", name="Språk")).to_be_visible()
    expect(page.get_by_label("Språk")).to_have_value("sv")
    expect(page.get_by_role("link", name="My posts")).to_have_count(0)
    session.rollback()
    assert session.scalar(sa.select(User.language).where(User.email == "emp@example.com")) == "sv"

    page.goto("/insights/me?start=2026-11-01&end=2026-11-29")
    expect(page.locator("main")).to_contain_text("1 nov. 2026")  # the range, as Swedes write dates
    expect(page.locator("time[datetime='2026-11-29']")).to_have_text("sön 29 nov. 2026")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.get_by_role("button", name="Logga ut").click()  # signed out: the browser's language again
    expect(page.locator("html")).to_have_attribute("lang", "en")
