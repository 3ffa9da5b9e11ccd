"""The share page in a real browser: live counters, blocking over the limit, copy, intents, clicks."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from hub.sharing.models import ShareEvent
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_share_page_counts_blocks_copies_opens_and_tracks(app, session, live_server, signed_in_page, make_user, make_post, new_page):
    author = make_user(password=PASSWORD)
    post = make_post(author=author, title="Why small pull requests win", body="They get reviewed. They ship.", publish=True)
    page, sharer = signed_in_page(permissions=["clipboard-read", "clipboard-write"])
    # Platforms' share screens are answered locally: this machine has no network, and the test
    # checks the URL hub opens, not the platform.
    page.context.route(re.compile(r"^https://(?!127\.0\.0\.1)"), lambda route: route.fulfill(body="platform stand-in"))
    page.goto(f"/p/{post.id}-{post.slug}")
    page.locator("#share-button").click()
    expect(page).to_have_url(re.compile(rf"/p/{post.id}/share$"))

    # X: past the limit, the counter turns red and sharing is blocked; back under, it is allowed.
    x_text = page.locator("#text-x")
    counter = page.locator("#counter-x")
    x_copy = page.locator("#card-x .copy")
    x_open = page.locator("#open-x")
    expect(x_copy).to_be_enabled()
    x_text.fill("日本" * 70 + "a")  # 140 CJK characters weigh 2 each on X: 281
    expect(counter.locator(".count")).to_have_text("281")
    expect(counter).to_have_class(re.compile("over-limit"))
    expect(x_copy).to_be_disabled()
    expect(x_open).to_have_attribute("aria-disabled", "true")
    x_text.fill("日本" * 70)
    expect(counter.locator(".count")).to_have_text("280")
    expect(counter).not_to_have_class(re.compile("over-limit"))
    expect(x_copy).to_be_enabled()

    # Copy a text: the clipboard holds it and a share event is recorded.
    bluesky = page.locator("#text-bluesky")
    bluesky_link = page.locator("#card-bluesky").get_attribute("data-link")
    bluesky.fill("Small PRs changed how we review. My take:")  # the tracked link is gone: refused on the card
    page.get_by_role("button", name="Copy text for Bluesky").click()
    expect(page.locator("#warnings-bluesky")).to_contain_text("Your tracked link")
    expect(page.locator("#card-bluesky .copy")).to_have_text("Copy text")
    bluesky.fill(f"Small PRs changed how we review. My take: {bluesky_link}")
    page.get_by_role("button", name="Copy text for Bluesky").click()
    expect(page.locator("#card-bluesky .copy")).to_have_text("Copied ✓")
    assert page.evaluate("navigator.clipboard.readText()") == f"Small PRs changed how we review. My take: {bluesky_link}"

    # Open an intent: the URL carries the person's text and their own tracked link.
    mastodon_link = page.locator("#card-mastodon").get_attribute("data-link")
    page.locator("#text-mastodon").fill("Reviews got faster for us. " + mastodon_link)
    expect(page.locator("#open-mastodon")).to_have_attribute("href", re.compile(r"Reviews%20got%20faster"))
    with page.expect_popup() as popup_info:
        page.locator("#open-mastodon").click()
    popup = popup_info.value
    intent = urlsplit(popup.url)
    popup.close()
    assert intent.netloc == "mastodon.social" and intent.path == "/share"
    shared_text = parse_qs(intent.query)["text"][0]
    assert shared_text.startswith("Reviews got faster for us.") and shared_text.count(mastodon_link) == 1

    def events():  # type: ignore[no-untyped-def]
        session.expire_all()
        return session.execute(sa.select(ShareEvent.platform, ShareEvent.kind).where(ShareEvent.user_id == sharer.id)).all()

    expected = {("bluesky", "copy"), ("mastodon", "intent")}
    for _ in range(200):  # beacons are asynchronous: poll the database, up to 10 s
        if expected <= set(events()):
            break
        page.wait_for_timeout(50)
    assert expected <= set(events())

    # A reader follows the tracked link: they land on the post, and the click is counted.
    # (headless Chromium announces itself as HeadlessChrome, which hub counts as a bot: a reader
    # uses an ordinary browser)
    reader = new_page(user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36")
    reader.goto(mastodon_link)
    expect(reader).to_have_url(re.compile(rf"/p/{post.id}-{post.slug}\?utm_source=mastodon&utm_medium=social"))
    expect(reader.locator("h1")).to_have_text("Why small pull requests win")
    app.extensions["hub.clicklog"].flush_all()
    from hub.sharing.models import Click

    session.expire_all()
    clicks = session.execute(sa.select(Click.platform, Click.user_id, Click.is_bot)).all()
    assert clicks == [("mastodon", sharer.id, False)]
    app.extensions["hub.clicklog"].close()


def test_share_page_on_a_phone(live_server, signed_in_page, make_user, make_post):
    post = make_post(title="Phone sharing", body="Body", publish=True)
    page, _user = signed_in_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"/p/{post.id}/share")
    card = page.locator("#card-linkedin")
    expect(card).to_be_visible()
    box = card.bounding_box()
    assert box is not None and box["width"] <= 390
    page.screenshot(path="/tmp/share-phone.png", full_page=False)
