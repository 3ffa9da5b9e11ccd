"""Reads for topics: the board, the home page's open topics, a topic's posts and how they were
shared, who follows what, and what sharing carries over from a post's topic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.orm import Session, joinedload

from hub.auth.models import User
from hub.errors import NotFound
from hub.i18n import _
from hub.posts.models import Post, PostStatus
from hub.topics.models import ALL_AREAS, Topic, TopicFollow, TopicState, area_key


def get_topic(session: Session, topic_id: int) -> Topic:
    """The topic with ``topic_id`` (and who made it), or NotFound."""
    topic = session.scalar(
        sa.select(Topic).where(Topic.id == topic_id).options(joinedload(Topic.created_by), joinedload(Topic.added_by))
    )
    if topic is None:
        raise NotFound(_("No such topic."))
    return topic


def topic_of_post(session: Session, post_id: int | None) -> Topic | None:
    """The topic the post with ``post_id`` was written for, if any."""
    if post_id is None:
        return None
    return session.scalar(sa.select(Topic).join(Post, Post.topic_id == Topic.id).where(Post.id == post_id))


def _closing_first(topics: Sequence[Topic], today: date) -> list[Topic]:
    """Topics closing within two weeks first (soonest first), then the rest newest first."""
    def key(t: Topic) -> tuple[int, int, float]:
        soon = t.closing_soon(today)
        order = (t.useful_until - today).days if soon and t.useful_until else 0
        when = (t.added_at or t.created_at).timestamp()
        return (0 if soon else 1, order, -when)

    return sorted(topics, key=key)


@dataclass(frozen=True)
class Board:
    open: list[Topic]  # current, closing soon and newest first
    past: list[Topic]  # on the board but past their "useful until" date
    proposed: list[Topic]
    closed: list[Topic]


def board(session: Session, today: date) -> Board:
    """Every topic, grouped the way the board shows them."""
    topics = session.scalars(
        sa.select(Topic).options(joinedload(Topic.created_by)).order_by(Topic.created_at.desc(), Topic.id.desc())
    ).all()
    current = [t for t in topics if t.is_open and not t.past_useful_date(today)]
    return Board(
        open=_closing_first(current, today),
        past=[t for t in topics if t.is_open and t.past_useful_date(today)],
        proposed=[t for t in topics if t.is_proposed],
        closed=[t for t in topics if t.is_closed][:50],
    )


def home_topics(session: Session, today: date, limit: int = 6) -> list[Topic]:
    """Open, current topics for the signed-in home page: closing soon and newest first."""
    topics = session.scalars(
        sa.select(Topic).where(
            Topic.state == TopicState.OPEN, sa.or_(Topic.useful_until.is_(None), Topic.useful_until >= today)
        )
    ).all()
    return _closing_first(topics, today)[:limit]


def linkable_topics(session: Session, current_id: int | None = None) -> Sequence[Topic]:
    """Topics a post can be linked to: open and proposed ones (and the one it has)."""
    return session.scalars(
        sa.select(Topic)
        .where(sa.or_(Topic.state != TopicState.CLOSED, Topic.id == (current_id or 0)))
        .order_by(Topic.title)
    ).all()


@dataclass(frozen=True)
class TopicPost:
    post: Post
    share_events: int
    clicks: int  # human clicks on tracked links (bots left out)


_signals = Namespace()
post_reach = _signals.signal("hub.topics.post-reach")
"""Asked as ``post_reach.send(post_ids, session=...)`` for a topic's page: a receiver returns
``{post_id: (share events, human clicks)}`` for the posts it knows of (hub.sharing)."""


def posts_for_topic(session: Session, topic: Topic) -> list[TopicPost]:
    """Published posts written for ``topic``, newest first, with how often they were shared and
    how many people followed the shared links (as ``post_reach`` answers)."""
    items = session.scalars(
        sa.select(Post)
        .where(Post.topic_id == topic.id, Post.status == PostStatus.PUBLISHED)
        .options(joinedload(Post.live_revision), joinedload(Post.author))
        .order_by(Post.published_at.desc(), Post.id.desc())
    ).all()
    reach: dict[int, tuple[int, int]] = {}
    if items:
        for _receiver, found in post_reach.send([p.id for p in items], session=session):
            reach.update(found or {})
    return [TopicPost(p, *reach.get(p.id, (0, 0))) for p in items]


def drafts_for_topic(session: Session, topic: Topic, user: User) -> Sequence[Post]:
    """``user``'s own unpublished posts for ``topic``."""
    return session.scalars(
        sa.select(Post)
        .where(Post.topic_id == topic.id, Post.author_id == user.id, Post.status != PostStatus.PUBLISHED)
        .options(joinedload(Post.current_revision))
        .order_by(Post.updated_at.desc())
    ).all()


@dataclass(frozen=True)
class Follows:
    topic_ids: frozenset[int]
    areas: frozenset[str]

    @property
    def everything(self) -> bool:
        return ALL_AREAS in self.areas


def follows(session: Session, user: User) -> Follows:
    """The topics and areas ``user`` follows."""
    rows = session.execute(
        sa.select(TopicFollow.topic_id, TopicFollow.area).where(TopicFollow.user_id == user.id)
    ).all()
    return Follows(frozenset(t for t, _ in rows if t is not None), frozenset(a for _, a in rows if a is not None))


def areas(session: Session) -> list[str]:
    """The audiences of topics that are not closed, as areas people can follow."""
    audiences = session.scalars(sa.select(Topic.audience).where(Topic.state != TopicState.CLOSED, Topic.audience != ""))
    return sorted({area_key(audience) for audience in audiences})


def share_theme(post: Post, *, session: Session, **_: Any) -> Topic | None:
    """hub.sharing's ``share_theme``, connected in hub/events.py: the topic ``post`` was written for."""
    return session.get(Topic, post.topic_id) if post.topic_id is not None else None


def topic_share_context(session: Session, post: Post) -> tuple[tuple[str, ...], str | None]:
    """What sharing carries over from the topic ``post`` was written for: its suggested hashtags
    (without ``#``) and its audience; ``((), None)`` for a post with no topic."""
    if post.topic_id is None:
        return (), None
    topic = session.get(Topic, post.topic_id)
    if topic is None:
        return (), None
    return topic.hashtags, (topic.audience or None)
