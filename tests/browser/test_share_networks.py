"""The share page starts with the person's networks (the rest folded away); on a phone one
"Share on <network>" button per card: the system share sheet where the browser has one, else copy
then open; every action is exactly one share event; a text without its link is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from hub.sharing import services as sharing
from hub.sharing.models import ShareEvent
from tests.browser.conftest import PASSWORD
from tests.browser.test_phone_and_a11y import AXE_JS, describe, run_axe

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# Records what the page hands to the clipboard, the share sheet and new windows.
RECORDER = """
window.__copied = []; window.__opened = [];
Object.defineProperty(navigator, "clipboard", { configurable: true,
  value: { writeText: function (t) { window.__copied.push(t); return Promise.resolve(); } } });
window.open = function (url) { window.__opened.push(url); return null; };
"""
SHARE_SHEET = ("window.__shared = []; "
               "navigator.share = function (d) { window.__shared.push(d); return Promise.resolve(); };")
NO_SHARE_SHEET = "delete Navigator.prototype.share; delete navigator.share;"


@pytest.fixture
def setup(session, make_user, make_post):  # type: ignore[no-untyped-def]
    """(post, sharer) with LinkedIn and Mastodon chosen as the sharer's networks."""
    author = make_user(name="Ada Author")
    post = make_post(author=author, title="Why small pull requests win",
                     body="Small pull requests get reviewed within hours. Big ones wait for days.", publish=True)
    sharer = make_user(name="Sam Sharer", password=PASSWORD)
    sharing.set_networks(session, sharer, ["linkedin", "mastodon"])
    session.commit()
    return post, sharer


def events(session: Any, user: Any) -> list[tuple[str, str]]:
    session.rollback()
    return [tuple(r) for r in session.execute(sa.select(ShareEvent.platform, ShareEvent.kind)
                                              .where(ShareEvent.user_id == user.id).order_by(ShareEvent.id))]


def watch_events(page: Page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.url.endswith("/share/event") else None)
    return sent


def open_share_page(signed_in_page: Any, user: Any, post: Any, context: dict[str, Any], *scripts: str) -> Page:
    page, _ = signed_in_page(user, **context)
    for script in scripts:
        page.add_init_script(script)
    page.goto(f"/p/{post.id}/share")
    return page


def test_desktop_your_networks_first_rest_folded_one_event_per_action(setup, session, signed_in_page):
    post, sharer = setup
    page = open_share_page(signed_in_page, sharer, post, DESKTOP, RECORDER)
    sent = watch_events(page)
    mine = page.locator("#my-networks .share-card")
    expect(mine).to_have_count(2)
    expect(mine.locator("h3")).to_have_text(["LinkedIn", "Mastodon"])
    other = page.locator("#other-networks")
    expect(other.locator("summary")).to_have_text("Other networks (8)")
    expect(other).not_to_have_attribute("open", re.compile(".*"))
    expect(page.locator("#card-x")).to_be_hidden()
    expect(page.locator("#link-preview")).to_contain_text("Why small pull requests win")
    page.screenshot(path="/tmp/share-networks-desktop.png", full_page=True)

    with page.expect_response(lambda r: r.url.endswith("/share/event")):
        page.get_by_role("button", name="Copy text for LinkedIn").click()
    with page.expect_response(lambda r: r.url.endswith("/share/event")):
        page.get_by_role("link", name="Copy & open LinkedIn").click()
    # a later action whose event is answered: anything the two clicks above sent has gone out by now
    with page.expect_response(lambda r: r.url.endswith("/share/event")):
        page.get_by_role("button", name="Copy text for Mastodon").click()
    assert len(sent) == 3, sent
    assert events(session, sharer) == [("linkedin", "copy"), ("linkedin", "intent"), ("mastodon", "copy")]
    assert page.evaluate("window.__copied.length") == 3  # "Copy & open" copied too (LinkedIn takes only the link)

    page.locator("#other-networks summary").click()  # the rest unfold on demand
    expect(page.locator("#card-x")).to_be_visible()

    page.get_by_role("link", name="Change them").click()  # the chooser opens, with the two ticked
    expect(page.get_by_role("checkbox", name="X", exact=True)).to_be_focused()  # the first one
    expect(page.get_by_role("checkbox", name="LinkedIn")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Mastodon")).to_be_checked()
    page.get_by_role("checkbox", name="Bluesky").check()
    page.get_by_role("button", name="Save my networks").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Your networks: LinkedIn, Mastodon, Bluesky. Share pages start with them.")
    expect(page.locator("#my-networks .share-card h3")).to_have_text(["LinkedIn", "Mastodon", "Bluesky"])
    expect(page.locator("#other-networks summary")).to_have_text("Other networks (7)")


def test_phone_share_sheet_one_button_per_card(setup, session, signed_in_page):
    post, sharer = setup
    page = open_share_page(signed_in_page, sharer, post, PHONE, RECORDER, SHARE_SHEET)
    expect(page.locator("#my-networks .share-card h3")).to_have_text(["LinkedIn", "Mastodon"])
    expect(page.locator("#other-networks summary")).to_have_text("Other networks (8)")
    expect(page.locator("#card-x")).to_be_hidden()  # folded away
    card = page.locator("#card-linkedin")
    expect(card.get_by_role("button")).to_have_count(1)  # only "Share on LinkedIn": copy and open are for wide screens
    expect(card.get_by_role("button", name="Share on LinkedIn")).to_be_visible()
    expect(page.locator("#my-networks").get_by_role("button", name=re.compile("^Copy text"))).to_have_count(0)
    no_horizontal_scroll(page)
    page.screenshot(path="/tmp/share-networks-phone-top.png")
    page.screenshot(path="/tmp/share-networks-phone.png", full_page=True)

    link = card.get_attribute("data-link")
    with page.expect_response(lambda r: r.url.endswith("/share/event")):
        card.get_by_role("button", name="Share on LinkedIn").click()
    shared = page.evaluate("window.__shared")
    assert len(shared) == 1 and shared[0]["url"] == link
    assert link not in shared[0]["text"] and shared[0]["text"]  # the link goes once, as the url
    assert page.evaluate("window.__copied") == [] and page.evaluate("window.__opened") == []
    expect(page.locator("#status-linkedin")).to_have_text("Shared.")
    assert events(session, sharer) == [("linkedin", "webshare")]


def test_phone_without_share_sheet_copies_then_opens(setup, session, signed_in_page):
    post, sharer = setup
    page = open_share_page(signed_in_page, sharer, post, PHONE, RECORDER, NO_SHARE_SHEET)
    sent = watch_events(page)
    text = page.locator("#text-mastodon").input_value()
    page.get_by_role("tab", name="Mastodon").click()  # one network at a time on a phone
    with page.expect_response(lambda r: r.url.endswith("/share/event")):
        page.get_by_role("button", name="Share on Mastodon").click()
    assert page.evaluate("window.__copied") == [text]
    opened = page.evaluate("window.__opened")
    assert len(opened) == 1 and opened[0] == page.locator("#open-mastodon").get_attribute("href")
    expect(page.locator("#status-mastodon")).to_contain_text("Text copied, and Mastodon opened")
    assert len(sent) == 1 and events(session, sharer) == [("mastodon", "intent")]

    # a text without its tracked link is refused on the card: nothing copied, opened or counted
    link = page.locator("#card-linkedin").get_attribute("data-link") or ""
    page.get_by_role("tab", name="LinkedIn").click()
    page.locator("#text-linkedin").fill("My own words, and the link is gone")
    page.get_by_role("button", name="Share on LinkedIn").click()
    expect(page.locator("#warnings-linkedin")).to_contain_text(f"Your tracked link {link} is missing")
    expect(page.locator("#status-linkedin")).to_contain_text("Not shared")
    assert page.evaluate("window.__copied") == [text] and len(page.evaluate("window.__opened")) == 1
    page.screenshot(path="/tmp/share-networks-refused.png", full_page=True)
    assert events(session, sharer) == [("mastodon", "intent")]


def test_phone_one_network_at_a_time_behind_tabs(setup, session, signed_in_page):
    post, sharer = setup
    page = open_share_page(signed_in_page, sharer, post, PHONE, RECORDER, NO_SHARE_SHEET, AXE_JS)
    tablist = page.get_by_role("tablist", name="Your networks")
    tabs = tablist.get_by_role("tab")
    expect(tabs).to_have_text(["LinkedIn", "Mastodon"])  # the person's networks, in their order
    linkedin, mastodon = tablist.get_by_role("tab", name="LinkedIn"), tablist.get_by_role("tab", name="Mastodon")
    expect(linkedin).to_have_attribute("aria-selected", "true")
    expect(linkedin).to_have_attribute("aria-controls", "card-linkedin")
    expect(mastodon).to_have_attribute("aria-selected", "false")
    expect(mastodon).to_have_attribute("tabindex", "-1")
    expect(page.locator("#card-linkedin")).to_be_visible()
    expect(page.locator("#card-mastodon")).to_be_hidden()
    expect(page.get_by_role("tabpanel", name="LinkedIn")).to_be_visible()
    no_horizontal_scroll(page)
    page.screenshot(path="/tmp/share-tabs-phone.png")
    violations = run_axe(page)
    assert not violations, describe(violations)

    mastodon.click()
    expect(page.locator("#card-mastodon")).to_be_visible()
    expect(page.locator("#card-linkedin")).to_be_hidden()
    expect(mastodon).to_have_attribute("aria-selected", "true")
    expect(linkedin).to_have_attribute("aria-selected", "false")

    page.keyboard.press("ArrowRight")  # wraps round to the first
    expect(linkedin).to_be_focused()
    expect(linkedin).to_have_attribute("aria-selected", "true")
    expect(page.locator("#card-linkedin")).to_be_visible()
    expect(page.locator("#card-mastodon")).to_be_hidden()
    page.keyboard.press("ArrowLeft")
    expect(mastodon).to_be_focused()
    expect(page.locator("#card-mastodon")).to_be_visible()
    page.keyboard.press("Home")
    expect(linkedin).to_be_focused()
    page.keyboard.press("End")
    expect(mastodon).to_be_focused()

    # the chosen tab's "Share on" still copies then opens; the hidden card's edits are still saved
    with page.expect_response(lambda r: r.url.endswith("/share/event")):
        page.get_by_role("button", name="Share on Mastodon").click()
    assert events(session, sharer) == [("mastodon", "intent")]
    link = page.locator("#card-linkedin").get_attribute("data-link")
    with page.expect_response(lambda r: r.url.endswith("/share/text") and r.ok):
        page.locator("#text-linkedin").evaluate(
            "(el, link) => { el.value = 'Mine, on a hidden card ' + link; "
            "el.dispatchEvent(new Event('input', { bubbles: true })); }", link)
    expect(page.locator("#status-linkedin")).to_have_text("Saved as your version.")

    page.reload()  # the choice is remembered for the session
    expect(page.get_by_role("tab", name="Mastodon")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#card-mastodon")).to_be_visible()
    expect(page.locator("#card-linkedin")).to_be_hidden()
    expect(page.locator("#text-linkedin")).to_have_value(f"Mine, on a hidden card {link}")

    page.set_viewport_size(DESKTOP["viewport"])  # a wide screen: every card side by side, no tabs
    expect(page.get_by_role("tablist")).to_be_hidden()
    expect(page.locator("#card-linkedin")).to_be_visible()
    expect(page.locator("#card-mastodon")).to_be_visible()
    expect(page.locator("#card-linkedin")).not_to_have_attribute("role", "tabpanel")


def test_phone_without_networks_of_ones_own_no_tabs(setup, signed_in_page, make_user):
    post, _sharer = setup
    newcomer = make_user(name="Nia Newcomer", password=PASSWORD)  # nothing chosen, nothing shared yet
    page = open_share_page(signed_in_page, newcomer, post, PHONE)
    expect(page.locator("#my-networks-label")).to_have_text("Every network")
    expect(page.locator("#card-x")).to_be_visible()  # every card one under another, no tabs to pick from
    expect(page.locator("#card-email")).to_be_visible()
    expect(page.locator("[role=tablist]")).to_have_count(0)


def test_phone_without_javascript_shows_every_card_of_ones_own(setup, signed_in_page):
    post, sharer = setup
    page = open_share_page(signed_in_page, sharer, post, {**PHONE, "java_script_enabled": False})
    expect(page.locator("#card-linkedin")).to_be_visible()
    expect(page.locator("#card-mastodon")).to_be_visible()
    expect(page.locator("[role=tablist]")).to_have_count(0)


def test_desktop_shows_every_network_and_no_tabs(setup, signed_in_page):
    post, sharer = setup
    page = open_share_page(signed_in_page, sharer, post, DESKTOP)
    expect(page.locator("#card-linkedin")).to_be_visible()
    expect(page.locator("#card-mastodon")).to_be_visible()
    expect(page.get_by_role("tablist")).to_have_count(0)  # hidden from assistive technology too
    expect(page.get_by_role("tab")).to_have_count(0)
    a, b = page.locator("#card-linkedin").bounding_box(), page.locator("#card-mastodon").bounding_box()
    assert a and b and abs(a["y"] - b["y"]) < 1 and b["x"] > a["x"] + a["width"] - 1, "side by side"


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways: {width}px wide"


def test_phone_editor_marks_a_missing_title_counts_and_asks_for_image_descriptions(signed_in_page, session):
    page, _user = signed_in_page(**PHONE)
    page.goto("/write")
    page.locator("#body").fill("Words I typed before giving it a title.")
    page.locator("#publish-button").click()
    title = page.locator("#title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title-error")).to_have_text("Give the post a title before publishing.")
    expect(title).to_be_focused()
    page.screenshot(path="/tmp/editor-phone-no-title.png")
    expect(page.locator("#body")).to_have_value("Words I typed before giving it a title.")

    title.fill("x" * 305)  # nothing cuts it: the counter says how much is too much
    expect(title).to_have_value("x" * 305)
    expect(page.locator("#title-count")).to_have_text("305 / 300: too long by 5. Shorten it to save; nothing is cut.")
    title.fill("A title")
    expect(page.locator("#title-count")).to_have_text("7 / 300")

    page.locator("#image-input").set_input_files(files=[{"name": "roof.png", "mimeType": "image/png", "buffer": PNG}])
    alt = page.get_by_role("textbox", name="Describe the image for people who cannot see it")
    expect(alt).to_be_focused()
    page.get_by_role("button", name="Insert with this description").click()  # no description yet: asked again
    expect(page.locator("#image-alt-error")).to_be_visible()
    page.screenshot(path="/tmp/editor-phone-describe.png")
    alt.fill("The team on the roof")
    alt.press("Enter")
    expect(page.locator("#body")).to_have_value(re.compile(r"!\[The team on the roof\]\(/img/[^)]+\)"))
    expect(page.locator("#preview-body img")).to_have_attribute("alt", "The team on the roof", timeout=10_000)

    page.locator("#body").fill("Outside ![a stand](https://example.com/stand.jpg)")
    expect(page.locator("#outside-images")).to_contain_text("Images from other sites are not shown")
    expect(page.locator("#preview-body img")).to_have_count(0)
    expect(page.locator("#preview-body a")).to_have_text("Image: a stand")
    page.screenshot(path="/tmp/editor-phone.png")


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x20\x60\xc0" * 8 for _ in range(6))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 6, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = _png()


@pytest.mark.parametrize("context", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_sign_up_to_a_first_tracked_share(context, app, new_page, session):
    """The whole journey of a newcomer, at 1280 and 390 px: sign up, write, publish, land on the
    share page, share once (copy on a desktop, the share sheet on a phone) with their own tracked
    link, and a reader who follows that link is counted."""
    from hub.auth.models import User
    from hub.sharing.models import Click, ShareLink

    page = new_page(**context)
    page.add_init_script(RECORDER)
    page.add_init_script(SHARE_SHEET)
    page.goto("/signup")
    page.locator("#display_name").fill("Nora Newcomer")
    page.locator("#email").fill("nora.newcomer@example.com")
    page.locator("#password").fill("a fine long password")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/write$"))
    page.locator("#title").fill("My first week on the support team")
    page.locator("#body").fill("We answered 400 tickets. The hardest ones taught me the most.")
    page.locator("#publish-button").click()
    expect(page).to_have_url(re.compile(r"/p/\d+/share$"))
    expect(page.locator(".flash-success")).to_have_text("Published. Now share it")
    no_horizontal_scroll(page)

    card = page.locator("#card-linkedin")
    link = card.get_attribute("data-link") or ""
    assert "/s/" in link
    with page.expect_response(lambda r: r.url.endswith("/share/event")):
        if context is PHONE:
            card.get_by_role("button", name="Share on LinkedIn").click()
        else:
            page.get_by_role("button", name="Copy text for LinkedIn").click()
    if context is PHONE:
        shared = page.evaluate("window.__shared")
        assert len(shared) == 1 and shared[0]["url"] == link and shared[0]["text"]
    else:
        copied = page.evaluate("window.__copied")
        assert len(copied) == 1 and link in copied[0]  # the text carries the person's own link
    nora = session.scalar(sa.select(User).where(User.email == "nora.newcomer@example.com"))
    assert nora is not None
    assert events(session, nora) == [("linkedin", "webshare" if context is PHONE else "copy")]

    reader = new_page(**context)
    response = reader.goto(link)
    assert response is not None and response.status == 200
    expect(reader.locator("article.post h1")).to_have_text("My first week on the support team")
    app.extensions["hub.clicklog"].flush_all()
    session.rollback()
    code = link.rsplit("/", 1)[-1]
    clicks = session.scalars(sa.select(Click).join(ShareLink, Click.link_id == ShareLink.id)
                             .where(ShareLink.code == code)).all()
    assert len(clicks) == 1 and clicks[0].platform == "linkedin"
