"""Reader feedback, and the daily click rollups that keep the dashboards fast.

``click_rollup`` is derived data: every row can be rebuilt from ``click``
(``hub.insights.rollups.rebuild``). It is kept current as the click log is ingested.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, str_enum, utcnow
from hub.i18n import _l
from hub.posts.models import Post
from hub.sharing.models import Click, ShareEvent

# What each status is called where people read it (the value is what is stored and compared).
STATUS_LABELS = {"new": _l("New"), "acknowledged": _l("Acknowledged"), "acting": _l("Acting on it"), "done": _l("Done"),
                 "declined": _l("Declined")}


class FeedbackStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ACTING = "acting"
    DONE = "done"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        """The status's name in the person's language."""
        return str(STATUS_LABELS[self.value])

    @property
    def is_acted_on(self) -> bool:
        """Counts towards the "share acted on" KPI."""
        return self in (FeedbackStatus.ACTING, FeedbackStatus.DONE)


class Feedback(Base):
    """A reader's message about a post, and what the post's people did with it."""

    __tablename__ = "feedback"
    __table_args__ = (
        sa.Index("ix_feedback_post_id_created_at", "post_id", "created_at"),
        sa.Index("ix_feedback_status_created_at", "status", "created_at"),
        sa.Index("ix_feedback_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    message: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[FeedbackStatus] = mapped_column(str_enum(FeedbackStatus), default=FeedbackStatus.NEW)
    internal_note: Mapped[str] = mapped_column(sa.Text, default="")  # seen by the author and comms only
    public_response: Mapped[str] = mapped_column(sa.Text, default="")  # shown under the post when set
    responded_at: Mapped[datetime | None]  # when the public response was last written
    first_response_at: Mapped[datetime | None]  # first status change or public response
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship()
    handled_by: Mapped[User | None] = relationship()

    @property
    def is_new(self) -> bool:
        return self.status == FeedbackStatus.NEW

    @property
    def has_public_response(self) -> bool:
        return bool(self.public_response.strip())

    def __repr__(self) -> str:
        return f"<Feedback {self.id} post={self.post_id} {self.status}>"


class RollupScope(enum.StrEnum):
    """The breakdowns kept per day. Each has its own exact count of distinct visitors."""

    SITE = "site"  # everything
    PLATFORM = "platform"  # per platform
    POST = "post"  # per post
    USER = "user"  # per person sharing
    USER_POST = "user_post"  # per person and post ("my shares" by post)
    USER_PLATFORM = "user_plat"  # per person and platform ("my shares" by platform)


class ClickRollup(Base):
    """Clicks and distinct visitors per UTC day and scope; columns a scope does not use hold
    0 or "" so that the primary key identifies the cell."""

    __tablename__ = "click_rollup"
    __table_args__ = (sa.Index("ix_click_rollup_user_id_scope_day", "user_id", "scope", "day"),)

    scope: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    post_id: Mapped[int] = mapped_column(primary_key=True, default=0, autoincrement=False)
    user_id: Mapped[int] = mapped_column(primary_key=True, default=0, autoincrement=False)
    platform: Mapped[str] = mapped_column(sa.String(16), primary_key=True, default="")
    is_bot: Mapped[bool] = mapped_column(primary_key=True)
    clicks: Mapped[int] = mapped_column(default=0)
    visitors: Mapped[int] = mapped_column(default=0)


# Indexes the insights queries need on the sharing domain's append-only tables: finding a
# visitor's earlier clicks when rolling up (the hash rotates daily, so a visitor has few rows),
# and share events by time.
sa.Index("ix_click_visitor", Click.visitor)
# Share events by time carry the columns the dashboards group them by, so those counts are read
# from the index alone (no table row per event).
sa.Index("ix_share_event_at", ShareEvent.at, ShareEvent.post_id, ShareEvent.user_id, ShareEvent.platform,
         ShareEvent.kind)
