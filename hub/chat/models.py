"""A chat channel's incoming webhook and what it is told."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, str_enum, utcnow
from hub.i18n import _l


class ChatKind(enum.StrEnum):
    SLACK = "slack"
    TEAMS = "teams"

    @property
    def label(self) -> str:
        return {"slack": "Slack", "teams": "Microsoft Teams"}[self.value]


# What each event is called in pages (the values are what the database stores).
CHAT_EVENT_LABELS = {"topic": _l("New topics on the board"), "post": _l("Posts published for a topic"),
                     "digest": _l("Weekly digest")}


class ChatEvent(enum.StrEnum):
    TOPIC = "topic"  # a new topic on the board
    POST = "post"  # a post published for a topic the channel follows
    DIGEST = "digest"  # the weekly digest of what colleagues published

    @property
    def label(self) -> str:
        return str(CHAT_EVENT_LABELS[self.value])


TARGET_PREFIX = "chat:"


class ChatWebhook(Base):
    """One channel's incoming webhook. Its address is a secret (anyone holding it can post to the
    channel): the database keeps it sealed with a key derived from SECRET_KEY (hub.lib.sealed),
    hub unseals it only to deliver a message, and pages show ``url_hint`` only."""

    __tablename__ = "chat_webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ChatKind] = mapped_column(str_enum(ChatKind))
    name: Mapped[str] = mapped_column(sa.String(80))  # the channel, e.g. "#marketing"
    sealed_url: Mapped[str] = mapped_column(sa.Text)  # hub.lib.sealed.seal(address)
    url_hint: Mapped[str] = mapped_column(sa.String(160))
    events_text: Mapped[str] = mapped_column(sa.String(60))  # ChatEvent values, comma separated
    # The areas (topic audiences, folded) whose topics and posts the channel hears about, comma
    # separated; "" for every topic.
    areas_text: Mapped[str] = mapped_column(sa.String(600), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    digest_sent_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()

    @property
    def events(self) -> tuple[ChatEvent, ...]:
        return tuple(ChatEvent(e) for e in self.events_text.split(",") if e)

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(a for a in self.areas_text.split(",") if a)

    def hears(self, event: ChatEvent, area: str = "") -> bool:
        """Whether this channel is told about ``event`` for a topic of ``area``."""
        if event not in self.events:
            return False
        return event == ChatEvent.DIGEST or not self.areas or area in self.areas

    @property
    def target(self) -> str:
        """How outbox messages name this webhook (the address itself never enters the outbox)."""
        return f"{TARGET_PREFIX}{self.id}"

    @property
    def label(self) -> str:
        """How the outbox lists it: kind, channel and the masked address."""
        return f"{self.kind.label} {self.name} ({self.url_hint})"
