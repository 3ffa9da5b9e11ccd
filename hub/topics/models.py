"""Topics on the board, and who follows what.

A topic is proposed by anyone or created by comms; comms adds proposed topics to the board
(state ``open``) and closes them. People follow a topic (told about posts written for it) or an
*area*: the audience a topic is for, normalised (told about new topics for that audience).
The area ``*`` means every new topic.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, str_enum, utcnow
from hub.i18n import _l
from hub.lib.text import fold

ALL_AREAS = "*"
CLOSING_SOON = timedelta(days=14)  # a topic this close to its "useful until" date is closing soon


def area_key(audience: str | None) -> str:
    """The area an audience belongs to: single-spaced and case-folded ("" for none)."""
    return fold(audience)


class TopicState(enum.StrEnum):
    PROPOSED = "proposed"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """The state as pages show it (the stored value stays as it is)."""
        return str(_STATE_LABELS[self.value])


_STATE_LABELS = {"proposed": _l("Proposed"), "open": _l("On the board"), "closed": _l("Closed")}


class Topic(Base):
    """Something worth writing about: a brief, who it is for, where it fits, what to say."""

    __tablename__ = "topic"
    __table_args__ = (sa.Index("ix_topic_state_created_at", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set once, kept when the title changes after the topic is on the board: it is the
    # utm_campaign of every share link of posts written for the topic.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    brief: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    brief_html: Mapped[str] = mapped_column(sa.Text, default="")  # sanitized at save
    audience: Mapped[str] = mapped_column(sa.String(120), default="")
    platforms_text: Mapped[str] = mapped_column(sa.String(300), default="")  # platform ids, comma separated
    key_messages: Mapped[str] = mapped_column(sa.Text, default="")  # one message or link a line
    hashtags_text: Mapped[str] = mapped_column(sa.String(600), default="")  # without "#", comma separated
    useful_until: Mapped[date | None] = mapped_column(sa.Date)
    state: Mapped[TopicState] = mapped_column(str_enum(TopicState), default=TopicState.PROPOSED)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    added_at: Mapped[datetime | None]  # when it went on the board
    closed_at: Mapped[datetime | None]

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])

    @property
    def hashtags(self) -> tuple[str, ...]:
        return tuple(t for t in self.hashtags_text.split(",") if t)

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(p for p in self.platforms_text.split(",") if p)

    @property
    def messages(self) -> list[str]:
        return [line.strip() for line in self.key_messages.splitlines() if line.strip()]

    @property
    def area(self) -> str:
        return area_key(self.audience)

    @property
    def is_open(self) -> bool:
        return self.state == TopicState.OPEN

    @property
    def is_proposed(self) -> bool:
        return self.state == TopicState.PROPOSED

    @property
    def is_closed(self) -> bool:
        return self.state == TopicState.CLOSED

    def past_useful_date(self, today: date) -> bool:
        return self.useful_until is not None and self.useful_until < today

    def closing_soon(self, today: date) -> bool:
        return self.useful_until is not None and today <= self.useful_until <= today + CLOSING_SOON

    @property
    def status_label(self) -> str:
        return self.state.label

    def __repr__(self) -> str:
        return f"<Topic {self.id} {self.state}>"


class TopicFollow(Base):
    """One person following one topic, or one area (``topic_id`` or ``area``, never both)."""

    __tablename__ = "topic_follow"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "topic_id", name="uq_topic_follow_user_id_topic_id"),
        sa.UniqueConstraint("user_id", "area", name="uq_topic_follow_user_id_area"),
        sa.CheckConstraint("(topic_id IS NULL) <> (area IS NULL)", name="one_target"),
        sa.Index("ix_topic_follow_area", "area"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    area: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
