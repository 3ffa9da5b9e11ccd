"""Suggestions and their replies.

A suggestion is a comment or a proposed edit, always written against one revision of a post.
It is a conversation: anyone who can see it replies; the post's author accepts or declines an
edit; the author or the person who started it resolves the thread. Nothing here changes a post:
accepting goes through ``hub.posts.services``.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, str_enum, utcnow
from hub.i18n import _l
from hub.posts.models import Post, PostRevision


class SuggestionKind(enum.StrEnum):
    COMMENT = "comment"
    EDIT = "edit"


class SuggestionState(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        """The state as pages show it (the stored value stays as it is)."""
        return str(_STATE_LABELS[self.value])


# The fields of a proposed edit, named in a sentence ("Changes: title, body").
_FIELD_LABELS = {"title": _l("title"), "summary": _l("summary"), "body": _l("body")}
_STATE_LABELS = {"open": _l("Open"), "accepted": _l("Accepted"), "declined": _l("Declined"), "resolved": _l("Resolved")}


class Suggestion(Base):
    __tablename__ = "suggestion"
    __table_args__ = (sa.Index("ix_suggestion_post_id_state", "post_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[SuggestionKind] = mapped_column(str_enum(SuggestionKind))
    state: Mapped[SuggestionState] = mapped_column(str_enum(SuggestionState), default=SuggestionState.OPEN)
    # The revision the suggestion was written on (what the colleague saw).
    base_revision_id: Mapped[int] = mapped_column(sa.ForeignKey("post_revision.id"))
    message: Mapped[str] = mapped_column(sa.Text, default="")  # the comment, or why the edit
    quote: Mapped[str | None] = mapped_column(sa.Text)  # the passage a comment is about
    # A proposed edit: the whole of each field as the colleague would have it.
    title: Mapped[str | None] = mapped_column(sa.Text)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    body: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decline_note: Mapped[str] = mapped_column(sa.Text, default="")
    # The revision hub appended when the author accepted the edit.
    applied_revision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("post_revision.id"))

    post: Mapped[Post] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    base_revision: Mapped[PostRevision] = relationship(foreign_keys=[base_revision_id])
    applied_revision: Mapped[PostRevision | None] = relationship(foreign_keys=[applied_revision_id])
    replies: Mapped[list[SuggestionReply]] = relationship(
        back_populates="suggestion", order_by="SuggestionReply.id", cascade="all, delete-orphan"
    )

    @property
    def is_edit(self) -> bool:
        return self.kind == SuggestionKind.EDIT

    @property
    def is_open(self) -> bool:
        return self.state == SuggestionState.OPEN

    @property
    def changed_fields(self) -> list[str]:
        """The fields a proposed edit changes, compared with its base revision."""
        if not self.is_edit:
            return []
        base = self.base_revision
        return [f for f in ("title", "summary", "body") if getattr(self, f) != getattr(base, f)]

    @property
    def changed_field_labels(self) -> list[str]:
        """``changed_fields`` as a page names them."""
        return [str(_FIELD_LABELS[f]) for f in self.changed_fields]

    def __repr__(self) -> str:
        return f"<Suggestion {self.id} {self.kind} {self.state}>"


class SuggestionReply(Base):
    __tablename__ = "suggestion_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(sa.ForeignKey("suggestion.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    suggestion: Mapped[Suggestion] = relationship(back_populates="replies")
    author: Mapped[User] = relationship()
