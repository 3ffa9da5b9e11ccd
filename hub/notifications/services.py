"""Writing notifications: one per recipient of an event, and marking them read.

The ``on_*`` functions react to other domains' signals; hub/events.py connects them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from hub.auth.models import User, UserStatus
from hub.db import utcnow
from hub.errors import NotFound
from hub.i18n import _
from hub.notifications.models import Notification, NotificationKind
from hub.posts.models import Post
from hub.suggestions.models import Suggestion
from hub.topics.models import Topic


def notify(
    session: Session,
    recipients: Iterable[int],
    kind: NotificationKind,
    *,
    actor: User | None,
    post: Post | None = None,
    suggestion: Suggestion | None = None,
    topic: Topic | None = None,
) -> list[Notification]:
    """One notification for each active recipient, never for ``actor`` themselves."""
    ids = set(recipients) - {actor.id if actor else None}
    if not ids:
        return []
    active = session.scalars(
        sa.select(User.id).where(User.id.in_(ids), User.status == UserStatus.ACTIVE)
    ).all()
    made = [
        Notification(
            user_id=uid,
            kind=kind,
            actor_id=actor.id if actor else None,
            post_id=post.id if post else None,
            suggestion_id=suggestion.id if suggestion else None,
            topic_id=topic.id if topic else None,
        )
        for uid in sorted(active)
    ]
    session.add_all(made)
    session.flush()
    return made


def mark_read(session: Session, actor: User, notification: Notification | None = None) -> int:
    """Mark one of ``actor``'s notifications read, or all of them; returns how many changed."""
    stmt = sa.update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if notification is not None:
        if notification.user_id != actor.id:
            raise NotFound(_("No such notification."))
        stmt = stmt.where(Notification.id == notification.id)
    # An UPDATE's result is a CursorResult, which has the rowcount (execute() is typed for any statement).
    result = cast(
        CursorResult[Any],
        session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session="fetch")),
    )
    changed = result.rowcount
    return int(changed or 0)


def set_digest_sent(session: Session, user: User, when: datetime) -> None:
    """Remember that ``user``'s digest went out at ``when`` (the next one starts from there)."""
    user.digest_sent_at = when


# --- reactions to other domains' signals (connected in hub/events.py) ---------------------------


def on_suggestion_submitted(suggestion: Suggestion, *, session: Session, actor: User, **_kw: Any) -> None:
    """A colleague commented or proposed an edit: the post's author hears."""
    post = suggestion.post
    notify(
        session, [post.author_id], NotificationKind.SUGGESTION, actor=actor, post=post, suggestion=suggestion
    )


def on_suggestion_replied(
    suggestion: Suggestion, *, session: Session, actor: User, participants: Iterable[int], **_kw: Any
) -> None:
    """Someone replied in a conversation: the others in it who may see it hear."""
    notify(
        session,
        participants,
        NotificationKind.REPLY,
        actor=actor,
        post=suggestion.post,
        suggestion=suggestion,
    )


def on_suggestion_decided(
    suggestion: Suggestion, *, session: Session, actor: User, accepted: bool, **_kw: Any
) -> None:
    """The author accepted or declined a proposed edit: its suggester hears."""
    kind = NotificationKind.ACCEPTED if accepted else NotificationKind.DECLINED
    notify(session, [suggestion.author_id], kind, actor=actor, post=suggestion.post, suggestion=suggestion)


def on_topic_added(topic: Topic, *, session: Session, actor: User, **_kw: Any) -> None:
    """A proposed topic went on the board: whoever proposed it hears."""
    notify(session, [topic.created_by_id], NotificationKind.TOPIC_ADDED, actor=actor, topic=topic)


def on_topic_announced(
    topic: Topic, *, session: Session, actor: User, followers: Iterable[int], **_kw: Any
) -> None:
    """A topic is new on the board: the followers of its area hear."""
    notify(session, followers, NotificationKind.TOPIC_NEW, actor=actor, topic=topic)


def on_topic_post_published(
    topic: Topic, *, session: Session, post: Post, followers: Iterable[int], **_kw: Any
) -> None:
    """A post written for a topic went live: the topic's followers hear, once per post."""
    told = session.scalar(
        sa.select(
            sa.exists().where(
                Notification.kind == NotificationKind.TOPIC_POST,
                Notification.post_id == post.id,
                Notification.topic_id == topic.id,
            )
        )
    )
    if not told:
        notify(
            session,
            followers,
            NotificationKind.TOPIC_POST,
            actor=session.get(User, post.author_id),
            post=post,
            topic=topic,
        )


def on_feedback_received(post: Post, *, session: Session, **_kw: Any) -> None:
    """A reader left feedback on a post: its author hears."""
    notify(session, [post.author_id], NotificationKind.FEEDBACK, actor=None, post=post)
