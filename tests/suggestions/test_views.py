"""Suggestions and notifications over HTTP: status, redirects, what pages show, CSRF."""

from __future__ import annotations

import re

import pytest

from hub.posts import services as posts
from hub.posts.services import PostInput
from hub.suggestions import services
from hub.suggestions.models import Suggestion, SuggestionKind, SuggestionState
from hub.suggestions.services import SuggestionInput

BODY = "We ship on Fridy.\n\nOur team is small.\n"


@pytest.fixture
def author(make_user):
    return make_user(name="Ada Author")


@pytest.fixture
def colleague(make_user):
    return make_user(name="Cole League")


@pytest.fixture
def post(make_post, author):
    return make_post(author=author, title="Shipping", body=BODY, publish=True)


def suggest(session, post, who, body=BODY.replace("Fridy", "Friday")):
    rev = post.live_revision
    s = services.submit_suggestion(session, post, who, SuggestionInput(SuggestionKind.EDIT, rev.id, "typo", title=rev.title,
                                                                       summary=rev.summary, body=body))
    session.commit()
    return s


def test_colleague_proposes_an_edit_and_sees_the_diff(client, auth, post, colleague, session):
    auth.login(colleague)
    page = client.get(f"/posts/{post.id}/suggestions/edit").get_data(as_text=True)
    assert 'value="Shipping"' in page and "We ship on Fridy." in page
    response = client.post(f"/posts/{post.id}/suggestions/edit", data={
        "title": "Shipping", "summary": "", "body": BODY.replace("Fridy", "Friday"), "message": "typo",
        "base_revision_id": post.live_revision_id})
    assert response.status_code == 302
    assert re.fullmatch(r"/suggestions/\d+", response.headers["Location"])
    thread = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<del>Fridy</del>" in thread and "<ins>Friday</ins>" in thread
    assert 'id="accept-publish"' not in thread  # only the author decides
    assert "Edit suggested" in thread


def test_an_unchanged_edit_keeps_the_form(client, auth, post, colleague):
    auth.login(colleague)
    response = client.post(f"/posts/{post.id}/suggestions/edit", data={
        "title": "Shipping", "summary": "", "body": BODY, "base_revision_id": post.live_revision_id})
    assert response.status_code == 200 and "Change something" in response.get_data(as_text=True)


def test_author_accepts_and_publishes_from_the_thread(client, auth, post, colleague, author, session):
    s = suggest(session, post, colleague)
    auth.login(author)
    page = client.get(f"/suggestions/{s.id}").get_data(as_text=True)
    assert 'id="accept-publish"' in page and 'id="decline-button"' in page
    response = client.post(f"/suggestions/{s.id}/accept", data={"publish": "1"})
    assert response.status_code == 302 and response.headers["Location"].startswith(f"/p/{post.id}-")
    assert "We ship on Friday." in client.get(response.headers["Location"]).get_data(as_text=True)
    history = client.get(f"/posts/{post.id}/revisions").get_data(as_text=True)
    assert "Suggestion by <bdi>Cole League</bdi> accepted by <bdi>Ada Author</bdi>" in history


@pytest.mark.parametrize("role", ["employee", "comms", "admin"])
def test_others_cannot_accept_decline_or_merge(client, auth, post, colleague, make_user, session, role):
    s = suggest(session, post, colleague)
    auth.login(make_user(role=role))
    assert client.post(f"/suggestions/{s.id}/accept", data={"publish": "1"}).status_code == 403
    assert client.post(f"/suggestions/{s.id}/decline", data={"note": "no"}).status_code == 403
    assert client.get(f"/suggestions/{s.id}/merge").status_code == 403
    session.refresh(s)
    assert s.state == SuggestionState.OPEN


def test_overlapping_changes_go_to_the_hand_merge(client, auth, post, colleague, author, session):
    s = suggest(session, post, colleague)
    rev = post.current_revision
    posts.save_revision(session, post, author, PostInput(rev.title, "", BODY.replace("Fridy", "Thursdays")), base_revision_id=rev.id)
    session.commit()
    auth.login(author)
    response = client.post(f"/suggestions/{s.id}/accept", data={"publish": "0"})
    assert response.headers["Location"] == f"/suggestions/{s.id}/merge"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt; current text" in page and 'id="merge-body-theirs"' in page
    base = str(post.current_revision_id)
    kept = client.post(f"/suggestions/{s.id}/merge", data={
        "title": "Shipping", "summary": "", "body": "<<<<<<< current text\nx\n=======\ny\n>>>>>>> suggestion\n",
        "base_revision_id": base, "publish": "0"})
    assert kept.status_code == 200 and "Settle the conflict" in kept.get_data(as_text=True)
    done = client.post(f"/suggestions/{s.id}/merge", data={
        "title": "Shipping", "summary": "", "body": "We ship on Thursdays and Fridays.\n", "base_revision_id": base, "publish": "0"})
    assert done.headers["Location"] == f"/posts/{post.id}/edit"
    session.refresh(post)
    assert post.current_revision.body == "We ship on Thursdays and Fridays.\n"
    assert post.current_revision.created_by_id == colleague.id


@pytest.mark.parametrize("what", ["comment", "declined edit"])
def test_only_open_edits_have_a_merge_page(client, auth, post, colleague, author, session, what):
    if what == "comment":
        s = services.submit_suggestion(session, post, colleague, SuggestionInput(SuggestionKind.COMMENT, None, "Nice"))
    else:
        s = suggest(session, post, colleague)
        services.decline_suggestion(session, s, author)
    session.commit()
    auth.login(author)
    for response in (client.get(f"/suggestions/{s.id}/merge"),
                     client.post(f"/suggestions/{s.id}/merge", data={"title": "", "summary": "", "body": "", "publish": "0"})):
        assert response.status_code == 302 and response.headers["Location"] == f"/suggestions/{s.id}"
    assert post.current_revision.body == BODY


def test_comment_reply_decline_resolve(client, auth, post, colleague, author, session):
    auth.login(colleague)
    response = client.post(f"/posts/{post.id}/suggestions/comment", data={"quote": "ship on Fridy", "message": "Which Friday?"})
    sid = int(response.headers["Location"].rsplit("/", 1)[1])
    bad = client.post(f"/posts/{post.id}/suggestions/comment", data={"quote": "nowhere in it", "message": "?"})
    assert bad.status_code == 422 and "not in the post" in bad.get_data(as_text=True)
    auth.login(author)
    assert client.post(f"/suggestions/{sid}/reply", data={"body": "Every Friday."}).status_code == 302
    page = client.get(f"/suggestions/{sid}").get_data(as_text=True)
    assert "Which Friday?" in page and "Every Friday." in page and "ship on Fridy" in page
    assert client.post(f"/suggestions/{sid}/resolve").status_code == 302
    assert session.get(Suggestion, sid).state == SuggestionState.RESOLVED
    edit = suggest(session, post, colleague)
    client.post(f"/suggestions/{edit.id}/decline", data={"note": "I like my typo"})
    auth.login(colleague)
    assert "I like my typo" in client.get(f"/suggestions/{edit.id}").get_data(as_text=True)


def test_private_drafts_are_not_found_for_colleagues(client, auth, make_post, author, colleague):
    draft = make_post(author=author, title="Secret draft")
    auth.login(colleague)
    assert client.get(f"/posts/{draft.id}/suggestions").status_code == 404
    assert client.post(f"/posts/{draft.id}/feedback", data={"open": "1"}).status_code == 403
    assert "Secret draft" not in client.get("/colleagues/drafts").get_data(as_text=True)
    auth.login(author)
    assert client.post(f"/posts/{draft.id}/feedback", data={"open": "1"}).headers["Location"] == f"/posts/{draft.id}/edit"
    auth.login(colleague)
    assert client.get(f"/posts/{draft.id}/suggestions").status_code == 200
    assert "Secret draft" in client.get("/colleagues/drafts").get_data(as_text=True)


def test_notifications_badge_list_open_and_mark_read(client, auth, post, colleague, author, session):
    s = suggest(session, post, colleague)
    suggest(session, post, colleague, body="Another.\n")
    auth.login(author)
    home = client.get("/").get_data(as_text=True)
    assert '<span class="count-badge" id="notification-count">2</span>' in home
    listing = client.get("/notifications").get_data(as_text=True)
    assert listing.count("Cole League suggested an edit to “Shipping”") == 2
    ids = [int(i) for i in re.findall(r"/notifications/(\d+)/open", listing)]
    opened = client.post(f"/notifications/{ids[-1]}/open")
    assert opened.headers["Location"] == f"/suggestions/{s.id}"
    assert 'id="notification-count">1<' in client.get("/notifications").get_data(as_text=True)
    client.post("/notifications/read")
    assert 'id="notification-count"' not in client.get("/notifications").get_data(as_text=True)
    auth.login(colleague)
    assert client.post(f"/notifications/{ids[0]}/open").status_code == 404  # not theirs


def test_post_page_shows_open_suggestions_to_colleagues_only(client, auth, post, colleague, session):
    suggest(session, post, colleague)
    anonymous = client.get(f"/p/{post.id}-{post.slug}").get_data(as_text=True)
    assert "open suggestion" not in anonymous
    auth.login(colleague)
    page = client.get(f"/p/{post.id}-{post.slug}").get_data(as_text=True)
    assert "1 open suggestion" in page and 'id="suggest-edit"' in page


def test_my_posts_badges_open_suggestions(client, auth, post, colleague, author, session):
    suggest(session, post, colleague)
    auth.login(author)
    assert "1 open suggestion" in client.get("/posts").get_data(as_text=True)


def test_profile_switches_the_digest_on(client, auth, author, session):
    auth.login(author)
    response = client.post("/profile", data={"display_name": "Ada Author", "digest_opt_in": "y"})
    assert response.status_code == 302
    session.refresh(author)
    assert author.digest_opt_in is True
    client.post("/profile", data={"display_name": "Ada Author"})
    session.refresh(author)
    assert author.digest_opt_in is False


def test_send_digests_mails_unread_notifications_once(app, runner, session, post, colleague, author):
    from pathlib import Path

    author.digest_opt_in = True
    colleague.digest_opt_in = True  # nothing unread: no mail
    session.commit()
    s = suggest(session, post, colleague)
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0 and "Sent 1 digest(s)." in result.output, result.output
    [mail] = (Path(app.instance_path) / "outbox").glob("*.eml")
    text = mail.read_text()
    assert "Cole League suggested an edit to" in text and f"http://hub.test/suggestions/{s.id}" in text
    assert "To: " + author.email in text
    assert "Sent 0 digest(s)." in runner.invoke(args=["send-digests"]).output


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_post_needs_a_token(self, client, auth, post, colleague, session):
        s = suggest(session, post, colleague)
        auth.login(post.author)
        for path in (f"/posts/{post.id}/suggestions/comment", f"/posts/{post.id}/suggestions/edit", f"/suggestions/{s.id}/reply",
                     f"/suggestions/{s.id}/accept", f"/suggestions/{s.id}/merge", f"/suggestions/{s.id}/decline",
                     f"/suggestions/{s.id}/resolve", f"/posts/{post.id}/feedback", "/notifications/read"):
            assert client.post(path, data={"publish": "1", "message": "x", "body": "x"}).status_code == 400, path
        session.refresh(s)
        assert s.is_open


@pytest.mark.parametrize("language, said", [
    ("sv", "Förslag från <bdi>Sly &lt;b&gt;Fox&lt;/b&gt; &amp; Co</bdi>, accepterat av <bdi>Ada Author</bdi>"),
    ("de", "Vorschlag von <bdi>Sly &lt;b&gt;Fox&lt;/b&gt; &amp; Co</bdi>, angenommen von <bdi>Ada Author</bdi>"),
])
def test_an_accepted_suggestion_is_told_in_the_readers_language_with_names_escaped(client, auth, post, author, make_user,
                                                                                  session, language, said):
    sly = make_user(name="Sly <b>Fox</b> & Co")
    s = suggest(session, post, sly)
    auth.login(author)
    assert client.post(f"/suggestions/{s.id}/accept", data={}).status_code == 302
    history = client.get(f"/posts/{post.id}/revisions", headers={"Accept-Language": language}).get_data(as_text=True)
    assert history.count(said) == 2  # the revision's note and the event's
    assert "<b>Fox</b>" not in history
