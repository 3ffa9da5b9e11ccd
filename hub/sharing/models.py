"""Share texts, tracked links, clicks and share events. Clicks and events are append-only facts.

Each row is about one thing shared: a post of hub's (``post_id``) or an outside article of the
library (``item_id``, a ``library_item`` row), never both; a check constraint holds it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, utcnow
from hub.sharing import linkcheck


class ShareLink(Base):
    """The tracked short link of one person sharing one post (or library item) on one platform."""

    __tablename__ = "share_link"
    __table_args__ = (
        sa.UniqueConstraint("post_id", "user_id", "platform", name="uq_share_link_post_user_platform"),
        sa.UniqueConstraint("item_id", "user_id", "platform", name="uq_share_link_item_user_platform"),
        sa.CheckConstraint("(post_id IS NULL) <> (item_id IS NULL)", name="post_or_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("library_item.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    platform: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Click(Base):
    """One follow of a tracked link. ``uid`` makes ingestion from the click log idempotent;
    ``visitor`` is a salted hash that rotates daily (no raw address is stored). A click on a
    library item's link has no ``post_id``; its link says which item.

    ``post_id`` and ``user_id`` are the link's, copied when the click is logged. ``link_id`` is
    held by the database as a foreign key would hold it (a click's link exists; deleting a link,
    or the post or item it belongs to, deletes its clicks), but once per statement rather than
    once per click (``hub.sharing.linkcheck``): a per-row foreign-key check was two thirds of the
    cost of storing a click on PostgreSQL. ``post_id`` and ``user_id`` carry no check nor index
    of their own (the link proves them; ingestion checks a click's link still has them), and
    nothing reads clicks by them (the dashboards read the rollups; a post's clicks are found
    through its links)."""

    __tablename__ = "click"
    __table_args__ = (sa.Index("ix_click_at", "at"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(32), unique=True)
    link_id: Mapped[int] = mapped_column(sa.Integer, index=True)  # a share link's: hub.sharing.linkcheck
    post_id: Mapped[int | None] = mapped_column(sa.Integer)  # the link's; None: a library item's
    user_id: Mapped[int] = mapped_column(sa.Integer)  # the link's
    platform: Mapped[str] = mapped_column(sa.String(16))
    at: Mapped[datetime]
    is_bot: Mapped[bool] = mapped_column(default=False)
    visitor: Mapped[str | None] = mapped_column(sa.String(24))


class ShareEvent(Base):
    """Someone copied a share text or opened a platform's share screen."""

    __tablename__ = "share_event"
    __table_args__ = (
        sa.Index("ix_share_event_post_at", "post_id", "at"),
        sa.Index("ix_share_event_user_at", "user_id", "at"),
        sa.Index("ix_share_event_item_at", "item_id", "at"),
        sa.CheckConstraint("(post_id IS NULL) <> (item_id IS NULL)", name="post_or_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("library_item.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    platform: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(16))  # copy, intent, webshare
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ShareText(Base):
    """A person's own wording for one platform. The author's texts are the post's defaults,
    offered to colleagues as their starting point."""

    __tablename__ = "share_text"
    __table_args__ = (
        sa.UniqueConstraint("post_id", "user_id", "platform", name="uq_share_text_post_user_platform"),
        sa.UniqueConstraint("item_id", "user_id", "platform", name="uq_share_text_item_user_platform"),
        sa.CheckConstraint("(post_id IS NULL) <> (item_id IS NULL)", name="post_or_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("library_item.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    platform: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text)
    subject: Mapped[str | None] = mapped_column(sa.Text)
    revision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("post_revision.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class OwnWords(Base):
    """A person's own line or two about a post ("why I share this"), kept while they type on the
    share page; every proposed share text of theirs is built around it."""

    __tablename__ = "share_own_words"
    __table_args__ = (
        sa.UniqueConstraint("post_id", "user_id", name="uq_share_own_words_post_user"),
        sa.UniqueConstraint("item_id", "user_id", name="uq_share_own_words_item_user"),
        sa.CheckConstraint("(post_id IS NULL) <> (item_id IS NULL)", name="post_or_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("library_item.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    words: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Setting(Base):
    """Site-wide settings that admins change in the app (e.g. the disclosure line)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShareNetwork(Base):
    """A network a person chose to share to (their profile setting): the share page starts with
    these cards, in ``position`` order, and folds the others away."""

    __tablename__ = "share_network"
    __table_args__ = (sa.UniqueConstraint("user_id", "platform", name="uq_share_network_user_platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(sa.String(16))
    position: Mapped[int] = mapped_column(default=0)


class ProposalCache(Base):
    """hub's proposed texts for a post, kept so the share page does not build them on every view.

    ``key`` is a digest of everything the texts are built from (the live revision's title, body,
    summary, tags and key point, the topic, the disclosure line, the person's own words, and the
    rules' own source), so any change gives a new key and a stale row is never read; ``user_id``
    is the person whose own words they are built around (None: the texts everyone without own
    words starts from). Rows a new key replaces are deleted as it is written."""

    __tablename__ = "share_proposal_cache"
    __table_args__ = (sa.Index("ix_share_proposal_cache_post_user", "post_id", "user_id"),)

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    proposals: Mapped[str] = mapped_column(sa.Text)  # JSON: one object per platform
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


linkcheck.attach(Base.metadata)  # click -> share_link, held per statement (see Click)
