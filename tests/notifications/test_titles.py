"""Notifications name a post by what their recipient may see (issue 14: a colleague's list showed
the title an author gave their post in private, after unpublishing it)."""

from __future__ import annotations

from hub.posts import services as posts
from hub.posts.services import PostInput
from hub.notifications import queries
from hub.notifications.models import Notification
from hub.suggestions import services
from hub.suggestions.models import SuggestionKind
from hub.suggestions.services import SuggestionInput

SECRET = "Secret merger with Acme"


def _conversation(session, make_user, make_post):  # type: ignore[no-untyped-def]
    maria, jonas = make_user(name="Maria"), make_user(name="Jonas")
    post = make_post(author=maria, title="Our new office", publish=True)
    comment = services.submit_suggestion(session, post, jonas, SuggestionInput(
        SuggestionKind.COMMENT, post.live_revision_id, "Lovely photos"))
    services.reply(session, comment, maria, "Thanks!")
    session.commit()
    return maria, jonas, post


def _retitle_in_private(session, post, author):  # type: ignore[no-untyped-def]
    posts.unpublish_post(session, post, author)
    posts.save_revision(session, post, author, PostInput(SECRET, "", "Draft body"), base_revision_id=post.current_revision_id)
    session.commit()


def _texts(session, user) -> list[str]:  # type: ignore[no-untyped-def]
    return [queries.describe(n) for n in queries.notifications(session, user)]


def test_a_colleagues_notification_never_shows_a_private_drafts_new_title(client, auth, session, make_user, make_post):
    maria, jonas, post = _conversation(session, make_user, make_post)
    assert any("“Our new office”" in t for t in _texts(session, jonas))
    _retitle_in_private(session, post, maria)
    session.expire_all()
    texts = _texts(session, jonas)
    assert texts and not any(SECRET in t for t in texts), texts
    assert any("a post that is not public now" in t for t in texts)
    auth.login(jonas)
    page = client.get("/notifications").get_data(as_text=True)
    assert SECRET not in page
    assert "a post that is not public now" in page


def test_the_author_sees_the_newest_title_of_their_own_post(session, make_user, make_post):
    maria, _jonas, post = _conversation(session, make_user, make_post)
    _retitle_in_private(session, post, maria)
    session.expire_all()
    assert any(f"“{SECRET}”" in t for t in _texts(session, maria))


def test_a_published_post_is_named_by_its_live_title_not_unpublished_changes(session, make_user, make_post):
    maria, jonas, post = _conversation(session, make_user, make_post)
    posts.save_revision(session, post, maria, PostInput(SECRET, "", "Draft body"), base_revision_id=post.current_revision_id)
    session.commit()
    session.expire_all()
    texts = _texts(session, jonas)
    assert any("“Our new office”" in t for t in texts)
    assert not any(SECRET in t for t in texts)


def test_a_draft_opened_for_feedback_is_named_by_the_title_colleagues_see(session, make_user, make_post):
    maria, jonas = make_user(), make_user()
    post = make_post(author=maria, title="Draft for feedback")
    services.set_open_for_feedback(session, post, maria, True)
    comment = services.submit_suggestion(session, post, jonas, SuggestionInput(
        SuggestionKind.COMMENT, post.current_revision_id, "Nice"))
    services.reply(session, comment, maria, "Thanks!")
    session.commit()
    assert session.query(Notification).filter_by(user_id=jonas.id).count() == 1
    assert any("“Draft for feedback”" in t for t in _texts(session, jonas))
