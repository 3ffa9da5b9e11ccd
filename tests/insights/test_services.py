"""Listening services: readers' feedback, its handling, and who may do what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.db import utcnow
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.insights import queries, services
from hub.insights.models import Feedback, FeedbackStatus
from hub.insights.services import FeedbackInput, FeedbackUpdate, RateLimit

RATE = RateLimit("feedback:addr:test", 3, 600)


def submit(session, post, **kw):  # type: ignore[no-untyped-def]
    """Submit and commit, as the request does (the rate limit writes on its own connection)."""
    try:
        feedback = services.submit_feedback(session, post, FeedbackInput(**{"message": "A helpful message", **kw}), RATE)
    except Exception:
        session.rollback()
        raise
    session.commit()
    return feedback


@pytest.fixture
def post(make_post, make_user):  # type: ignore[no-untyped-def]
    return make_post(author=make_user(name="Alice Author"), title="Why we moved", publish=True)


def test_feedback_is_stored_with_optional_name_and_normalized_email(session, post):
    f = submit(session, post, message="  Could you share the benchmark?\r\nThanks  ", name="  Ann   Reader ", email="Ann@Example.COM")
    session.commit()
    assert (f.message, f.name, f.email, f.status) == ("Could you share the benchmark?\nThanks", "Ann Reader", "Ann@example.com", FeedbackStatus.NEW)
    assert f.first_response_at is None and f.created_at <= utcnow()


@pytest.mark.parametrize(("kw", "field"), [
    ({"message": "  "}, "message"),
    ({"message": "x" * 5001}, "message"),
    ({"email": "not an address"}, "email"),
    ({"name": "n" * 121}, "name"),
    ({"website": "http://spam.example"}, "website"),
])
def test_bad_feedback_is_refused_and_nothing_stored(session, post, kw, field):
    with pytest.raises(ValidationError) as err:
        submit(session, post, **kw)
    assert err.value.field == field
    assert session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0


def test_drafts_take_no_feedback(session, make_post):
    with pytest.raises(NotFound):
        submit(session, make_post(publish=False))


def test_rate_limit_per_address_counts_stored_feedback_and_robots(session, post):
    submit(session, post)
    with pytest.raises(ValidationError):
        submit(session, post, website="x")  # a robot: counted
    with pytest.raises(ValidationError):
        submit(session, post, message="")  # a typo: not counted
    submit(session, post)
    with pytest.raises(services.TooManyRequests):
        submit(session, post)
    other = services.submit_feedback(session, post, FeedbackInput("From elsewhere"), RateLimit("feedback:addr:other", 3, 600))
    assert other.id


def test_new_feedback_notifies_the_author(session, post):
    from hub.notifications.models import Notification, NotificationKind
    from hub.notifications.queries import describe

    submit(session, post)
    made = session.scalars(sa.select(Notification)).all()
    assert [(n.user_id, n.kind, n.post_id, n.actor_id) for n in made] == [(post.author_id, NotificationKind.FEEDBACK, post.id, None)]
    assert describe(made[0]) == "A reader left feedback on “Why we moved”"


def test_handling_sets_the_first_response_once_and_dates_the_public_answer(session, post, make_user):
    f = submit(session, post)
    author = post.author
    services.update_feedback(session, author, f, FeedbackUpdate(FeedbackStatus.NEW, internal_note="Ask Bob"))
    assert f.first_response_at is None  # a private note is not an answer
    services.update_feedback(session, author, f, FeedbackUpdate(FeedbackStatus.ACKNOWLEDGED, "Ask Bob"))
    first = f.first_response_at
    assert first is not None and f.responded_at is None and f.handled_by_id == author.id
    services.update_feedback(session, author, f, FeedbackUpdate(FeedbackStatus.DONE, "Ask Bob", "We published the numbers."))
    assert f.first_response_at == first and f.responded_at is not None and f.has_public_response
    answered = f.responded_at
    services.update_feedback(session, author, f, FeedbackUpdate(FeedbackStatus.DONE, "Done", "We published the numbers."))
    assert f.responded_at == answered  # the answer did not change
    services.update_feedback(session, author, f, FeedbackUpdate(FeedbackStatus.DONE, "Done", ""))
    assert f.responded_at is None and not f.has_public_response


def test_a_public_answer_acknowledges_new_feedback(session, post):
    f = submit(session, post)
    services.update_feedback(session, post.author, f, FeedbackUpdate(FeedbackStatus.NEW, public_response="Thanks, noted."))
    assert f.status == FeedbackStatus.ACKNOWLEDGED and f.first_response_at is not None


def test_only_the_author_and_comms_handle_feedback(session, post, make_user):
    f = submit(session, post)
    colleague, comms = make_user(), make_user(role="comms")
    with pytest.raises(PermissionDenied):
        services.update_feedback(session, colleague, f, FeedbackUpdate(FeedbackStatus.DONE))
    services.update_feedback(session, comms, f, FeedbackUpdate(FeedbackStatus.ACTING))
    assert f.handled_by_id == comms.id
    with pytest.raises(ValidationError):
        services.update_feedback(session, comms, f, FeedbackUpdate(FeedbackStatus.DONE, public_response="x" * 5001))


def test_inbox_shows_authors_their_posts_and_comms_everything(session, post, make_post, make_user):
    other_post = make_post(title="Another", publish=True)
    mine, theirs = submit(session, post), submit(session, other_post)
    session.commit()
    author, comms, colleague = post.author, make_user(role="comms"), make_user()
    assert [f.id for f in queries.inbox(session, author).items] == [mine.id]
    assert {f.id for f in queries.inbox(session, comms).items} == {mine.id, theirs.id}
    assert queries.inbox(session, colleague).items == ()
    assert dict(queries.inbox(session, comms).counts)[FeedbackStatus.NEW] == 2
    assert queries.inbox(session, comms, FeedbackStatus.DONE).items == ()
    assert queries.get_feedback(session, author, mine.id) is mine
    with pytest.raises(NotFound):
        queries.get_feedback(session, author, theirs.id)
    with pytest.raises(NotFound):
        queries.get_feedback(session, colleague, mine.id)


def test_public_responses_are_only_the_answered_ones(session, post):
    a, b = submit(session, post), submit(session, post)
    services.update_feedback(session, post.author, a, FeedbackUpdate(FeedbackStatus.DONE, public_response="Fixed the typo."))
    session.commit()
    assert [f.id for f in queries.public_responses(session, post.id)] == [a.id]
    assert b.id not in [f.id for f in queries.public_responses(session, post.id)]
