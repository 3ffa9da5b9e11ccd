"""Suggestion verbs: suggest, comment, reply, accept (with and without conflict), decline,
resolve, notifications; and who may do each, for every role, on someone else's post."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.auth import services as auth
from hub.errors import Conflict, NotFound, PermissionDenied, ValidationError
from hub.lib.merge import MARK_OURS
from hub.notifications import queries as notification_queries
from hub.notifications import services as notifications
from hub.notifications.models import Notification, NotificationKind
from hub.posts import queries as post_queries
from hub.posts import services as posts
from hub.posts.models import PostStatus, RevisionKind
from hub.posts.services import PostInput
from hub.suggestions import queries, services
from hub.suggestions.models import SuggestionKind, SuggestionState
from hub.suggestions.services import MergedText, MergeNeeded, SuggestionInput

ROLES = ["employee", "comms", "admin"]
BODY = "We ship on Fridy.\n\nOur team is small.\n\nTests run for ten minutes.\n"


def edit(post, *, title=None, summary=None, body=None, message="", base=None):
    rev = services.suggestable_revision(post)
    return SuggestionInput(SuggestionKind.EDIT, rev.id if base is None else base, message,
                           title=rev.title if title is None else title, summary=rev.summary if summary is None else summary,
                           body=rev.body if body is None else body)


def comment(message="Nice!", quote=None):
    return SuggestionInput(SuggestionKind.COMMENT, None, message, quote=quote)


def kinds(session, user):
    return [n.kind for n in session.scalars(sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


@pytest.fixture
def published(make_post, make_user):
    author = make_user(name="Ada Author")
    return make_post(author=author, title="Shipping", body=BODY, publish=True)


@pytest.fixture
def colleague(make_user):
    return make_user(name="Cole League")


def _save(session, post, body):
    rev = post.current_revision
    return posts.save_revision(session, post, post.author, PostInput(rev.title, rev.summary, body, rev.tags_text),
                               base_revision_id=rev.id)


# --- suggest and comment ------------------------------------------------------------------------

def test_edit_is_stored_against_the_live_revision_and_tells_the_author(session, published, colleague):
    _save(session, published, BODY + "\nAn unpublished change.\n")  # the author's draft is not what colleagues see
    s = services.submit_suggestion(session, published, colleague, edit(published, body=BODY.replace("Fridy", "Friday"), message="typo"))
    session.commit()
    assert s.base_revision_id == published.live_revision_id != published.current_revision_id
    assert (s.kind, s.state, s.message) == (SuggestionKind.EDIT, SuggestionState.OPEN, "typo")
    assert s.changed_fields == ["body"]
    [field] = queries.edit_diff(s)
    assert field.label == "Body" and any(r.kind == "changed" for r in field.rows)
    assert kinds(session, published.author) == [NotificationKind.SUGGESTION]
    assert queries.open_count(session, published) == 1


def test_edit_must_change_something_and_authors_edit_directly(session, published, colleague):
    with pytest.raises(ValidationError) as info:
        services.submit_suggestion(session, published, colleague, edit(published))
    assert info.value.field == "body"
    with pytest.raises(ValidationError):
        services.submit_suggestion(session, published, published.author, edit(published, title="Mine"))
    with pytest.raises(ValidationError) as info:
        services.submit_suggestion(session, published, colleague, edit(published, title="x" * 301))
    assert info.value.field == "title"


def test_edit_on_a_revision_no_longer_shown_is_a_conflict(session, published, colleague):
    old = published.live_revision_id
    _save(session, published, "Newer text.\n")
    posts.publish_post(session, published, published.author)
    with pytest.raises(Conflict) as info:
        services.submit_suggestion(session, published, colleague, edit(published, body="Mine.\n", base=old))
    assert info.value.current.id == published.live_revision_id


def test_comment_with_a_quote_from_the_text(session, published, colleague):
    s = services.submit_suggestion(session, published, colleague, comment("Which day?", quote="ship on  Fridy"))
    assert (s.kind, s.quote) == (SuggestionKind.COMMENT, "ship on  Fridy")
    with pytest.raises(ValidationError) as info:
        services.submit_suggestion(session, published, colleague, comment("?", quote="not in the post"))
    assert info.value.field == "quote"
    with pytest.raises(ValidationError) as info:
        services.submit_suggestion(session, published, colleague, comment("   "))
    assert info.value.field == "message"


def test_quote_matches_rendered_text_too(session, make_post, colleague):
    post = make_post(body="Hello **bold** world", publish=True)
    assert services.submit_suggestion(session, post, colleague, comment("x", quote="Hello bold world")).quote == "Hello bold world"


@pytest.mark.parametrize("role", ROLES)
def test_private_drafts_are_closed_to_everyone_but_the_author(session, make_post, make_user, role):
    draft = make_post(title="Private", body=BODY)
    other = make_user(role=role)
    assert not services.can_see(other, draft) and services.can_see(draft.author, draft)
    with pytest.raises(PermissionDenied):
        services.submit_suggestion(session, draft, other, comment())
    with pytest.raises(PermissionDenied):
        services.set_open_for_feedback(session, draft, other, True)
    services.set_open_for_feedback(session, draft, draft.author, True)
    assert services.can_see(other, draft)
    assert services.submit_suggestion(session, draft, other, edit(draft, body="Better.\n")).base_revision_id == draft.current_revision_id


def test_deactivated_people_cannot_suggest_but_their_suggestions_stay(session, published, colleague, make_user):
    admin = make_user(role="admin")
    s = services.submit_suggestion(session, published, colleague, edit(published, title="Shipping on Fridays"))
    auth.deactivate(session, admin, colleague)
    session.commit()
    with pytest.raises(PermissionDenied):
        services.submit_suggestion(session, published, colleague, comment())
    assert [x.id for x in queries.for_post(session, published)] == [s.id]
    assert not s.author.is_active
    rev = services.accept_suggestion(session, s, published.author)  # still accepted, still credited
    assert rev.created_by_id == colleague.id and rev.title == "Shipping on Fridays"
    assert kinds(session, colleague) == []  # deactivated people get no notifications


def test_suggestions_never_block_publishing(session, published, colleague):
    services.submit_suggestion(session, published, colleague, edit(published, body="Something else\n"))
    _save(session, published, "Author's own change.\n")
    posts.publish_post(session, published, published.author)
    assert published.live_revision.body == "Author's own change.\n"


# --- accept -------------------------------------------------------------------------------------

def test_accept_applies_a_revision_credited_to_the_suggester(session, published, colleague):
    s = services.submit_suggestion(session, published, colleague, edit(published, body=BODY.replace("Fridy", "Friday")))
    rev = services.accept_suggestion(session, s, published.author, publish=True)
    session.commit()
    assert (rev.kind, rev.created_by_id, rev.body) == (RevisionKind.SUGGESTION, colleague.id, BODY.replace("Fridy", "Friday"))
    assert rev.note == ""  # hub's words are facts, said in the reader's language
    assert rev.auto_note == {"key": "suggestion", "author": "Cole League", "actor": "Ada Author"}
    assert rev.note_text == "Suggestion by Cole League accepted by Ada Author"
    assert published.live_revision_id == rev.id  # with publish, readers see it now
    assert (s.state, s.applied_revision_id, s.closed_by_id) == (SuggestionState.ACCEPTED, rev.id, published.author_id)
    assert kinds(session, colleague) == [NotificationKind.ACCEPTED]
    assert "suggestion_accepted" in [e.kind for e in post_queries.events(session, published)]


def test_accept_without_publish_leaves_the_live_text(session, published, colleague):
    live = published.live_revision_id
    s = services.submit_suggestion(session, published, colleague, edit(published, summary="A new summary"))
    rev = services.accept_suggestion(session, s, published.author)
    assert published.current_revision_id == rev.id and published.live_revision_id == live
    assert published.has_unpublished_changes


def test_accept_merges_cleanly_when_the_text_changed_elsewhere(session, published, colleague):
    s = services.submit_suggestion(session, published, colleague, edit(published, body=BODY.replace("Fridy", "Friday")))
    _save(session, published, BODY.replace("small.", "small and calm."))
    rev = services.accept_suggestion(session, s, published.author)
    assert rev.body == "We ship on Friday.\n\nOur team is small and calm.\n\nTests run for ten minutes.\n"
    assert rev.created_by_id == colleague.id and rev.auto_note["merged"] == 2
    assert rev.note_text == "Suggestion by Cole League accepted by Ada Author (merged with revision 2)"


def test_accept_with_overlapping_changes_needs_a_hand_merge(session, published, colleague):
    s = services.submit_suggestion(session, published, colleague, edit(published, body=BODY.replace("Fridy", "Friday")))
    current = _save(session, published, BODY.replace("We ship on Fridy.", "We ship on Thursdays."))
    session.commit()
    with pytest.raises(MergeNeeded) as info:
        services.accept_suggestion(session, s, published.author)
    plan = info.value.plan
    assert not plan.clean and [f.name for f in plan.conflicts] == ["body"]
    assert MARK_OURS in plan.text("body") and "Thursdays" in plan.text("body") and "Friday." in plan.text("body")
    assert published.current_revision_id == current.id and s.is_open  # nothing changed

    with pytest.raises(ValidationError) as err:
        services.accept_merged(session, s, published.author, MergedText(current.title, current.summary, plan.text("body")),
                               base_revision_id=current.id)
    assert err.value.field == "body"
    merged = BODY.replace("We ship on Fridy.", "We ship on Thursdays and Fridays.")
    rev = services.accept_merged(session, s, published.author, MergedText(current.title, current.summary, merged),
                                 base_revision_id=current.id)
    assert (rev.body, rev.created_by_id, rev.kind) == (merged, colleague.id, RevisionKind.SUGGESTION)
    assert rev.auto_note["by_hand"] is True and s.state == SuggestionState.ACCEPTED
    assert rev.note_text == "Suggestion by Cole League accepted by Ada Author, merged by hand"


def test_hand_merge_on_a_stale_revision_is_a_conflict(session, published, colleague):
    s = services.submit_suggestion(session, published, colleague, edit(published, body="Theirs.\n"))
    stale = _save(session, published, "Ours.\n")
    _save(session, published, "Ours again.\n")
    with pytest.raises(Conflict):
        services.accept_merged(session, s, published.author, MergedText("Shipping", "", "Merged.\n"), base_revision_id=stale.id)
    assert s.is_open


@pytest.mark.parametrize("role", ROLES)
def test_only_the_author_accepts_or_declines(session, published, colleague, make_user, role):
    s = services.submit_suggestion(session, published, colleague, edit(published, title="New"))
    for other in (make_user(role=role), colleague):
        with pytest.raises(PermissionDenied):
            services.accept_suggestion(session, s, other)
        with pytest.raises(PermissionDenied):
            services.accept_merged(session, s, other, MergedText("a", "", ""), base_revision_id=published.current_revision_id)
        with pytest.raises(PermissionDenied):
            services.decline_suggestion(session, s, other)
    assert s.is_open and published.current_revision.title == "Shipping"


def test_comments_are_not_accepted_and_nothing_is_accepted_twice(session, published, colleague):
    c = services.submit_suggestion(session, published, colleague, comment())
    with pytest.raises(ValidationError):
        services.accept_suggestion(session, c, published.author)
    s = services.submit_suggestion(session, published, colleague, edit(published, title="New"))
    services.decline_suggestion(session, s, published.author)
    with pytest.raises(ValidationError):
        services.accept_suggestion(session, s, published.author)


# --- decline, reply, resolve --------------------------------------------------------------------

def test_decline_with_a_note(session, published, colleague):
    s = services.submit_suggestion(session, published, colleague, edit(published, title="Clickbait!"))
    services.decline_suggestion(session, s, published.author, "  Keeping my title.  ")
    assert (s.state, s.decline_note) == (SuggestionState.DECLINED, "Keeping my title.")
    assert published.current_revision.title == "Shipping"
    assert kinds(session, colleague) == [NotificationKind.DECLINED]


def test_everyone_in_the_conversation_hears_a_reply(session, published, colleague, make_user):
    third = make_user()
    s = services.submit_suggestion(session, published, colleague, comment("Which day?"))
    services.reply(session, s, third, "Friday, I think")
    assert kinds(session, published.author) == [NotificationKind.SUGGESTION, NotificationKind.REPLY]
    assert kinds(session, colleague) == [NotificationKind.REPLY]
    assert kinds(session, third) == []
    services.reply(session, s, published.author, "Yes, Friday.")
    assert kinds(session, third) == [NotificationKind.REPLY]
    assert [r.body for r in queries.get_suggestion(session, s.id).replies] == ["Friday, I think", "Yes, Friday."]
    with pytest.raises(ValidationError):
        services.reply(session, s, third, " ")


@pytest.mark.parametrize("role", ROLES)
def test_replies_on_a_private_post_only_from_its_author(session, make_post, make_user, role):
    draft = make_post(body=BODY)
    services.set_open_for_feedback(session, draft, draft.author, True)
    starter = make_user()
    s = services.submit_suggestion(session, draft, starter, comment())
    services.set_open_for_feedback(session, draft, draft.author, False)
    with pytest.raises(PermissionDenied):
        services.reply(session, s, make_user(role=role), "hello?")
    services.reply(session, s, draft.author, "Closed for now, thanks")
    assert kinds(session, starter) == []  # they cannot see the post any more


@pytest.mark.parametrize("role", ROLES)
def test_resolve_by_the_author_or_the_starter_only(session, published, colleague, make_user, role):
    s = services.submit_suggestion(session, published, colleague, comment())
    with pytest.raises(PermissionDenied):
        services.resolve_suggestion(session, s, make_user(role=role))
    services.resolve_suggestion(session, s, colleague)
    assert s.state == SuggestionState.RESOLVED
    with pytest.raises(ValidationError):
        services.resolve_suggestion(session, s, published.author)
    with pytest.raises(PermissionDenied):
        services.reopen_suggestion(session, s, make_user(role=role))
    services.reopen_suggestion(session, s, published.author)
    assert s.is_open
    services.resolve_suggestion(session, s, published.author)
    assert s.closed_by_id == published.author_id


def test_declined_edits_cannot_be_reopened(session, published, colleague):
    s = services.submit_suggestion(session, published, colleague, edit(published, title="x"))
    services.decline_suggestion(session, s, published.author)
    with pytest.raises(ValidationError):
        services.reopen_suggestion(session, s, colleague)


# --- notifications and lists --------------------------------------------------------------------

def test_mark_read_one_or_all_and_never_someone_elses(session, published, colleague):
    a = services.submit_suggestion(session, published, colleague, comment("one"))
    services.submit_suggestion(session, published, colleague, comment("two"))
    author = published.author
    assert notification_queries.unread_count(session, author.id) == 2
    first = notification_queries.notifications(session, author)[-1]
    assert notification_queries.describe(first) == "Cole League commented on “Shipping”" and first.suggestion_id == a.id
    with pytest.raises(NotFound):
        notifications.mark_read(session, colleague, first)
    with pytest.raises(NotFound):
        notification_queries.get_notification(session, colleague, first.id)
    assert notifications.mark_read(session, author, first) == 1
    assert notification_queries.unread_count(session, author.id) == 1
    assert notifications.mark_read(session, author) == 1
    assert notification_queries.unread_count(session, author.id) == 0


def test_my_posts_lists_posts_with_open_suggestions_first(session, make_post, make_user, colleague):
    author = make_user()
    older = make_post(author=author, title="Older", publish=True)
    make_post(author=author, title="Newer", publish=True)
    services.submit_suggestion(session, older, colleague, comment())
    session.commit()
    titles = [p.current_revision.title for p in post_queries.my_posts(session, author).items]
    assert titles == ["Older", "Newer"]
    assert queries.open_counts(session, [p.id for p in post_queries.my_posts(session, author).items]) == {older.id: 1}


def test_archived_and_taken_down_posts_close_to_new_suggestions(session, published, colleague, make_user):
    posts.take_down(session, published, make_user(role="comms"), "Off topic")
    assert published.status == PostStatus.TAKEN_DOWN
    with pytest.raises(PermissionDenied):
        services.submit_suggestion(session, published, colleague, comment())


def test_digests_take_unread_news_since_the_last_digest_in_one_query(session, published, colleague, make_user):
    from datetime import timedelta

    from hub.db import utcnow

    now = utcnow()
    fresh, returning, recent, quiet, silent, gone = (make_user(name=n) for n in ("Fresh", "Back", "Recent", "Quiet", "Silent", "Gone"))
    for person in (fresh, returning, recent, quiet, gone):
        person.digest_opt_in = True
    returning.digest_sent_at, recent.digest_sent_at = now - timedelta(days=1), now - timedelta(hours=1)
    s = services.submit_suggestion(session, published, colleague, comment("one"))

    def tell(person, *, age=timedelta(0), read=False):
        [n] = notifications.notify(session, [person.id], NotificationKind.REPLY, actor=colleague, post=published, suggestion=s)
        n.created_at = now - age
        n.read_at = now if read else None
        return n.id

    expected = {fresh.id: [tell(fresh, age=timedelta(days=3)), tell(fresh)], returning.id: [tell(returning)]}
    tell(fresh, read=True)
    tell(returning, age=timedelta(days=2))  # came before their last digest
    for person in (recent, silent, gone):  # a digest an hour ago; never asked; left
        tell(person)
    auth.deactivate(session, make_user(role="admin"), gone)
    session.commit()
    session.expunge_all()

    statements = []

    def record(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        due = notification_queries.digests_due(session, now)
        lines = [notification_queries.describe(n) for _person, items in due for n in items]
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert {person.id: [n.id for n in items] for person, items in due} == expected
    assert [person.display_name for person, _items in due] == ["Fresh", "Back"]
    assert lines == ["Cole League replied in a conversation on “Shipping”"] * 3
    assert len(statements) == 1, statements
