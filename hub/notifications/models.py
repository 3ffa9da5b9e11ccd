"""What someone should know about, shown in the app until read (and in a daily digest).

Notifications react to other domains' events (a suggestion, a reply, a topic on the board, a
post for a followed topic, reader feedback): those domains send blinker signals and hub/events.py
connects them to the handlers in ``hub.notifications.services``, so none of them imports this.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, str_enum, utcnow
from hub.posts.models import Post
from hub.suggestions.models import Suggestion
from hub.topics.models import Topic


class NotificationKind(enum.StrEnum):
    SUGGESTION = "suggestion"  # someone suggested an edit or commented on your post
    REPLY = "reply"  # someone replied in a conversation you are part of
    ACCEPTED = "accepted"  # your suggestion was accepted
    DECLINED = "declined"  # your suggestion was declined
    TOPIC_NEW = "topic_new"  # a new topic in an area you follow
    TOPIC_POST = "topic_post"  # a post was published for a topic you follow
    TOPIC_ADDED = "topic_added"  # the topic you proposed is on the board
    FEEDBACK = "feedback"  # a reader left feedback on your post (hub.insights)


class Notification(Base):
    """Something someone should know about, shown in the app until read."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    suggestion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("suggestion.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    post: Mapped[Post | None] = relationship()
    suggestion: Mapped[Suggestion | None] = relationship()
    topic: Mapped[Topic | None] = relationship()

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
