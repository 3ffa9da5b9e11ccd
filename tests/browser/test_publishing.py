"""The publishing journey in a real browser: sign up, write with live preview, publish, autosave,
conflicting edits in two tabs, injected script, and validation errors that keep what was typed."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from hub.posts import queries
from hub.posts.models import Post
from tests.browser.conftest import PASSWORD, record_dialogs

pytestmark = pytest.mark.browser

EDIT_URL = re.compile(r"/posts/(\d+)/edit$")
PUBLIC_URL = re.compile(r"/p/(\d+)-[a-z0-9-]+$")
SHARE_URL = re.compile(r"/p/(\d+)/share$")


def fresh(session: Any) -> None:
    """End the test's own transaction so it sees what the server's requests committed."""
    session.rollback()
    session.expire_all()


class PageActions:
    """Counts what a person does that loads a page: opening a URL or a click that navigates."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def goto(self, url: str) -> None:
        self.count += 1
        self.page.goto(url)

    def click(self, target: Locator, lands_on: re.Pattern[str]) -> None:
        self.count += 1
        target.click()
        expect(self.page).to_have_url(lands_on)


def save_draft(page: Page) -> Locator:
    return page.get_by_role("button", name="Save draft", exact=True)


# 1 ------------------------------------------------------------------------------------------------

def test_sign_up_write_with_live_preview_publish_in_at_most_five_page_actions(new_page, session):
    page = new_page()
    dialogs = record_dialogs(page)
    actions = PageActions(page)

    actions.goto("/signup")
    page.locator("#display_name").fill("Ada Newcomer")
    page.locator("#email").fill("ada.newcomer@example.com")
    page.locator("#password").fill("a fine long password")
    actions.click(page.get_by_role("button", name="Create account"), lands_on=re.compile(r"/write$"))
    expect(page.locator(".flash-success")).to_contain_text("Welcome")

    page.locator("#title").fill("What I learned in week one")
    page.locator("#body").fill("Hello **world**\n\n- one\n- two")
    preview = page.locator("#preview-body")
    expect(preview.locator("strong")).to_have_text("world")  # rendered by the server, not echoed
    expect(preview.locator("li")).to_have_text(["one", "two"])
    expect(preview).not_to_contain_text("**")
    expect(page.locator("#word-count")).to_have_text("4 words")
    expect(page.locator("#preview-title")).to_have_text("What I learned in week one")
    expect(page.locator("#cover-remove")).to_be_hidden()  # no cover yet: nothing to remove
    expect(page.locator("#autosave-conflict")).to_be_hidden()
    page.screenshot(path="/tmp/editor.png", full_page=True)

    actions.click(page.locator("#publish-button"), lands_on=SHARE_URL)  # straight to sharing it
    expect(page.locator(".flash-success")).to_have_text("Published. Now share it")
    expect(page.locator("#link-preview")).to_contain_text("What I learned in week one")
    public_url = page.get_by_role("link", name="What I learned in week one").get_attribute("href") or ""
    page.goto(public_url)
    expect(page.locator("article.post h1")).to_have_text("What I learned in week one")
    expect(page.locator(".post-body strong")).to_have_text("world")
    expect(page.locator(".post-body li")).to_have_text(["one", "two"])
    expect(page.locator(".byline")).to_contain_text("Ada Newcomer")

    assert actions.count == 3, actions.count  # open sign-up, create account, publish
    assert actions.count <= 5, "acceptance: sign-up page to a published public post in at most five page actions"
    assert dialogs == []

    visitor = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    response = visitor.goto(public_url)
    assert response is not None and response.status == 200
    expect(visitor.locator("article.post h1")).to_have_text("What I learned in week one")
    expect(visitor.locator(".post-body strong")).to_have_text("world")
    expect(visitor.locator(".post-body li")).to_have_text(["one", "two"])
    expect(visitor.get_by_role("link", name="Sign in")).to_be_visible()  # really anonymous
    visitor.screenshot(path="/tmp/post-phone.png", full_page=True)

    fresh(session)
    post_id = int(PUBLIC_URL.search(public_url).group(1))  # type: ignore[union-attr]
    post = session.get(Post, post_id)
    assert post is not None and post.is_public and post.author.email == "ada.newcomer@example.com"


# 2 ------------------------------------------------------------------------------------------------

def test_autosave_keeps_a_new_draft_across_a_reload(signed_in_page, session):
    page, _user = signed_in_page()
    page.goto("/write")
    expect(page.locator("#save-state")).to_have_text("Not saved yet")
    page.locator("#title").fill("Notes from the offsite")
    page.locator("#body").fill("Autosaved *text* that must survive a reload.")

    expect(page.locator("#save-state")).to_contain_text("Saved revision 1")
    expect(page).to_have_url(EDIT_URL)  # history.replaceState moved us onto the new post
    edit_url = page.url

    page.reload()
    expect(page).to_have_url(edit_url)
    expect(page.locator("#title")).to_have_value("Notes from the offsite")
    expect(page.locator("#body")).to_have_value("Autosaved *text* that must survive a reload.")
    expect(page.locator("#save-state")).to_have_text("Saved revision 1")
    expect(page.locator("#preview-body em")).to_have_text("text")

    fresh(session)
    post = session.get(Post, int(EDIT_URL.search(edit_url).group(1)))  # type: ignore[union-attr]
    assert post is not None and post.current_revision.body == "Autosaved *text* that must survive a reload."


def test_autosave_keeps_unsaved_changes_without_a_revision_and_they_can_be_discarded(signed_in_page, make_post, session):
    page, user = signed_in_page()
    post = make_post(author=user, title="Weekly notes", body="The saved body.")
    post_id = post.id
    fresh(session)
    page.goto(f"/posts/{post_id}/edit")
    page.locator("#body").fill("Typed after the save, *not* yet a revision.")
    expect(page.locator("#save-state")).to_contain_text("Changes kept (not yet a revision; on revision 1)")

    page.reload()  # reopening the editor shows the working copy, and says so
    expect(page.locator("#body")).to_have_value("Typed after the save, *not* yet a revision.")
    expect(page.locator("#working-copy")).to_contain_text("unsaved changes from")
    expect(page.locator("#save-state")).to_contain_text("Unsaved changes from")
    expect(page.locator("#preview-body em")).to_have_text("not")
    fresh(session)
    assert [r.body for r in queries.revisions(session, session.get(Post, post_id))] == ["The saved body."]

    page.locator("#body").fill("Typed after the save, and more.")  # autosave goes on from the reopened copy
    expect(page.locator("#save-state")).to_contain_text("Changes kept")
    expect(page.locator("#autosave-conflict")).to_be_hidden()
    page.locator("#discard-working-copy-button").click()
    expect(page.locator(".flash-success")).to_contain_text("Unsaved changes discarded")
    expect(page.locator("#body")).to_have_value("The saved body.")
    expect(page.locator("#working-copy")).to_have_count(0)


def test_scheduling_uses_the_browsers_time_zone_for_that_date(signed_in_page, make_post, session):
    page, user = signed_in_page(timezone_id="Europe/Stockholm")
    post = make_post(author=user, title="Spring post", body="Body.")
    post_id = post.id
    page.goto(f"/posts/{post_id}/edit")
    expect(page.locator("#time_zone")).to_have_value("Europe/Stockholm")
    page.locator("summary", has_text="Schedule for later").click()
    page.locator("#publish_at").fill("2098-03-31T09:00")  # after the spring change: CEST, UTC+2
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Scheduled for 2098-03-31 09:00 (Europe/Stockholm)")
    fresh(session)
    scheduled = session.get(Post, post_id)
    assert scheduled is not None and scheduled.scheduled_for.isoformat() == "2098-03-31T07:00:00+00:00"


# 3 ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("found_by", ["save-button", "autosave"])
def test_stale_edit_in_a_second_tab_shows_the_conflict_and_loses_nothing(found_by, signed_in_page, make_post, session):
    """Tab B edits on an old base revision. The conflict is found either by pressing Save draft
    (the server answers with the conflict page) or by autosave first (a notice, autosave paused,
    then "Compare and choose"); both branches are driven explicitly."""
    page_a, user = signed_in_page()
    post = make_post(author=user, title="Team update", body="The original body.")
    post_id = post.id
    fresh(session)
    edit = f"/posts/{post_id}/edit"
    page_b = page_a.context.new_page()
    page_a.goto(edit)
    page_b.goto(edit)
    for page in (page_a, page_b):
        expect(page.locator("#body")).to_have_value("The original body.")

    text_a = "Tab A rewrote the body."
    text_b = "Tab B wrote something else entirely."

    page_a.locator("#body").fill(text_a)
    save_draft(page_a).click()
    expect(page_a.locator(".flash-success")).to_have_text("Draft saved.")
    expect(page_a.locator("#body")).to_have_value(text_a)

    page_b.bring_to_front()
    page_b.locator("#body").fill(text_b)
    if found_by == "autosave":
        notice = page_b.locator("#autosave-conflict")
        expect(notice).to_be_visible()
        expect(page_b.locator("#save-state")).to_have_text("Not saved: changed elsewhere")
        expect(page_b.locator("#body")).to_have_value(text_b)
        notice.get_by_role("button", name="Compare and choose").click()
    else:
        save_draft(page_b).click()

    conflict = page_b.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(page_b.locator("#conflict-theirs")).to_contain_text(text_a)
    expect(page_b.locator("#conflict-mine")).to_contain_text(text_b)
    expect(page_b.locator("#body")).to_have_value(text_b)
    expect(page_b.locator("#autosave-conflict")).to_be_hidden()

    save_draft(page_b).click()  # keep mine
    expect(page_b.locator(".flash-success")).to_have_text("Draft saved.")
    expect(page_b.locator("#conflict")).to_have_count(0)
    expect(page_b.locator("#body")).to_have_value(text_b)

    fresh(session)
    post = session.get(Post, post_id)
    assert post is not None
    bodies = [rev.body for rev in queries.revisions(session, post)]  # newest first
    assert bodies[0] == text_b
    assert text_a in bodies[1:], bodies
    assert bodies[-1] == "The original body."


# 4 ------------------------------------------------------------------------------------------------

XSS_TITLE = 'Hi </script><script>window.__xss=1</script><img src=x onerror="window.__xss=1"><svg onload=alert(1)>'
XSS_BODY = (
    "<script>window.__xss=1</script>\n\n"
    '<img src=x onerror="window.__xss=1">\n\n'
    "[x](javascript:window.__xss=1)\n\n"
    "[y](JaVaScRiPt:alert(1)) and <svg onload=alert(1)></svg>\n\n"
    '![z](x" onerror="window.__xss=1)\n\n'
    "Plain words after the payloads."
)


def assert_no_script_ran(page: Page, dialogs: list[str]) -> None:
    # every image has settled (failed loads fire their error handlers first)
    page.wait_for_function("Array.from(document.images).every(function (i) { return i.complete; })")
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    for selector in ("main script", "[onerror]", "[onload]", "a[href^='javascript:' i]", "iframe", "object", "embed"):
        assert page.locator(selector).count() == 0, selector


def prove_handlers_would_run(page: Page) -> None:
    """A control: in this context an unsanitized handler does run, so the checks above can fail."""
    page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<img src="x-probe" onerror="window.__probe=1">')""")
    page.wait_for_function("window.__probe === 1")


def test_injected_script_never_runs(new_page, signed_in_page, make_user, make_post, session):
    author = make_user(password=PASSWORD)
    post = make_post(author=author, title=XSS_TITLE, body=XSS_BODY, publish=True)
    public = f"/p/{post.id}-{post.slug}"
    post_id = post.id
    fresh(session)

    # as served (with the Content-Security-Policy) and with CSP bypassed, so that the sanitizer
    # alone is tested: CSP is a second wall, not the reason the payload is harmless
    for context_kwargs in ({}, {"bypass_csp": True}):
        page = new_page(**context_kwargs)
        dialogs = record_dialogs(page)
        response = page.goto(public)
        assert response is not None and response.status == 200
        assert_no_script_ran(page, dialogs)
        expect(page.locator("article.post h1")).to_contain_text("<script>window.__xss=1</script>")  # shown as text
        expect(page.locator(".post-body")).to_contain_text("Plain words after the payloads.")
        expect(page.locator(".post-body")).to_contain_text("<img src=x onerror=")
        if context_kwargs:
            prove_handlers_would_run(page)

    page, _ = signed_in_page(author, bypass_csp=True)
    dialogs = record_dialogs(page)
    page.goto(f"/posts/{post_id}/edit")
    expect(page.locator("#title")).to_have_value(XSS_TITLE)
    expect(page.locator("#preview-title")).to_have_text(XSS_TITLE)
    expect(page.locator("#word-count")).not_to_have_text("0 words")  # the live preview came back
    assert_no_script_ran(page, dialogs)
    expect(page.locator("#preview-body")).to_contain_text("Plain words after the payloads.")

    # typing a fresh payload goes through the same live preview
    page.locator("#body").fill('<img src=x onerror="window.__xss=1"> typed **now**')
    expect(page.locator("#preview-body strong")).to_have_text("now")
    assert_no_script_ran(page, dialogs)
    expect(page.locator("#preview-body")).to_contain_text('<img src=x onerror="window.__xss=1"> typed')
    prove_handlers_would_run(page)


# 5 ------------------------------------------------------------------------------------------------

def test_validation_error_keeps_what_was_typed(signed_in_page, session):
    page, _ = signed_in_page()
    page.goto("/write")
    body = "A body I spent a while on.\n\nIt must not be lost."
    page.locator("#body").fill(body)

    too_long = "T" * 301
    title = page.locator("#title")
    title.fill(too_long)
    expect(title).to_have_value(too_long)  # no maxlength: the browser never cuts a paste silently
    expect(page.locator("#title-count")).to_contain_text("301 / 300: too long by 1")  # the counter says so

    save_draft(page).click()
    field = page.locator(".field.has-error", has=page.locator("#title"))
    expect(field.locator(".error")).to_contain_text("300")
    expect(page).to_have_url(re.compile(r"/write$"))
    expect(page.locator("#body")).to_have_value(body)
    expect(page.locator("#title")).to_have_value(too_long)
    expect(page.locator("#title")).to_have_attribute("aria-invalid", "true")

    fresh(session)
    assert session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0
