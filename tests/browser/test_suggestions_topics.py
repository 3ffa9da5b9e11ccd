"""Peer suggestions and topics in a real browser: a colleague proposes an edit that the author
accepts from a notification, or quotes a passage they selected in a comment; comms posts a topic
that an employee picks up and publishes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hub.posts import queries
from hub.posts.models import Post, RevisionKind
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

EDIT_URL = re.compile(r"/posts/(\d+)/edit$")
PUBLIC_URL = re.compile(r"/p/(\d+)-[a-z0-9-]+$")
THREAD_URL = re.compile(r"/suggestions/\d+$")


def fresh(session) -> None:  # type: ignore[no-untyped-def]
    """End the test's own transaction so it sees what the server's requests committed."""
    session.rollback()
    session.expire_all()


def test_colleague_suggests_an_edit_author_accepts_from_the_notification(signed_in_page, new_page, make_user, make_post, session):
    author = make_user(name="Ada Author", password=PASSWORD)
    colleague = make_user(name="Cole League", password=PASSWORD)
    post = make_post(author=author, title="How we ship", body="We ship on Fridy.\n\nOur team is small.", publish=True)
    post_id, public = post.id, f"/p/{post.id}-{post.slug}"
    fresh(session)

    # the colleague proposes an edit from the post page
    page_c, _ = signed_in_page(colleague)
    page_c.goto(public)
    expect(page_c.locator("#open-suggestions")).to_have_text("0 open suggestions")
    page_c.locator("#suggest-edit").click()
    body = page_c.locator("#body")
    expect(body).to_have_value("We ship on Fridy.\n\nOur team is small.")
    body.fill("We ship on Friday.\n\nOur team is small.")
    page_c.locator("#message").fill("Typo in Friday")
    page_c.get_by_role("button", name="Send suggestion").click()
    expect(page_c).to_have_url(THREAD_URL)
    expect(page_c.locator("#suggestion-state")).to_have_text("Open")
    expect(page_c.locator("#accept-publish")).to_have_count(0)  # not theirs to accept

    # the author sees the notification, opens it and reads the diff
    page_a, _ = signed_in_page(author)
    expect(page_a.locator("#notification-count")).to_have_text("1")
    page_a.locator("#nav-notifications").click()
    page_a.get_by_role("button", name="Cole League suggested an edit to “How we ship”").click()
    expect(page_a).to_have_url(THREAD_URL)
    expect(page_a.locator("#notification-count")).to_have_count(0)  # read now
    diff = page_a.locator("#suggestion-diff")
    expect(diff.locator("del")).to_have_text(["Fridy"])
    expect(diff.locator("ins")).to_have_text(["Friday"])
    expect(page_a.locator("#suggestion-message")).to_have_text("Typo in Friday")

    page_a.locator("#accept-publish").click()
    expect(page_a).to_have_url(PUBLIC_URL)
    expect(page_a.locator(".flash-success")).to_contain_text("Accepted and live")
    expect(page_a.locator(".post-body")).to_contain_text("We ship on Friday.")

    # readers see the new text
    reader = new_page()
    reader.goto(public)
    expect(reader.locator(".post-body")).to_contain_text("We ship on Friday.")
    expect(reader.locator(".post-body")).not_to_contain_text("Fridy")

    # the history credits the suggester
    page_a.goto(f"/posts/{post_id}/revisions")
    newest = page_a.locator("tbody tr").first
    expect(newest).to_contain_text("Cole League")
    expect(newest).to_contain_text("suggestion: Suggestion by Cole League accepted by Ada Author")

    # and the suggester hears it was accepted
    page_c.reload()
    expect(page_c.locator("#suggestion-state")).to_have_text("Accepted")
    expect(page_c.locator("#notification-count")).to_have_text("1")

    fresh(session)
    stored = session.get(Post, post_id)
    assert stored is not None
    latest = queries.revisions(session, stored)[0]
    assert (latest.kind, latest.created_by_id, stored.live_revision_id) == (RevisionKind.SUGGESTION, colleague.id, latest.id)


def test_colleague_quotes_a_selected_passage_in_a_comment(signed_in_page, make_user, make_post, session):
    post = make_post(title="How we ship", body="We ship on Fridy.\n\nOur team is small.", publish=True)
    post_id = post.id
    fresh(session)

    page, _ = signed_in_page()
    page.goto(f"/posts/{post_id}/suggestions")
    button = page.locator("#quote-selection")
    expect(button).to_be_hidden()
    page.locator(".page-head h1").select_text()  # outside the post's text: nothing to quote
    expect(button).to_be_hidden()
    page.locator("#suggest-source .post-body p").nth(1).select_text()
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#quote")).to_have_value("Our team is small.")
    expect(page.locator("#message")).to_be_focused()
    page.locator("#message").fill("How small?")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page).to_have_url(THREAD_URL)
    expect(page.locator("#suggestion-quote")).to_have_text("Our team is small.")
    expect(page.locator("#suggestion-message")).to_have_text("How small?")


def test_comms_topic_is_picked_up_written_with_the_brief_and_listed(signed_in_page, make_user, session):
    comms = make_user(role="comms", name="Cleo Comms", password=PASSWORD)
    writer = make_user(name="Wes Writer", password=PASSWORD)

    page_c, _ = signed_in_page(comms)
    page_c.goto("/topics")
    page_c.locator("#new-topic").click()
    page_c.locator("#title").fill("Our new office")
    page_c.locator("#brief").fill("Tell people **why** we moved, and show the view.")
    page_c.locator("#audience").fill("Job seekers")
    page_c.get_by_label("LinkedIn").check()
    page_c.get_by_label("Bluesky").check()
    page_c.locator("#key_messages").fill("More light, closer to the station\nhttps://example.com/office")
    page_c.locator("#hashtags").fill("#NewOffice, #hiring")
    page_c.get_by_role("button", name="Put it on the board").click()
    expect(page_c).to_have_url(re.compile(r"/topics/\d+$"))
    expect(page_c.locator("#topic-state")).to_have_text("On the board")
    topic_url = page_c.url

    page_w, _ = signed_in_page(writer)
    page_w.goto("/")
    open_topics = page_w.locator("#open-topics")
    expect(open_topics).to_contain_text("Our new office")
    open_topics.get_by_role("link", name="Our new office").click()
    expect(page_w).to_have_url(topic_url)
    page_w.locator("#pick-up").click()
    expect(page_w).to_have_url(EDIT_URL)

    brief = page_w.locator("#topic-brief")
    expect(brief).to_be_visible()
    expect(brief.locator("strong")).to_have_text("why")
    expect(brief).to_contain_text("#NewOffice")
    expect(brief).to_contain_text("Job seekers")
    expect(brief.get_by_role("link", name="https://example.com/office")).to_be_visible()
    brief_box, body_box = brief.bounding_box(), page_w.locator("#body").bounding_box()
    assert brief_box and body_box and brief_box["x"] >= body_box["x"] + body_box["width"], "the brief sits beside the editor"

    page_w.locator("#title").fill("Why we moved")
    page_w.locator("#body").fill("More light, and **closer** to the station.")
    expect(page_w.locator("#preview-body strong")).to_have_text("closer")
    page_w.locator("#publish-button").click()
    expect(page_w).to_have_url(re.compile(r"/p/\d+/share$"))  # publishing lands on the share page
    page_w.get_by_role("link", name="Why we moved").click()
    expect(page_w).to_have_url(PUBLIC_URL)
    expect(page_w.locator("article.post h1")).to_have_text("Why we moved")

    page_w.goto(topic_url)
    listed = page_w.locator("#topic-posts")
    expect(listed.get_by_role("link", name="Why we moved")).to_be_visible()
    expect(listed).to_contain_text("Wes Writer")

    page_c.reload()
    expect(page_c.locator("#topic-posts")).to_contain_text("Why we moved")
