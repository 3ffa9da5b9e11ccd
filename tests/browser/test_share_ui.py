"""Key point in the editor, own words and edited cards on the share page, and the colleague
sameness warning, in a real browser on a desktop screen and on a phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from hub.posts.models import Post, PostWorkingCopy
from hub.rewrite import suggest_key_point
from hub.sharing import services as sharing
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
TITLE = "Why small pull requests win"
BODY = (
    "Small pull requests get reviewed within hours. Big ones wait for days and hide their bugs.\n\n"
    "We split our work into slices of a day or less, and review became a conversation."
)
WORDS = "My team tried this for a month and I am not going back."


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    return request.param, SCREENS[request.param]


def fresh(session: Any) -> None:
    session.rollback()
    session.expire_all()


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways: {width}px wide"


def test_key_point_prefilled_edited_and_kept(screen, session, signed_in_page, make_user, make_post):
    _name, context = screen
    author = make_user(password=PASSWORD)
    post = make_post(author=author, title=TITLE, body=BODY, publish=True)
    page, _ = signed_in_page(author, **context)
    page.goto(f"/posts/{post.id}/edit")

    key_point = page.locator("#key_point")
    suggestion = suggest_key_point(TITLE, BODY)
    expect(key_point).to_have_value(suggestion)
    expect(page.locator("#key-point-badge")).to_be_visible()
    expect(page.locator("#key-point-hint")).to_contain_text("suggested")
    expect(page.locator("#key-point-count")).to_have_text(f"{len(suggestion)} / 300")
    no_horizontal_scroll(page)

    mine = "Small pull requests get reviewed in hours, not days."
    key_point.fill(mine)
    expect(page.locator("#key-point-badge")).to_be_hidden()
    expect(page.locator("#key-point-count")).to_have_text(f"{len(mine)} / 300")
    expect(page.locator("#save-state")).to_contain_text(
        "Changes kept", timeout=15_000
    )  # autosaved into the working copy, no click

    page.reload()
    expect(key_point).to_have_value(mine)
    expect(page.locator("#key-point-badge")).to_be_hidden()
    fresh(session)
    copy = session.scalar(sa.select(PostWorkingCopy).where(PostWorkingCopy.post_id == post.id))
    assert copy is not None and copy.content["key_point"] == mine
    page.get_by_role("button", name="Save draft").click()  # an explicit save makes the revision
    expect(page.locator(".flash")).to_contain_text("saved")
    fresh(session)
    assert session.get(Post, post.id).current_revision.key_point == mine

    # too long: the counter says so, autosave refuses with the reason, and the text stays
    key_point.fill("word " * 70)
    expect(page.locator("#key-point-count")).to_contain_text("too long")
    expect(page.locator("#save-state")).to_contain_text("300 characters", timeout=15_000)
    expect(key_point).to_have_value("word " * 70)


def test_own_words_rebuild_the_cards_and_survive_a_reload(
    screen, tmp_path: Path, session, signed_in_page, make_user, make_post
):
    name, context = screen
    post = make_post(title=TITLE, body=BODY, publish=True)
    page, _sharer = signed_in_page(**context)
    page.goto(f"/p/{post.id}/share")
    own = page.locator("#own-words")
    expect(own).to_have_attribute("placeholder", "Why are you sharing this?")
    x_text, linkedin = page.locator("#text-x"), page.locator("#text-linkedin")
    expect(x_text).not_to_have_value(re.compile(re.escape(WORDS)))

    own.fill(WORDS)
    expect(x_text).to_have_value(re.compile(re.escape(WORDS)))
    expect(linkedin).to_have_value(re.compile(re.escape(WORDS)))
    expect(page.locator("#card-x .source-badge")).to_have_text("Built on your words")
    expect(page.locator("#own-words-state")).to_contain_text("Saved")
    x_link = page.locator("#card-x").get_attribute("data-link")
    assert x_link and x_link in x_text.input_value()

    # a card edited by hand is saved as theirs as they type, and the next own words leave it alone
    bluesky = page.locator("#text-bluesky")
    bluesky_link = page.locator("#card-bluesky").get_attribute("data-link")
    mine = f"Reviews at our place got fast once the changes got small. {bluesky_link}"
    bluesky.fill(mine)
    expect(page.locator("#status-bluesky")).to_have_text("Saved as your version.")
    own.fill(WORDS + " Really.")
    expect(x_text).to_have_value(re.compile(re.escape(WORDS + " Really.")))
    expect(bluesky).to_have_value(mine)

    # a text without the tracked link: named inline, not kept as theirs, but not lost either
    page.locator("#text-mastodon").fill("No link in this one")
    expect(page.locator("#warnings-mastodon")).to_contain_text("tracked link")
    expect(page.locator("#status-mastodon")).to_contain_text("Not saved yet")

    no_horizontal_scroll(page)
    # screenshots for a person to look at: the own-words field, and a card with its warning
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(tmp_path / f"share-{name}.png"), full_page=False)
    page.locator("#card-mastodon").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"share-{name}-card.png"), full_page=False)
    assert (tmp_path / f"share-{name}.png").stat().st_size > 0

    page.reload()  # nothing to click: everything above is still there
    expect(own).to_have_value(WORDS + " Really.")
    expect(x_text).to_have_value(re.compile(re.escape(WORDS + " Really.")))
    expect(bluesky).to_have_value(mine)
    expect(page.locator("#card-bluesky .source-badge")).to_have_text("Your version")
    expect(page.locator("#text-mastodon")).to_have_value("No link in this one")  # kept on this device
    expect(page.locator("#warnings-mastodon")).to_contain_text("tracked link")

    # back to hub's text: the card follows the own words again
    page.locator("#card-bluesky .reset").click()
    expect(bluesky).to_have_value(re.compile(re.escape(WORDS + " Really.")))


def test_sameness_warning_when_a_colleague_shared_nearly_the_same(
    screen, session, signed_in_page, make_user, make_post
):
    _name, context = screen
    post = make_post(title=TITLE, body=BODY, publish=True)
    colleague = make_user(name="Priya Early", password=PASSWORD)
    script = "Small pull requests changed how our whole team works together, and reviews got faster."
    links = sharing.links_for(session, post, colleague)
    sharing.save_share_text(
        session, post, colleague, "linkedin", f"{script} http://hub.test/s/{links['linkedin'].code}"
    )
    session.commit()

    page, _me = signed_in_page(**context)
    page.goto(f"/p/{post.id}/share")
    warnings = page.locator("#warnings-linkedin")
    expect(warnings).not_to_contain_text("Priya Early")
    link = page.locator("#card-linkedin").get_attribute("data-link")
    page.locator("#text-linkedin").fill(f"{script} #teamwork {link}")
    expect(warnings).to_contain_text("Priya Early")
    expect(warnings).to_contain_text("looks scripted")
    expect(warnings).to_contain_text("own words")
    # their own words make it theirs
    page.locator("#text-linkedin").fill(f"I doubted it. Then my reviews shrank from days to an hour. {link}")
    expect(warnings).not_to_contain_text("Priya Early")
    fresh(session)
    assert session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1
