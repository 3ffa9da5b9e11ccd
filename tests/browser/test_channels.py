"""Company channels and the strategy in a real browser: an account whose owner leaves shows as
orphaned and is closed through the guided flow with farewells that fit; the tone of voice shows
beside the editor and on the share page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from hub.auth import services as people
from hub.channels import services as channels
from hub.channels.models import Channel, ChannelStatus
from hub.db import utcnow
from hub.platforms import PLATFORMS, measure
from tests.browser.conftest import PASSWORD, record_dialogs

pytestmark = pytest.mark.browser


def fresh(session: Any) -> None:
    """End the test's own transaction so it sees what the server's requests committed."""
    session.rollback()
    session.expire_all()


def test_orphaned_account_is_closed_with_farewells_that_fit(signed_in_page: Callable[..., tuple[Page, Any]], make_user, session):
    comms = make_user(role="comms", name="Cleo Comms", password=PASSWORD)
    admin = make_user(role="admin", name="Alex Admin", password=PASSWORD)
    olga = make_user(name="Olga Owner", password=PASSWORD)
    main = channels.create_channel(session, comms, channels.ChannelInput(
        platform="linkedin", handle="Acme", url="https://www.linkedin.com/company/acme", purpose="Company news",
        audience="Customers and candidates", owner_id=comms.id), today=utcnow().date())
    session.commit()

    page, _ = signed_in_page(comms)
    dialogs = record_dialogs(page)

    # Comms registers the summer campaign's account, owned by Olga.
    page.get_by_role("link", name="Channels").click()
    page.get_by_role("link", name="Register an account").click()
    page.locator("#platform").select_option("x")
    page.locator("#handle").fill("@acme_summer")
    page.locator("#url").fill("https://x.com/acme_summer")
    page.locator("#purpose").fill("Summer campaign updates")
    page.locator("#audience").fill("Festival visitors")
    page.locator("#owner_id").select_option(label="Olga Owner")
    page.locator("#campaign").fill("Summer festival")
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/channels/\d+$"))
    expect(page.locator(".flash-success")).to_contain_text("@acme_summer on X is in the inventory")
    expect(page.locator("#owner")).to_have_text("Olga Owner")
    summer = session.scalars(sa.select(Channel).where(Channel.handle == "@acme_summer")).one()

    # Olga leaves: the inventory shows the account as orphaned.
    people.deactivate(session, admin, olga)
    session.commit()
    page.get_by_role("link", name="Channels").click()
    row = page.locator(f"#channel-{summer.id}")
    expect(row.locator('[data-code="owner_left"]')).to_have_text("Orphaned: Olga Owner was deactivated. Give the account a new owner.")
    expect(page.locator("#channel-health")).to_contain_text("Orphaned: 1")
    expect(page.locator(f"#channel-{main.id} .health-ok")).to_have_text("Healthy")

    # Comms closes it through the flow.
    row.get_by_role("link", name="@acme_summer").click()
    page.locator("#close-account").click()
    page.locator("#main_channel_id").select_option(label="Acme on LinkedIn")
    page.get_by_role("button", name="Draft the farewell").click()
    expect(page.locator(".flash-success")).to_contain_text("Closing started")

    drafts = page.locator("#farewells .farewell")
    expect(drafts).to_have_count(len(PLATFORMS))
    for i in range(drafts.count()):
        item = drafts.nth(i)
        platform = item.get_attribute("data-platform")
        text = item.locator("textarea").input_value()
        assert "Acme" in text, platform
        assert measure(platform, text) <= PLATFORMS[platform].limit, (platform, text)
    own = page.locator("#farewell_text")
    assert "https://www.linkedin.com/company/acme" in own.input_value()
    assert measure("x", own.input_value()) <= PLATFORMS["x"].limit
    expect(page.locator("#mark-closed")).to_be_disabled()

    for box in page.locator("#checklist input[type=checkbox]").all():
        box.check()
    page.locator("#save-checklist").click()
    expect(page.locator(".flash-success")).to_contain_text("Checklist saved")
    expect(page.locator("#mark-closed")).to_be_enabled()
    page.locator("#mark-closed").click()
    expect(page.locator(".flash-success")).to_contain_text("is closed")
    expect(page.locator("#closed-on")).to_have_text(utcnow().strftime("%d %b %Y"))

    fresh(session)
    closed = session.get(Channel, summer.id)
    assert closed.status == ChannelStatus.CLOSED and closed.closed_on == utcnow().date()
    assert measure("x", closed.farewell_text) <= PLATFORMS["x"].limit and closed.main_channel_id == main.id
    page.get_by_role("link", name="Channels").click()
    expect(page.locator(f"#channel-{summer.id}")).to_have_attribute("data-status", "closed")  # kept, not deleted
    expect(page.locator(f"#channel-{summer.id} .health")).to_have_count(0)
    assert dialogs == []


def test_tone_of_voice_beside_the_editor_and_on_the_share_page(signed_in_page, make_user, make_post, session):
    comms = make_user(role="comms", password=PASSWORD)
    page, _ = signed_in_page(comms)
    page.goto("/strategy")
    page.locator("#edit-tone").click()
    page.locator("#body").fill("Write like you **talk**. Short sentences, no jargon.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#tone .strategy-text strong")).to_have_text("talk")
    page.locator("#edit-platform-linkedin").click()
    page.locator("#body").fill("Tag at most three colleagues.")
    page.get_by_role("button", name="Save").click()

    writer_page, writer = signed_in_page()
    writer_page.goto("/write")
    tone = writer_page.locator("#strategy-tone")
    expect(tone).to_be_visible()
    expect(tone.locator("strong")).to_have_text("talk")
    expect(writer_page.locator("#guidance-linkedin")).to_have_count(0)  # platform guidance is for the share page
    box, preview = tone.bounding_box(), writer_page.locator("#preview").bounding_box()
    editor = writer_page.locator("#body").bounding_box()
    assert box and preview and editor and box["y"] > preview["y"] and box["x"] > editor["x"]  # beside the text, under the preview

    post = make_post(author=writer, title="What we shipped", body="A **great** week.", publish=True)
    writer_page.goto(f"/p/{post.id}/share")
    expect(writer_page.locator("#strategy-tone strong")).to_have_text("talk")
    guidance = writer_page.locator("#guidance-linkedin")
    guidance.locator("summary").click()
    expect(guidance).to_contain_text("Tag at most three colleagues.")
    # On a phone the tone starts folded, so the own words and the cards come first; one tap opens it.
    phone, _ = signed_in_page(writer, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(f"/p/{post.id}/share")
    tone = phone.locator("#strategy-tone")
    expect(tone).not_to_have_attribute("open", "")
    expect(tone.locator("strong")).to_be_hidden()
    tone.locator("summary").click()
    expect(tone.locator("strong")).to_have_text("talk")
