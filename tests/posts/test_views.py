"""The editor and post lifecycle over HTTP."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hub.posts import queries, services
from hub.posts.models import Post, PostStatus


@pytest.fixture
def author(auth, make_user):
    return auth.login(make_user())


def test_write_and_publish_in_one_step(client, author, session):
    response = client.post("/write", data={"title": "My first post", "body": "Hello **all**", "action": "publish"})
    assert response.status_code == 302
    location = response.headers["Location"]
    post = session.scalars(sa.select(Post)).one()
    assert location == f"/p/{post.id}/share"  # the author lands on the share page, not on the post
    share = client.get(location).get_data(as_text=True)
    assert "Published. Now share it" in share
    page = client.get(f"/p/{post.id}-my-first-post").get_data(as_text=True)
    assert "<strong>all</strong>" in page


def test_publishing_changes_of_a_live_post_lands_on_the_post(client, author, make_post):
    post = make_post(author=author, title="Live", body="one", publish=True)
    response = client.post(f"/posts/{post.id}/edit", data={"title": "Live", "body": "two", "action": "publish",
                                                          "base_revision_id": post.current_revision_id})
    assert response.status_code == 302 and response.headers["Location"].startswith(f"/p/{post.id}-")


def test_publish_without_title_marks_the_title_and_saves_nothing(client, author, session):
    response = client.post("/write", data={"title": "  ", "body": "Words I typed", "summary": "My summary",
                                           "action": "publish"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Words I typed" in html and "My summary" in html
    title = re.search(r"<input[^>]*id=\"title\"[^>]*>", html)
    assert title and 'aria-invalid="true"' in title.group(0) and "title-error" in title.group(0)
    assert 'id="title-error">Give the post a title before publishing.</p>' in html
    assert session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0  # no untitled draft piles up


def test_publishing_an_existing_draft_without_title_changes_nothing(client, author, make_post, session):
    post = make_post(author=author, title="Kept", body="first")
    response = client.post(f"/posts/{post.id}/edit", data={"title": "", "body": "second", "action": "publish",
                                                          "base_revision_id": post.current_revision_id})
    assert response.status_code == 200 and "Give the post a title before publishing." in response.get_data(as_text=True)
    session.expire_all()
    assert post.status == PostStatus.DRAFT and post.current_revision.title == "Kept"


def test_a_save_with_neither_title_nor_text_creates_nothing(client, author, session):
    response = client.post("/write", data={"title": "", "body": "  \n", "action": "save"})
    assert response.status_code == 200 and "an empty draft is not kept" in response.get_data(as_text=True)
    assert client.post("/write/autosave", data={"title": "", "body": ""}).status_code == 422
    assert session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


def test_over_long_fields_are_refused_with_a_clear_message_never_cut(client, author, session):
    long_title = "t" * 20_000
    response = client.post("/write", data={"title": long_title, "body": "keep me", "action": "publish"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and long_title in html and "keep me" in html
    assert "The title is too long: 20000 characters, 300 at most." in html
    assert session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0
    response = client.post("/write", data={"title": "Fine", "summary": "s" * 601, "action": "save"})
    assert "The summary is too long: 601 characters, 600 at most." in response.get_data(as_text=True)
    editor = client.get("/write").get_data(as_text=True)
    assert 'data-max="300"' in editor and 'data-max="600"' in editor
    assert "maxlength" not in re.search(r"<input[^>]*id=\"title\"[^>]*>", editor).group(0)  # the browser cuts nothing


@pytest.mark.parametrize("path", ["/", "/posts", "/colleagues"])
def test_a_very_long_search_gets_a_normal_page_and_a_message(client, author, path):
    response = client.get(path, query_string={"q": "a" * 5000})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A search is at most 200 characters: yours had 5,000" in html
    assert 'maxlength="200"' in html and f'value="{"a" * 200}"' in html
    plain = client.get(path, query_string={"q": "short"}).get_data(as_text=True)
    assert "A search is at most" not in plain


def test_validation_error_keeps_typed_text(client, author):
    response = client.post("/write", data={"title": "x" * 301, "body": "keep me", "action": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "keep me" in html and "300" in html


def test_stale_form_save_shows_both_texts_and_409(client, author, make_post, session):
    post = make_post(author=author, body="base")
    base = post.current_revision_id
    client.post(f"/posts/{post.id}/edit", data={"title": "t", "body": "from tab A", "base_revision_id": base, "action": "save"})
    response = client.post(f"/posts/{post.id}/edit", data={"title": "t", "body": "from tab B", "base_revision_id": base, "action": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="conflict-theirs">from tab A<' in html and 'id="conflict-mine">from tab B<' in html
    session.refresh(post)
    assert post.current_revision.body == "from tab A"


def test_autosave_creates_then_keeps_a_working_copy_and_detects_conflicts(client, author, session):
    first = client.post("/write/autosave", data={"title": "", "body": "draft one"}).get_json()
    assert first["number"] == 1 and first["edit_url"] == f"/posts/{first['post_id']}/edit"
    assert first["working_copy_token"] == ""
    second = client.post(first["autosave_url"], data={"title": "", "body": "draft two", "base_revision_id": first["revision_id"]})
    state = second.get_json()
    assert second.status_code == 200 and state["number"] == 1 and state["revision_id"] == first["revision_id"]
    assert state["working_copy_token"] and "not yet a revision" in state["saved_label"]
    third = client.post(first["autosave_url"], data={"title": "", "body": "draft three", "base_revision_id": first["revision_id"],
                                                     "working_copy_token": state["working_copy_token"]})
    assert third.status_code == 200 and third.get_json()["number"] == 1
    post = session.get(Post, first["post_id"])
    assert [r.body for r in queries.revisions(session, post)] == ["draft one"]  # no revision per pause in typing
    # another tab that never saw this working copy does not overwrite it
    other_tab = client.post(first["autosave_url"], data={"title": "", "body": "other tab", "base_revision_id": first["revision_id"]})
    assert other_tab.status_code == 409 and other_tab.get_json()["number"] == 1
    assert services.working_copy(session, post, author).body == "draft three"
    # a save on the base moves the post on: an autosave still on the old base is stale
    client.post(f"/posts/{post.id}/edit", data={"title": "", "body": "saved", "base_revision_id": first["revision_id"],
                                                "working_copy_token": third.get_json()["working_copy_token"]})
    stale = client.post(first["autosave_url"], data={"title": "", "body": "old base", "base_revision_id": first["revision_id"]})
    assert stale.status_code == 409 and stale.get_json()["number"] == 2


def test_reopening_the_editor_shows_the_working_copy_and_it_can_be_discarded(client, author, make_post, session):
    post = make_post(author=author, title="Kept title", body="Saved body.", tags="one, two")
    base = post.current_revision_id
    response = client.post(f"/posts/{post.id}/autosave", data={
        "title": "Kept title", "body": "Typed <b>later</b>.", "tags": "one, two, three", "base_revision_id": base})
    token = response.get_json()["working_copy_token"]

    page = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    assert "Typed &lt;b&gt;later&lt;/b&gt;." in page and "Saved body." not in page
    assert "one, two, three" in page
    assert 'id="working-copy"' in page and "Unsaved changes from" in page and "written on revision 1" in page
    assert f'value="{token}"' in page and f'name="base_revision_id" type="hidden" value="{base}"' in page

    response = client.post(f"/posts/{post.id}/working-copy/discard")
    assert response.status_code == 302 and response.headers["Location"] == f"/posts/{post.id}/edit"
    page = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    assert "Saved body." in page and 'id="working-copy"' not in page and "discarded" in page
    assert services.working_copy(session, post, author) is None
    assert len(queries.revisions(session, post)) == 1


def test_save_from_the_editor_turns_the_working_copy_into_a_revision(client, author, make_post, session):
    post = make_post(author=author, body="Saved body.")
    base = post.current_revision_id
    token = client.post(f"/posts/{post.id}/autosave", data={"title": "A post title", "body": "Typed.", "base_revision_id": base}
                        ).get_json()["working_copy_token"]
    response = client.post(f"/posts/{post.id}/edit", data={"title": "A post title", "body": "Typed and saved.",
                                                           "base_revision_id": base, "working_copy_token": token})
    assert response.status_code == 302
    session.refresh(post)
    assert post.current_revision.body == "Typed and saved."
    assert services.working_copy(session, post, author) is None
    assert 'id="working-copy"' not in client.get(f"/posts/{post.id}/edit").get_data(as_text=True)


def test_save_from_a_tab_that_never_saw_the_working_copy_shows_both(client, author, make_post, session):
    post = make_post(author=author, body="Saved body.")
    base = post.current_revision_id
    client.post(f"/posts/{post.id}/autosave", data={"title": "A post title", "body": "Typed in tab A.", "base_revision_id": base})
    response = client.post(f"/posts/{post.id}/edit", data={"title": "A post title", "body": "Typed in tab B.",
                                                           "base_revision_id": base, "working_copy_token": ""})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Unsaved changes from another tab or device" in page
    assert "Typed in tab A." in page and "Typed in tab B." in page
    copy = services.working_copy(session, post, author)
    assert copy.body == "Typed in tab A." and f'value="{copy.token}"' in page  # saving again keeps tab B's
    assert client.post(f"/posts/{post.id}/edit", data={"title": "A post title", "body": "Typed in tab B.",
                                                       "base_revision_id": base, "working_copy_token": copy.token}).status_code == 302
    session.refresh(post)
    assert post.current_revision.body == "Typed in tab B."


def test_only_the_author_discards(client, auth, make_user, make_post):
    post = make_post()
    auth.login(make_user(role="admin"))
    assert client.post(f"/posts/{post.id}/working-copy/discard").status_code == 403


def test_preview_uses_the_publishing_renderer(client, author):
    data = client.post("/posts/preview", data={"body": "# Head\n\n<script>alert(1)</script> **b**"}).get_json()
    assert "<h2>Head</h2>" in data["html"] and "<strong>b</strong>" in data["html"]
    assert "<script>" not in data["html"]
    assert data["words"] == 6 and data["minutes"] == 1  # the script tag is shown as text: its words count


def test_someone_elses_post_is_forbidden(client, author, make_post):
    post = make_post(publish=True)
    assert client.get(f"/posts/{post.id}/edit").status_code == 403
    assert client.post(f"/posts/{post.id}/edit", data={"title": "x", "body": "y"}).status_code == 403
    assert client.post(f"/posts/{post.id}/autosave", data={"title": "x", "body": "y"}).status_code == 403
    assert client.post(f"/posts/{post.id}/unpublish").status_code == 403
    assert client.get(f"/posts/{post.id}/revisions").status_code == 403
    assert client.get(f"/posts/{post.id}/takedown").status_code == 403


def test_lifecycle_buttons(client, author, make_post, session):
    post = make_post(author=author)
    assert client.post(f"/posts/{post.id}/publish").status_code == 302
    session.refresh(post)
    assert post.status == PostStatus.PUBLISHED
    client.post(f"/posts/{post.id}/unpublish")
    client.post(f"/posts/{post.id}/archive")
    session.refresh(post)
    assert post.status == PostStatus.ARCHIVED
    assert "A post title" in client.get("/posts?archived=1").get_data(as_text=True)
    assert "A post title" not in client.get("/posts").get_data(as_text=True)


def _schedule(client, post, publish_at, time_zone=None):
    data = {"title": "A post title", "body": "Some *body* text.", "base_revision_id": post.current_revision_id,
            "action": "schedule", "publish_at": publish_at}
    if time_zone is not None:
        data["time_zone"] = time_zone
    return client.post(f"/posts/{post.id}/edit", data=data)


@pytest.mark.parametrize(("publish_at", "time_zone", "expected"), [
    # typed in November (CET, +1) for a date after the March change (CEST, +2): that date's offset
    ("2098-03-31T09:00", "Europe/Stockholm", "2098-03-31T07:00:00+00:00"),
    ("2098-03-29T09:00", "Europe/Stockholm", "2098-03-29T08:00:00+00:00"),
    ("2098-10-26T02:30", "Europe/Stockholm", "2098-10-26T00:30:00+00:00"),  # happens twice: the first
    ("2098-03-10T09:00", "America/New_York", "2098-03-10T13:00:00+00:00"),
    ("2098-11-03T09:00", "America/New_York", "2098-11-03T14:00:00+00:00"),
])
def test_schedule_from_the_editor_in_the_browsers_zone(client, author, make_post, session, publish_at, time_zone,
                                                       expected):
    post = make_post(author=author)
    response = _schedule(client, post, publish_at, time_zone)
    assert response.status_code == 302
    session.refresh(post)
    session.refresh(author)
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_for.isoformat() == expected
    assert author.time_zone == time_zone  # remembered as the default for next time
    assert f"({time_zone})" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_schedule_without_a_valid_browser_zone_uses_the_saved_zone_then_utc(client, author, make_post, session):
    post = make_post(author=author)
    assert _schedule(client, post, "2098-07-01T09:00", "Not/AZone").status_code == 302
    session.refresh(post)
    assert post.scheduled_for.isoformat() == "2098-07-01T09:00:00+00:00"  # nothing saved yet: UTC
    session.refresh(author)
    assert author.time_zone == ""  # an unknown name is never saved

    author.time_zone = "America/New_York"
    session.commit()
    other = make_post(author=author)
    assert _schedule(client, other, "2098-07-01T09:00").status_code == 302
    session.refresh(other)
    assert other.scheduled_for.isoformat() == "2098-07-01T13:00:00+00:00"  # EDT from the saved zone


@pytest.mark.parametrize(("publish_at", "time_zone"), [
    ("2098-03-30T02:30", "Europe/Stockholm"), ("2098-03-09T02:30", "America/New_York")])
def test_scheduling_a_time_the_clocks_skip_says_so_and_keeps_the_draft(client, author, make_post, session,
                                                                      publish_at, time_zone):
    post = make_post(author=author)
    response = _schedule(client, post, publish_at, time_zone)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft saved, but not scheduled" in page
    assert f"does not exist in {time_zone}" in page
    session.refresh(post)
    assert post.status == PostStatus.DRAFT and post.scheduled_for is None


def test_takedown_by_comms_is_shown_to_the_author(client, auth, make_user, make_post, session):
    post = make_post(title="Risky", publish=True)
    auth.login(make_user(role="comms"))
    assert client.post(f"/posts/{post.id}/takedown", data={"reason": ""}).status_code == 200
    assert client.post(f"/posts/{post.id}/takedown", data={"reason": "Customer name"}).status_code == 302
    assert client.get(f"/p/{post.id}-risky").status_code == 200  # comms still sees it, marked
    auth.login(post.author)
    assert "Taken down: Customer name" in client.get("/posts").get_data(as_text=True)
    assert "Customer name" in client.get(f"/posts/{post.id}/edit").get_data(as_text=True)


def test_revisions_compare_and_restore(client, author, make_post, session):
    post = make_post(author=author, body="line one\nline two")
    client.post(f"/posts/{post.id}/edit", data={"title": "A post title", "body": "line one\nline 2", "base_revision_id": post.current_revision_id})
    page = client.get(f"/posts/{post.id}/revisions").get_data(as_text=True)
    assert "#2" in page and "#1" in page
    diff = client.get(f"/posts/{post.id}/compare?a=1&b=2").get_data(as_text=True)
    assert "<del>two</del>" in diff and "<ins>2</ins>" in diff
    assert diff.count("No change.") == 4  # title, summary, key point and tags did not change
    assert client.get(f"/posts/{post.id}/revisions/1").status_code == 200
    session.refresh(post)
    response = client.post(f"/posts/{post.id}/revisions/1/restore", data={"base_revision_id": post.current_revision_id})
    assert response.status_code == 302
    session.refresh(post)
    assert post.current_revision.number == 3 and post.current_revision.body == "line one\nline two"


def test_my_posts_and_colleagues_feed_with_search(client, author, make_post):
    make_post(author=author, title="Mine about kafka")
    make_post(title="Colleague on kafka", publish=True)
    make_post(title="Colleague draft kafka")
    mine = client.get("/posts?q=kafka").get_data(as_text=True)
    assert "Mine about kafka" in mine and "Colleague on kafka" not in mine
    feed = client.get("/colleagues?q=kafka").get_data(as_text=True)
    assert "Colleague on kafka" in feed and "Colleague draft" not in feed


def test_new_post_requires_sign_in(client):
    response = client.get("/write")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_comms_may_review_history_but_not_edit(client, auth, make_user, make_post):
    post = make_post(title="Reviewed")
    auth.login(make_user(role="comms"))
    assert client.get(f"/posts/{post.id}/revisions").status_code == 200
    assert client.get(f"/posts/{post.id}/compare?a=1&b=1").status_code == 200
    assert client.get(f"/posts/{post.id}/edit").status_code == 403
    assert client.post(f"/posts/{post.id}/revisions/1/restore").status_code == 403


@pytest.mark.parametrize("action, publish_at, refused", [
    ("schedule", "2001-01-01T09:00", "Draft saved, but not scheduled"),
    ("schedule", "", "Draft saved, but not scheduled"),
])
def test_a_refused_action_still_saves_the_draft(client, author, make_post, session, action, publish_at, refused):
    post = make_post(author=author)
    response = client.post(f"/posts/{post.id}/edit", data={
        "title": "A post title", "body": "What I typed must survive.", "base_revision_id": post.current_revision_id,
        "action": action, "publish_at": publish_at, "tz_offset": "0"})
    assert response.status_code == 302
    assert refused in client.get(response.headers["Location"]).get_data(as_text=True)
    session.refresh(post)
    assert post.status == PostStatus.DRAFT
    assert post.current_revision.body == "What I typed must survive."


def test_requests_publish_due_posts_in_their_own_unit_of_work(app, client, make_post, session, monkeypatch):
    from datetime import timedelta

    from hub.db import utcnow
    from hub.posts import services, views

    post = make_post(title="Due")
    services.schedule_post(session, post, post.author, utcnow() + timedelta(hours=1))
    post.scheduled_for = utcnow() - timedelta(minutes=1)  # its time has come
    session.commit()
    app.config["PUBLISH_DUE_ON_REQUEST"] = True
    monkeypatch.setattr(views, "_last_due_check", 0.0)
    assert client.get("/p/999999").status_code == 404  # the request fails: the publishing stands
    session.refresh(post)
    assert post.status == PostStatus.PUBLISHED


@pytest.mark.parametrize("language, revision_note, event_note", [
    ("en", "restore: Restored from revision 1", "from revision 1"),
    ("sv", "återställd: Återställd från version 1", "från version 1"),
    ("de", "wiederhergestellt: Aus Version 1 wiederhergestellt", "aus Version 1"),
])
def test_the_history_says_what_hub_did_in_the_readers_language(client, author, make_post, make_user, auth, session,
                                                               language, revision_note, event_note):
    post = make_post(author=author, body="one", publish=True)
    client.post(f"/posts/{post.id}/edit", data={"title": "A post title", "body": "two",
                                               "base_revision_id": post.current_revision_id})
    session.refresh(post)
    client.post(f"/posts/{post.id}/revisions/1/restore", data={"base_revision_id": post.current_revision_id})
    auth.login(make_user(role="comms"))
    client.post(f"/posts/{post.id}/takedown", data={"reason": "Names a customer without consent"})
    page = client.get(f"/posts/{post.id}/revisions", headers={"Accept-Language": language}).get_data(as_text=True)
    assert f"<td>{revision_note}</td>" in page
    assert f"</bdi>: {event_note}</li>" in page
    assert "</bdi>: Names a customer without consent</li>" in page  # what a person typed stays as typed
