"""The library: outside articles worth sharing, and the RSS/Atom feeds comms subscribe to.

An item's URL was registered by a signed-in person (pasted, or picked by comms from a feed they
subscribed to): that is the only kind of outside address a tracked link ``/s/<code>`` ever
redirects to (hub.sharing's ShareLink.item_id)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, str_enum, utcnow
from hub.i18n import _l
from hub.topics.models import Topic


class ItemState(enum.StrEnum):
    SUGGESTED = "suggested"  # arrived from a feed: comms pick it (or not)
    ACTIVE = "active"  # in the library: anyone shares it
    DISMISSED = "dismissed"  # a feed's item comms did not pick
    REMOVED = "removed"  # taken out of the library by comms or the person who added it

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.value])


STATE_LABELS = {"suggested": _l("From a feed, waiting"), "active": _l("In the library"), "dismissed": _l("Not picked"),
                "removed": _l("Removed")}


class LibraryFeed(Base):
    """An RSS or Atom feed comms subscribed to; ``hub library poll-feeds`` reads it."""

    __tablename__ = "library_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    url_key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 of the URL
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_active: Mapped[bool] = mapped_column(default=True)
    polled_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")
    items_seen: Mapped[int] = mapped_column(default=0)

    added_by: Mapped[User | None] = relationship()

    @property
    def name(self) -> str:
        return self.title or self.url


class LibraryItem(Base):
    """One outside article: where it is, what it says about itself, and who added it why."""

    __tablename__ = "library_item"
    __table_args__ = (sa.Index("ix_library_item_state_created_at", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    url_key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 of the URL
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    image_url: Mapped[str] = mapped_column(sa.String(2000), default="")
    language: Mapped[str] = mapped_column(sa.String(8), default="")
    site_name: Mapped[str] = mapped_column(sa.String(200), default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")  # the adder's own words
    state: Mapped[ItemState] = mapped_column(str_enum(ItemState), default=ItemState.ACTIVE)
    use_utm: Mapped[bool] = mapped_column(default=False)  # other sites' analytics are theirs
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topic.id", ondelete="SET NULL"), index=True)
    feed_id: Mapped[int | None] = mapped_column(sa.ForeignKey("library_feed.id", ondelete="SET NULL"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    picked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    fetched: Mapped[bool] = mapped_column(default=False)  # title etc. read from the page itself
    published_at: Mapped[datetime | None]  # as the feed says
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    feed: Mapped[LibraryFeed | None] = relationship()
    topic: Mapped[Topic | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.state == ItemState.ACTIVE

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")

    @property
    def source_name(self) -> str:
        return self.site_name or self.host
