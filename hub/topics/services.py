"""Domain verbs for topics. Comms and admins run the board; everyone signed in proposes,
follows and picks up. Proposing and writing are never blocked by the board."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.orm import Session

from hub.auth.models import User
from hub.db import add_or_get, savepoint, utcnow
from hub.errors import Conflict, PermissionDenied, ValidationError
from hub.i18n import _
from hub.lib.markdown import render_markdown
from hub.lib.text import clean_title, slugify
from hub.posts import services as posts
from hub.posts.models import Post
from hub.posts.services import PostInput
from hub.topics.models import ALL_AREAS, Topic, TopicFollow, TopicState, area_key

TITLE_MAX = 200
BRIEF_MAX = 20_000
AUDIENCE_MAX = 120
MESSAGES_MAX = 5_000
HASHTAG_MAX = 60
HASHTAGS_MAX = 15
PLATFORMS_MAX = 12
_HASHTAG = re.compile(r"\w+", re.UNICODE)
_PLATFORM = re.compile(r"[a-z0-9_]{1,32}")

_signals = Namespace()
topic_added = _signals.signal("hub.topic-added")
"""Sent as ``topic_added.send(topic, session=..., actor=...)`` the first time a proposed topic
goes on the board (hub.notifications tells whoever proposed it)."""
topic_announced = _signals.signal("hub.topic-announced")
"""Sent as ``topic_announced.send(topic, session=..., actor=..., followers={user ids})`` when a
topic is new on the board, with the people following its area."""
topic_post_published = _signals.signal("hub.topic-post-published")
"""Sent as ``topic_post_published.send(topic, session=..., post=..., followers=[user ids])`` when a
post written for the topic goes live for the first time, or a live post is linked to it."""


@dataclass(frozen=True)
class TopicInput:
    """What a topic says; the form checks shape, these services the rules."""

    title: str
    brief: str = ""
    audience: str = ""
    platforms: tuple[str, ...] = field(default_factory=tuple)
    key_messages: str = ""
    hashtags: str = ""
    useful_until: date | None = None


def can_manage(actor: User) -> bool:
    """Comms and admins manage the board."""
    return bool(actor.is_authenticated and actor.is_active and actor.is_comms)


def can_edit_topic(actor: User, topic: Topic) -> bool:
    """Comms and admins edit any topic; whoever proposed a topic edits it while it is proposed."""
    return can_manage(actor) or bool(
        actor.is_authenticated and actor.is_active and topic.is_proposed and topic.created_by_id == actor.id
    )


def _require_active(actor: User) -> None:
    if not actor.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot do that."))


def _require_manager(actor: User) -> None:
    if not can_manage(actor):
        raise PermissionDenied(_("Only comms and admins manage the topic board."))


def normalize_hashtags(raw: str) -> list[str]:
    """Hashtags from text like ``#launch, #WeAreHiring devrel``: without ``#``, de-duplicated
    ignoring case; ValidationError for one that is not a single word."""
    seen: set[str] = set()
    tags: list[str] = []
    for part in re.split(r"[\s,]+", raw or ""):
        tag = part.strip().lstrip("#")
        if not tag:
            continue
        if not _HASHTAG.fullmatch(tag):
            raise ValidationError(
                "hashtags", _("“%(tag)s” is not a hashtag: use letters, digits and _ only.", tag=part[:30]))
        if len(tag) > HASHTAG_MAX:
            raise ValidationError("hashtags", _("Keep each hashtag under %(max)s characters.", max=HASHTAG_MAX))
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > HASHTAGS_MAX:
        raise ValidationError("hashtags", _("Suggest at most %(max)s hashtags.", max=HASHTAGS_MAX))
    return tags


def _clean(data: TopicInput, *, today: date, old_until: date | None = None) -> dict[str, Any]:
    title = " ".join(clean_title(data.title).split())
    if not title:
        raise ValidationError("title", _("Give the topic a title."))
    if len(title) > TITLE_MAX:
        raise ValidationError("title", _("Keep the title under %(max)s characters.", max=TITLE_MAX))
    if len(data.brief or "") > BRIEF_MAX:
        raise ValidationError("brief", _("Keep the brief under %(max)s characters.", max=posts.number(BRIEF_MAX)))
    audience = " ".join((data.audience or "").split())
    if len(audience) > AUDIENCE_MAX:
        raise ValidationError("audience", _("Keep the audience under %(max)s characters.", max=AUDIENCE_MAX))
    if len(data.key_messages or "") > MESSAGES_MAX:
        raise ValidationError(
            "key_messages", _("Keep the key messages under %(max)s characters.", max=posts.number(MESSAGES_MAX)))
    platforms = list(dict.fromkeys(p.strip().lower() for p in data.platforms if p.strip()))
    if len(platforms) > PLATFORMS_MAX or any(not _PLATFORM.fullmatch(p) for p in platforms):
        raise ValidationError("platforms", _("Pick platforms from the list."))
    if data.useful_until is not None and data.useful_until < today and data.useful_until != old_until:
        raise ValidationError("useful_until", _("Pick a date from today on, or leave it empty."))
    return {
        "title": title,
        "brief": data.brief or "",
        "brief_html": render_markdown(data.brief or ""),
        "audience": audience,
        "platforms_text": ",".join(platforms),
        "key_messages": (data.key_messages or "").strip(),
        "hashtags_text": ",".join(normalize_hashtags(data.hashtags)),
        "useful_until": data.useful_until,
    }


def _unique_slug(session: Session, title: str, topic_id: int | None = None) -> str:
    base = slugify(title, 60)
    taken = set(session.scalars(sa.select(Topic.slug).where(Topic.slug.like(f"{base}%"), Topic.id != (topic_id or 0))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _new_topic(session: Session, actor: User, data: TopicInput, state: TopicState, today: date) -> Topic:
    values = _clean(data, today=today)
    for attempt in range(8):
        slug = _unique_slug(session, values["title"])
        if attempt >= 3:  # many saves of one title at the same moment: stop queueing for the next number
            slug = f"{slugify(values['title'], 60)}-{secrets.token_hex(3)}"
        topic = Topic(**values, slug=slug, state=state, created_by_id=actor.id)
        try:
            with savepoint(session):  # a topic of the same title saved at the same moment takes the slug
                session.add(topic)
            return topic
        except sa.exc.IntegrityError:
            continue  # the savepoint's rollback dropped ``topic``; read the taken slugs again
    raise Conflict(_("Many topics with this title were saved at the same moment; please save again."))


def create_topic(session: Session, actor: User, data: TopicInput, *, today: date | None = None) -> Topic:
    """A topic straight onto the board (comms and admins). Followers of its area are told."""
    _require_manager(actor)
    topic = _new_topic(session, actor, data, TopicState.OPEN, today or utcnow().date())
    topic.added_by_id, topic.added_at = actor.id, utcnow()
    _announce(session, topic, actor)
    return topic


def propose_topic(session: Session, actor: User, data: TopicInput, *, today: date | None = None) -> Topic:
    """A topic anyone signed in suggests; it shows as proposed until comms adds it to the board.
    It can be picked up and written about at once."""
    _require_active(actor)
    return _new_topic(session, actor, data, TopicState.PROPOSED, today or utcnow().date())


def update_topic(session: Session, actor: User, topic: Topic, data: TopicInput, *, today: date | None = None) -> None:
    """Change what a topic says. Its slug (the utm_campaign of its posts' links) changes with the
    title only while the topic is proposed and no post was written for it."""
    if not can_edit_topic(actor, topic):
        raise PermissionDenied(_("Only comms and admins (or whoever proposed it, while proposed) can edit this topic."))
    values = _clean(data, today=today or utcnow().date(), old_until=topic.useful_until)
    if values["title"] != topic.title and topic.is_proposed and not _has_posts(session, topic):
        topic.slug = _unique_slug(session, values["title"], topic.id)
    for key, value in values.items():
        setattr(topic, key, value)
    topic.updated_at = utcnow()


def _has_posts(session: Session, topic: Topic) -> bool:
    return session.scalar(sa.select(sa.exists().where(Post.topic_id == topic.id))) or False


def add_to_board(session: Session, actor: User, topic: Topic) -> None:
    """Put a proposed (or closed) topic on the board. The first time, whoever proposed it and the
    followers of its area are told."""
    _require_manager(actor)
    if topic.is_open:
        return
    first = topic.added_at is None
    topic.state = TopicState.OPEN
    topic.closed_at = None
    topic.updated_at = utcnow()
    if first:
        topic.added_by_id, topic.added_at = actor.id, utcnow()
        topic_added.send(topic, session=session, actor=actor)
        _announce(session, topic, actor, skip={topic.created_by_id})


def close_topic(session: Session, actor: User, topic: Topic) -> None:
    """Take a topic off the board (or turn down a proposal). Posts written for it keep the link."""
    _require_manager(actor)
    if not topic.is_closed:
        topic.state = TopicState.CLOSED
        topic.closed_at = topic.updated_at = utcnow()


def _announce(session: Session, topic: Topic, actor: User, skip: frozenset[int] | set[int] = frozenset()) -> None:
    areas = [ALL_AREAS] + ([topic.area] if topic.area else [])
    followers = set(session.scalars(sa.select(TopicFollow.user_id).where(TopicFollow.area.in_(areas)))) - set(skip)
    topic_announced.send(topic, session=session, actor=actor, followers=followers)


# --- following ----------------------------------------------------------------------------------


def follow_topic(session: Session, actor: User, topic: Topic) -> None:
    """Hear about posts published for ``topic``."""
    _require_active(actor)

    def find() -> TopicFollow | None:
        return session.scalar(
            sa.select(TopicFollow).where(TopicFollow.user_id == actor.id, TopicFollow.topic_id == topic.id)
        )

    find() or add_or_get(session, TopicFollow(user_id=actor.id, topic_id=topic.id), find)  # a double click races


def unfollow_topic(session: Session, actor: User, topic: Topic) -> None:
    """Stop hearing about ``topic``."""
    session.execute(sa.delete(TopicFollow).where(TopicFollow.user_id == actor.id, TopicFollow.topic_id == topic.id))


def _area(raw: str) -> str:
    area = ALL_AREAS if (raw or "").strip() == ALL_AREAS else area_key(raw)
    if not area:
        raise ValidationError("area", _("Name the audience to follow."))
    if len(area) > AUDIENCE_MAX:
        raise ValidationError("area", _("Keep it under %(max)s characters.", max=AUDIENCE_MAX))
    return area


def follow_area(session: Session, actor: User, raw: str) -> str:
    """Hear about new topics for an audience (``*``: every new topic). Returns the area as stored."""
    _require_active(actor)
    area = _area(raw)
    def find() -> TopicFollow | None:
        return session.scalar(sa.select(TopicFollow).where(TopicFollow.user_id == actor.id, TopicFollow.area == area))

    find() or add_or_get(session, TopicFollow(user_id=actor.id, area=area), find)  # a double click races
    return area


def unfollow_area(session: Session, actor: User, raw: str) -> None:
    """Stop hearing about new topics for an audience."""
    session.execute(sa.delete(TopicFollow).where(TopicFollow.user_id == actor.id, TopicFollow.area == _area(raw)))


# --- writing for a topic ------------------------------------------------------------------------


def pick_up(session: Session, actor: User, topic: Topic) -> Post:
    """Start a draft written for ``topic`` (open or proposed; closed topics are done)."""
    _require_active(actor)
    if topic.is_closed:
        raise ValidationError(None, _("This topic is closed. You can still write about it: start a post of your own."))
    post = posts.create_draft(session, actor, PostInput(title=""), empty=True)  # linked to the topic on purpose
    post.topic_id = topic.id
    return post


def link_post(session: Session, actor: User, post: Post, topic: Topic | None) -> None:
    """Say which topic ``post`` was written for, or none (its author only). Linking a published
    post tells the topic's followers, once."""
    if not posts.can_edit(actor, post):
        raise PermissionDenied(_("Only the author can change this post."))
    if topic is not None and topic.is_closed and topic.id != post.topic_id:
        raise ValidationError("topic_id", _("That topic is closed."))
    post.topic_id = topic.id if topic else None
    if topic is not None and post.is_public:
        _tell_topic_followers(session, post)


def _tell_topic_followers(session: Session, post: Post) -> None:
    """Followers of the post's topic hear that it is published for it."""
    topic = session.get(Topic, post.topic_id) if post.topic_id else None
    if topic is None:
        return
    followers = list(session.scalars(sa.select(TopicFollow.user_id).where(TopicFollow.topic_id == topic.id)))
    topic_post_published.send(topic, session=session, post=post, followers=followers)


def on_post_published(post: Post, *, session: Session, first: bool = True, **_: Any) -> None:
    """hub.posts' ``post_published``, connected in hub/events.py: a post written for a topic that
    goes live for the first time is news for the topic's followers."""
    if first and post.topic_id is not None:
        _tell_topic_followers(session, post)
