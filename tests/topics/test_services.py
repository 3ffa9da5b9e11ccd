"""Topic verbs: create, propose, add to board, close, edit, follow (topics and areas), pick up,
link; who may do each for every role; and what followers hear."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hub.auth import services as auth
from hub.db import get_engine, utcnow
from hub.errors import PermissionDenied, ValidationError
from hub.notifications.models import Notification, NotificationKind
from hub.posts import services as posts
from hub.posts.models import PostStatus
from hub.sharing.clicklog import ClickRecord, insert_clicks
from hub.sharing.models import Click, ShareEvent, ShareLink
from hub.topics import queries, services
from hub.topics.models import ALL_AREAS, TopicFollow, TopicState
from hub.topics.services import TopicInput

ROLES = ["employee", "comms", "admin"]
TODAY = date(2026, 6, 1)


def topic_input(title="Our new office", **kw):
    return TopicInput(title=title, **{"brief": "Tell people **why** we moved.", "audience": "Job seekers",
                                      "platforms": ("linkedin", "bluesky"), "key_messages": "We grew\nhttps://example.com/office",
                                      "hashtags": "#NewOffice, hiring", **kw})


def notes(session, user, kind=None):
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return session.scalars(stmt.order_by(Notification.id)).all()


@pytest.fixture
def comms(make_user):
    return make_user(role="comms", name="Cleo Comms")


@pytest.fixture
def topic(session, comms):
    t = services.create_topic(session, comms, topic_input(), today=TODAY)
    session.commit()
    return t


# --- the board ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["comms", "admin"])
def test_comms_and_admins_create_topics_on_the_board(session, make_user, role):
    actor = make_user(role=role)
    t = services.create_topic(session, actor, topic_input(useful_until=TODAY + timedelta(days=3)), today=TODAY)
    assert (t.state, t.added_by_id, t.slug) == (TopicState.OPEN, actor.id, "our-new-office")
    assert t.brief_html == "<p>Tell people <strong>why</strong> we moved.</p>\n"
    assert t.hashtags == ("NewOffice", "hiring") and t.platforms == ("linkedin", "bluesky")
    assert t.messages == ["We grew", "https://example.com/office"] and t.area == "job seekers"


def test_employees_cannot_create_but_can_propose(session, make_user):
    employee = make_user()
    with pytest.raises(PermissionDenied):
        services.create_topic(session, employee, topic_input(), today=TODAY)
    t = services.propose_topic(session, employee, topic_input(title="Our hackathon"), today=TODAY)
    assert (t.state, t.created_by_id, t.added_at) == (TopicState.PROPOSED, employee.id, None)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (topic_input(title="  "), "title"),
        (topic_input(title="x" * 201), "title"),
        (topic_input(hashtags="#two words, #ok-not"), "hashtags"),
        (topic_input(hashtags=" ".join(f"t{i}" for i in range(16))), "hashtags"),
        (topic_input(platforms=("Not A Platform",)), "platforms"),
        (topic_input(useful_until=TODAY - timedelta(days=1)), "useful_until"),
        (topic_input(audience="a" * 121), "audience"),
    ],
)
def test_topic_rules(session, comms, data, field):
    with pytest.raises(ValidationError) as info:
        services.create_topic(session, comms, data, today=TODAY)
    assert info.value.field == field


def test_slugs_are_unique_and_stay_once_on_the_board(session, comms, topic):
    again = services.create_topic(session, comms, topic_input(), today=TODAY)
    assert again.slug == "our-new-office-2"
    services.update_topic(session, comms, topic, topic_input(title="Renamed"), today=TODAY)
    assert (topic.title, topic.slug) == ("Renamed", "our-new-office")


def test_brief_is_sanitized_on_the_way_in(session, comms):
    t = services.create_topic(session, comms, topic_input(brief="<script>alert(1)</script> [x](javascript:alert(1))"), today=TODAY)
    assert "<script" not in t.brief_html and "href" not in t.brief_html
    assert "&lt;script&gt;" in t.brief_html  # shown as text


@pytest.mark.parametrize("role", ROLES)
def test_add_to_board_and_close_are_for_comms(session, make_user, role):
    proposer = make_user()
    t = services.propose_topic(session, proposer, topic_input(), today=TODAY)
    actor = make_user(role=role)
    if role == "employee":
        for verb in (services.add_to_board, services.close_topic):
            with pytest.raises(PermissionDenied):
                verb(session, actor, t)
        with pytest.raises(PermissionDenied):
            services.add_to_board(session, proposer, t)
        assert t.is_proposed
        return
    services.add_to_board(session, actor, t)
    assert (t.state, t.added_by_id) == (TopicState.OPEN, actor.id)
    assert [n.kind for n in notes(session, proposer)] == [NotificationKind.TOPIC_ADDED]
    services.close_topic(session, actor, t)
    assert t.is_closed and t.closed_at is not None
    services.add_to_board(session, actor, t)  # back on the board: nobody is told twice
    assert t.is_open and len(notes(session, proposer)) == 1


@pytest.mark.parametrize("role", ROLES)
def test_editing_topics(session, make_user, comms, topic, role):
    other = make_user(role=role)
    if role == "employee":
        with pytest.raises(PermissionDenied):
            services.update_topic(session, other, topic, topic_input(title="Hijack"), today=TODAY)
    else:
        services.update_topic(session, other, topic, topic_input(title="Better"), today=TODAY)
        assert topic.title == "Better"


def test_proposers_edit_their_proposal_until_it_is_on_the_board(session, make_user, comms):
    proposer = make_user()
    t = services.propose_topic(session, proposer, topic_input(title="Hackathon"), today=TODAY)
    services.update_topic(session, proposer, t, topic_input(title="Spring hackathon"), today=TODAY)
    assert (t.title, t.slug) == ("Spring hackathon", "spring-hackathon")
    with pytest.raises(PermissionDenied):
        services.update_topic(session, make_user(), t, topic_input(title="Mine now"), today=TODAY)
    services.add_to_board(session, comms, t)
    with pytest.raises(PermissionDenied):
        services.update_topic(session, proposer, t, topic_input(title="Again"), today=TODAY)


def test_deactivated_peoples_topics_stay(session, make_user, comms):
    proposer = make_user()
    t = services.propose_topic(session, proposer, topic_input(), today=TODAY)
    auth.deactivate(session, make_user(role="admin"), proposer)
    session.commit()
    assert t in queries.board(session, TODAY).proposed and not t.created_by.is_active
    with pytest.raises(PermissionDenied):
        services.propose_topic(session, proposer, topic_input(), today=TODAY)
    services.add_to_board(session, comms, t)
    assert notes(session, proposer) == []


# --- following ----------------------------------------------------------------------------------

def test_area_followers_hear_about_new_topics_in_their_area(session, make_user, comms):
    seeker_fan, everything, other = make_user(), make_user(), make_user()
    assert services.follow_area(session, seeker_fan, "  JOB   seekers ") == "job seekers"
    services.follow_area(session, seeker_fan, "job seekers")  # once is enough
    services.follow_area(session, everything, ALL_AREAS)
    services.follow_area(session, other, "Customers")
    services.follow_area(session, comms, "Job seekers")
    t = services.create_topic(session, comms, topic_input(), today=TODAY)
    assert [n.topic_id for n in notes(session, seeker_fan)] == [t.id]
    assert [n.kind for n in notes(session, everything)] == [NotificationKind.TOPIC_NEW]
    assert notes(session, other) == [] and notes(session, comms) == []  # not their area; not told about their own
    proposed = services.propose_topic(session, other, topic_input(title="Proposal"), today=TODAY)
    assert len(notes(session, seeker_fan)) == 1  # proposals are not on the board yet
    services.add_to_board(session, comms, proposed)
    assert len(notes(session, seeker_fan)) == 2
    services.unfollow_area(session, seeker_fan, "Job Seekers")
    assert queries.follows(session, seeker_fan).areas == frozenset()
    with pytest.raises(ValidationError):
        services.follow_area(session, seeker_fan, "   ")


def test_topic_followers_hear_about_posts_published_for_it_once(session, make_user, topic):
    fan, writer = make_user(), make_user()
    services.follow_topic(session, fan, topic)
    services.follow_topic(session, fan, topic)
    assert queries.follows(session, fan).topic_ids == {topic.id}
    post = services.pick_up(session, writer, topic)
    rev = post.current_revision
    posts.save_revision(session, post, writer, posts.PostInput("Moving day", "", "We moved."), base_revision_id=rev.id)
    assert notes(session, fan) == []  # drafts are nobody's business
    posts.publish_post(session, post, writer)
    posts.unpublish_post(session, post, writer)
    posts.publish_post(session, post, writer)
    [n] = notes(session, fan)
    assert (n.kind, n.post_id, n.topic_id, n.actor_id) == (NotificationKind.TOPIC_POST, post.id, topic.id, writer.id)
    services.unfollow_topic(session, fan, topic)
    assert session.scalar(sa.select(sa.func.count()).select_from(TopicFollow)) == 0


# --- writing for a topic ------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["open", "proposed"])
def test_pick_up_starts_a_linked_draft(session, make_user, comms, state):
    t = services.create_topic(session, comms, topic_input(), today=TODAY) if state == "open" else \
        services.propose_topic(session, make_user(), topic_input(), today=TODAY)
    writer = make_user()
    post = services.pick_up(session, writer, t)
    assert (post.author_id, post.topic_id, post.status) == (writer.id, t.id, PostStatus.DRAFT)
    assert [p.id for p in queries.drafts_for_topic(session, t, writer)] == [post.id]


def test_closed_topics_are_not_picked_up(session, make_user, comms, topic):
    services.close_topic(session, comms, topic)
    with pytest.raises(ValidationError):
        services.pick_up(session, make_user(), topic)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_author_links_a_post_to_a_topic(session, make_post, make_user, topic, role):
    post = make_post(publish=True)
    with pytest.raises(PermissionDenied):
        services.link_post(session, make_user(role=role), post, topic)
    fan = make_user()
    services.follow_topic(session, fan, topic)
    services.link_post(session, post.author, post, topic)
    assert post.topic_id == topic.id
    services.link_post(session, post.author, post, None)
    services.link_post(session, post.author, post, topic)
    assert len(notes(session, fan, NotificationKind.TOPIC_POST)) == 1


def test_closed_topics_take_no_new_posts(session, make_post, comms, topic):
    post = make_post()
    services.close_topic(session, comms, topic)
    with pytest.raises(ValidationError):
        services.link_post(session, post.author, post, topic)


# --- reads --------------------------------------------------------------------------------------

def test_topic_page_counts_shares_and_human_clicks(app, session, make_post, make_user, topic):
    post = make_post(publish=True)
    services.link_post(session, post.author, post, topic)
    make_post(publish=False).topic_id = topic.id  # drafts are not listed
    sharer = make_user()
    link = ShareLink(code="abc123", post_id=post.id, user_id=sharer.id, platform="linkedin")
    session.add(link)
    session.flush()
    session.add_all([ShareEvent(post_id=post.id, user_id=sharer.id, platform="linkedin", kind="copy"),
                     ShareEvent(post_id=post.id, user_id=sharer.id, platform="x", kind="intent")])
    session.commit()
    # ingested as the click log does (the topic page counts them from the daily rollups)
    insert_clicks(get_engine(app), [ClickRecord(f"u{i}", link.id, post.id, sharer.id, "linkedin", utcnow().timestamp(),
                                                i == 2, f"v{i}") for i in range(3)])
    assert session.scalar(sa.select(sa.func.count()).select_from(Click)) == 3
    [row] = queries.posts_for_topic(session, topic)
    assert (row.post.id, row.share_events, row.clicks) == (post.id, 2, 2)


def test_share_context_carries_hashtags_and_audience(session, make_post, topic):
    post = make_post()
    assert queries.topic_share_context(session, post) == ((), None)
    post.topic_id = topic.id
    assert queries.topic_share_context(session, post) == (("NewOffice", "hiring"), "Job seekers")


def test_home_shows_open_current_topics_closing_soon_first(session, comms, make_user):
    def make(title, until=None, state="open"):
        data = topic_input(title=title, useful_until=until)
        if state == "proposed":
            return services.propose_topic(session, make_user(), data, today=TODAY)
        return services.create_topic(session, comms, data, today=TODAY)

    later = make("Later", TODAY + timedelta(days=60))
    soon = make("Soon", TODAY + timedelta(days=2))
    sooner = make("Sooner", TODAY + timedelta(days=1))
    newest = make("Newest")
    make("Proposal", state="proposed")
    closed = make("Closed")
    services.close_topic(session, comms, closed)
    session.commit()
    got = [t.title for t in queries.home_topics(session, TODAY)]
    assert got[:2] == ["Sooner", "Soon"] and set(got[2:]) == {"Later", "Newest"} and len(got) == 4
    assert [t.title for t in queries.home_topics(session, TODAY + timedelta(days=3))][0] in {"Later", "Newest"}
    assert "Sooner" not in [t.title for t in queries.home_topics(session, TODAY + timedelta(days=3))]
    board = queries.board(session, TODAY + timedelta(days=3))
    assert {t.title for t in board.past} == {"Sooner", "Soon"}
    assert [t.title for t in board.proposed] == ["Proposal"] and [t.title for t in board.closed] == ["Closed"]
    assert later in board.open and newest in board.open and soon not in board.open
    assert queries.areas(session) == ["job seekers"]
