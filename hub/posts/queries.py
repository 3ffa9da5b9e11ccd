"""Reads for posts: lists, feeds, search, revisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.orm import Session, joinedload, selectinload, undefer

from hub.auth.models import User
from hub.errors import NotFound
from hub.lib import search
from hub.posts.models import Image, Post, PostEvent, PostRevision, PostStatus, SearchTerm, Tag, post_tag


@dataclass(frozen=True)
class Page:
    items: Sequence[Post]
    page: int
    has_next: bool


def get_post(session: Session, post_id: int) -> Post:
    """The post with ``post_id`` (revisions loaded), or NotFound."""
    post = session.scalar(
        sa.select(Post)
        .where(Post.id == post_id)
        .options(joinedload(Post.current_revision), joinedload(Post.live_revision), joinedload(Post.author))
    )
    if post is None:
        raise NotFound("No such post.")
    return post


def _matching(query: str, scope: str) -> sa.Select | None:
    """Post ids whose ``scope`` terms match every word of ``query`` (each as a prefix)."""
    words = list(dict.fromkeys(search.terms(query)))[:8]
    if not words:
        return None
    stmt = None
    for word in words:
        sub = sa.select(SearchTerm.post_id).where(
            SearchTerm.scope == scope,
            SearchTerm.term >= word,
            SearchTerm.term < search.prefix_upper_bound(word),
        )
        stmt = sub if stmt is None else stmt.where(SearchTerm.post_id.in_(sub))
    return stmt


def _paged(session: Session, stmt: sa.Select, page: int, per_page: int) -> Page:
    page = max(1, page)
    rows = session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)).unique().all()
    return Page(rows[:per_page], page, len(rows) > per_page)


_signals = Namespace()
needs_attention = _signals.signal("hub.posts.needs-attention")
"""Asked as ``needs_attention.send(Post)`` when an author's list is read: a receiver returns a SQL
condition on the ``post`` row that puts a post first (hub.suggestions: it has open suggestions)."""


def my_posts(session: Session, user: User, *, query: str = "", archived: bool = False, page: int = 1, per_page: int = 20) -> Page:
    """The author's posts: those that need their attention first (``needs_attention``), then
    newest change first; archived ones only when asked for."""
    conditions = [found for _receiver, found in needs_attention.send(Post) if found is not None]
    first = sa.or_(*conditions) if conditions else sa.false()
    stmt = (
        sa.select(Post)
        .where(Post.author_id == user.id)
        .options(joinedload(Post.current_revision), joinedload(Post.live_revision))
        .order_by(sa.case((first, 0), else_=1), Post.updated_at.desc(), Post.id.desc())
    )
    stmt = stmt.where(Post.status == PostStatus.ARCHIVED) if archived else stmt.where(Post.status != PostStatus.ARCHIVED)
    matching = _matching(query, "current")
    if matching is not None:
        stmt = stmt.where(Post.id.in_(matching))
    return _paged(session, stmt, page, per_page)


def published(
    session: Session,
    *,
    query: str = "",
    author_id: int | None = None,
    tag_id: int | None = None,
    exclude_author_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Published posts, newest first, optionally by author, tag or search words."""
    stmt = (
        sa.select(Post)
        .where(Post.status == PostStatus.PUBLISHED)
        .options(joinedload(Post.live_revision).joinedload(PostRevision.cover_image), joinedload(Post.author), selectinload(Post.tags))
        .order_by(Post.published_at.desc(), Post.id.desc())
    )
    if author_id is not None:
        stmt = stmt.where(Post.author_id == author_id)
    if exclude_author_id is not None:
        stmt = stmt.where(Post.author_id != exclude_author_id)
    if tag_id is not None:
        stmt = stmt.where(Post.id.in_(sa.select(post_tag.c.post_id).where(post_tag.c.tag_id == tag_id)))
    matching = _matching(query, "live")
    if matching is not None:
        stmt = stmt.where(Post.id.in_(matching))
    return _paged(session, stmt, page, per_page)


def revisions(session: Session, post: Post) -> Sequence[PostRevision]:
    """Every revision of ``post``, newest first."""
    return session.scalars(
        sa.select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .options(joinedload(PostRevision.created_by))
        .order_by(PostRevision.number.desc())
    ).all()


def revision(session: Session, post: Post, number: int) -> PostRevision:
    """Revision ``number`` of ``post``, or NotFound."""
    rev = session.scalar(sa.select(PostRevision).where(PostRevision.post_id == post.id, PostRevision.number == number))
    if rev is None:
        raise NotFound("No such revision.")
    return rev


def events(session: Session, post: Post) -> Sequence[PostEvent]:
    """What happened to ``post``, newest first."""
    return session.scalars(
        sa.select(PostEvent).where(PostEvent.post_id == post.id).options(joinedload(PostEvent.actor)).order_by(PostEvent.id.desc())
    ).all()


def tag_by_slug(session: Session, slug: str) -> Tag:
    tag = session.scalar(sa.select(Tag).where(Tag.slug == slug))
    if tag is None:
        raise NotFound("No such tag.")
    return tag


def all_public_for_sitemap(session: Session, limit: int = 50_000) -> Sequence[Post]:
    """Published posts for the sitemap, newest first."""
    return session.scalars(
        sa.select(Post)
        .where(Post.status == PostStatus.PUBLISHED)
        .options(joinedload(Post.live_revision))
        .order_by(Post.published_at.desc())
        .limit(limit)
    ).all()


def public_authors(session: Session) -> Sequence[User]:
    """People with at least one published post."""
    return session.scalars(
        sa.select(User).where(User.id.in_(sa.select(Post.author_id).where(Post.status == PostStatus.PUBLISHED))).order_by(User.display_name)
    ).all()


def image_by_filename(session: Session, filename: str) -> Image:
    """The image stored as ``<key>.<ext>`` with its bytes, or NotFound."""
    key = filename.rsplit(".", 1)[0]
    image = session.scalar(sa.select(Image).where(Image.key == key).options(undefer(Image.data)))
    if image is None or image.filename != filename:
        raise NotFound("No such image.")
    return image
