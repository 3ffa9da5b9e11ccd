"""The library in a real browser: an article added by URL (fetched from a local web server) and
one picked from a feed, shared in the person's own words on a phone, the tracked link followed by
an anonymous reader to the outside page, and the click on the insights dashboard."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from hub.auth.models import Role
from hub.library import feeds, services
from hub.library.models import ItemState, LibraryItem
from hub.sharing.models import Click, ShareEvent
from tests.browser.conftest import PASSWORD
from tests.library.servers import serve

pytestmark = pytest.mark.browser
READER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    with serve() as base:
        yield base


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"LIBRARY_FETCH_ALLOW_LOOPBACK": True, "LIBRARY_FETCH_TIMEOUT_SECONDS": 2.0}


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways: {width}px"


def test_add_pick_share_in_own_words_follow_and_count(app, session, live_server, signed_in_page, make_user, web,
                                                      new_page):
    comms = make_user(Role.COMMS, password=PASSWORD, name="Chris Comms")
    # comms follow a feed; the feed check (cron) brings its articles, comms pick one
    boss, _ = signed_in_page(comms)
    boss.goto("/library/feeds")
    boss.locator("#url").fill(f"{web}/feed.xml")
    boss.get_by_role("button", name="Follow this feed").click()
    expect(boss.locator("#feed-list")).to_contain_text(f"{web}/feed.xml")
    feeds.poll_feeds(session, services.FetchSettings.from_config(app.config))
    session.commit()
    boss.goto("/library")
    expect(boss.locator("#waiting-link")).to_contain_text("2")
    boss.locator("#waiting-link").click()
    expect(boss.locator("#waiting-list")).to_contain_text("from the feed Industry News")
    boss.get_by_role("button", name=re.compile("Pick “Remote onboarding")).click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("Remote onboarding that works")
    expect(boss.locator("#card-linkedin")).to_be_visible()  # the studio, at once

    # an employee on a phone pastes a link: hub reads its preview; they add a line and share
    page, maria = signed_in_page(permissions=["clipboard-read", "clipboard-write"], **PHONE)
    page.add_init_script("window.__shared = []; navigator.share = function (d) { window.__shared.push(d); "
                         "return Promise.resolve(); };")
    page.goto("/library")
    session.expire_all()
    picked = session.scalar(sa.select(LibraryItem.id).where(LibraryItem.state == ItemState.ACTIVE))
    expect(page.locator(f"#item-{picked}")).to_contain_text("Remote onboarding that works")
    page.locator("#add-url").fill(f"{web}/page")
    page.get_by_role("button", name="Fetch preview").click()
    expect(page.locator("#preview-title")).to_have_text("Why four-day weeks work for small teams")
    expect(page.locator("#title")).to_have_value("Why four-day weeks work for small teams")
    page.locator("#comment").fill("We tried this last spring.")
    page.get_by_role("button", name="Add to the library").click()
    expect(page.locator(".flash, .notice").first).to_contain_text("In the library")
    expect(page.locator("#own-words")).to_have_value("We tried this last spring.")  # the adder starts from it
    _fits(page)

    words = "It changed how our team plans the week."
    page.locator("#own-words").fill(words)
    linkedin = page.locator("#text-linkedin")
    expect(linkedin).to_have_value(re.compile(re.escape(words)))
    link = page.locator("#card-linkedin").get_attribute("data-link")
    assert link and link.startswith(f"{live_server.url}/s/") and link in linkedin.input_value()
    # a phone shows one button per card, "Share on LinkedIn": the share sheet (recorded here) gets text and link
    card = page.locator("#card-linkedin")
    expect(card.locator(".copy")).to_be_hidden()
    card.get_by_role("button", name="Share on LinkedIn").click()
    expect(page.locator("#status-linkedin")).to_have_text("Shared.")
    shared = page.evaluate("window.__shared")
    assert len(shared) == 1 and shared[0]["url"] == link and words in shared[0]["text"]
    _fits(page)
    page.screenshot(path="/tmp/library-phone.png", full_page=True)

    for _ in range(200):  # the event is a beacon: poll the database, up to 10 s
        session.expire_all()
        if session.scalar(sa.select(sa.func.count()).select_from(ShareEvent).where(ShareEvent.item_id.is_not(None))):
            break
        page.wait_for_timeout(50)

    # an anonymous reader follows the link and lands on the outside page itself, without UTM
    reader = new_page(user_agent=READER_AGENT)
    reader.goto(link)
    expect(reader).to_have_url(f"{web}/page")
    app.extensions["hub.clicklog"].flush_all()
    session.expire_all()
    assert session.execute(sa.select(Click.platform, Click.post_id, Click.is_bot)).all() == [("linkedin", None, False)]
    app.extensions["hub.clicklog"].close()

    # comms see the share and the click beside own posts
    boss.goto("/insights/")
    expect(boss.locator("#table-outside")).to_contain_text("Why four-day weeks work for small teams")
    row = boss.locator("#table-outside tbody tr").first
    expect(row.locator("td").nth(0)).to_have_text("1")  # human clicks
    expect(row.locator("td").nth(2)).to_have_text("1")  # shares
    expect(boss.locator("#kpi-outside-share")).to_have_text("100% outside articles")


def test_a_page_that_cannot_be_read_keeps_what_was_typed(live_server, signed_in_page, web):
    page, _ = signed_in_page()
    page.goto("/library/new")
    page.locator("#url").fill(f"{web}/huge")
    page.get_by_role("button", name="Fetch preview").click()
    expect(page.locator("#preview-error")).to_contain_text("larger than 2 MB")
    expect(page.locator("#url")).to_have_value(f"{web}/huge")
    page.locator("#title").fill("A big page, typed by hand")
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A big page, typed by hand")
