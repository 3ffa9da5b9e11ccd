"""Reads for posts: lists, feeds, search, revisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.orm import Session, joinedload, selectinload, undefer

from hub.auth.models import User
from hub.errors import NotFound
from hub.i18n import _
from hub.posts import search
from hub.posts.models import Image, Post, PostEvent, PostRevision, PostStatus, Tag, post_tag


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
        raise NotFound(_("No such post."))
    return post


def _paged(session: Session, stmt: sa.Select, page: int, per_page: int) -> Page:
    page = max(1, page)
    rows = session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)).unique().all()
    return Page(rows[:per_page], page, len(rows) > per_page)


_signals = Namespace()
needs_attention = _signals.signal("hub.posts.needs-attention")
"""Asked as ``needs_attention.send(Post)`` when an author's list is read: a receiver returns a SQL
condition on the ``post`` row that puts a post first (hub.suggestions: it has open suggestions)."""


def my_posts(
    session: Session, user: User, *, query: str = "", archived: bool = False, page: int = 1, per_page: int = 20
) -> Page:
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
    stmt = (
        stmt.where(Post.status == PostStatus.ARCHIVED) if archived else stmt.where(Post.status != PostStatus.ARCHIVED)
    )
    matches = search.ranked_ids(session, query, "current")
    if matches is not None:
        stmt = stmt.where(Post.id.in_(sa.select(matches.c.post_id)))
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
    with_body: bool = False,
) -> Page:
    """Published posts, newest first, optionally by author or tag; with search words, the
    best matches first. Everything a post card shows is loaded with the page (``with_body``
    adds the live HTML, for feeds): rendering the list runs no further query."""
    live = joinedload(Post.live_revision)
    stmt = (
        sa.select(Post)
        .where(Post.status == PostStatus.PUBLISHED)
        .options(live.joinedload(PostRevision.cover_image), joinedload(Post.author), selectinload(Post.tags))
    )
    if with_body:
        stmt = stmt.options(live.undefer(PostRevision.body_html))
    if author_id is not None:
        stmt = stmt.where(Post.author_id == author_id)  # ix_post_author_id_status_published_at
    if exclude_author_id is not None:
        stmt = stmt.where(Post.author_id != exclude_author_id)
    if tag_id is not None:
        # A correlated EXISTS, not an IN list: the newest-first index is read in order and the
        # scan stops after a page, instead of collecting and sorting every post of the tag.
        stmt = stmt.where(sa.exists().where(post_tag.c.post_id == Post.id, post_tag.c.tag_id == tag_id))
    matches = search.ranked_ids(session, query, "live", limit=max(1, page) * per_page + 1)
    if matches is not None:
        stmt = stmt.join(matches, matches.c.post_id == Post.id).order_by(matches.c.rank)
    stmt = stmt.order_by(Post.published_at.desc(), Post.id.desc())
    return _paged(session, stmt, page, per_page)


_PUBLIC_POST = sa.select(Post).options(
    joinedload(Post.live_revision).options(undefer(PostRevision.body_html), joinedload(PostRevision.cover_image)),
    joinedload(Post.author),
    selectinload(Post.tags),
)


def public_post(session: Session, post_id: int) -> Post:
    """The post with ``post_id`` and everything its public page shows (author, live revision
    with its HTML and cover image, tags), in two statements; or NotFound. A preview of an
    unpublished post (its author, comms) loads the current revision on first use."""
    post = session.scalar(_PUBLIC_POST.where(Post.id == post_id))
    if post is None:
        raise NotFound(_("No such post."))
    return post


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
        raise NotFound(_("No such revision."))
    return rev


def events(session: Session, post: Post) -> Sequence[PostEvent]:
    """What happened to ``post``, newest first."""
    return session.scalars(
        sa.select(PostEvent)
        .where(PostEvent.post_id == post.id)
        .options(joinedload(PostEvent.actor))
        .order_by(PostEvent.id.desc())
    ).all()


def tag_by_slug(session: Session, slug: str) -> Tag:
    tag = session.scalar(sa.select(Tag).where(Tag.slug == slug))
    if tag is None:
        raise NotFound(_("No such tag."))
    return tag


@dataclass(frozen=True)
class SitemapEntry:
    id: int
    revision_id: int  # the live revision's: the entry of a post changes only with it
    title: str
    modified: datetime


def sitemap_entries(session: Session, first_id: int, last_id: int) -> list[SitemapEntry]:
    """Published posts with ``first_id <= id <= last_id``: their id, live revision id and title, and
    the time the live text was written. Plain columns over a primary-key range, so one sitemap
    file costs the same however many posts exist."""
    post, revision = Post.__table__.c, PostRevision.__table__.c  # Core columns: no ORM row processing
    rows = session.connection().execute(
        sa.select(post.id, post.live_revision_id, revision.title, revision.created_at)
        .join_from(Post.__table__, PostRevision.__table__, revision.id == post.live_revision_id)
        .where(post.id.between(first_id, last_id), post.status == PostStatus.PUBLISHED.value)
        .order_by(post.id)
    ).all()
    return [SitemapEntry(*row) for row in rows]


def sitemap_fingerprint(session: Session, first_id: int, last_id: int) -> tuple[int, int, int]:
    """(the highest post id, as ``last_post_id``; published posts with ``first_id <= id <=
    last_id``; the sum of their live revision ids), in one statement. The last two change
    whenever what ``sitemap_entries`` returns for the range changes: revisions are append-only
    and each belongs to one post, so a new live revision always raises the sum."""
    highest = sa.select(sa.func.max(Post.id)).scalar_subquery()
    top, count, total = session.execute(
        sa.select(highest, sa.func.count(), sa.func.coalesce(sa.func.sum(Post.live_revision_id), 0)).where(
            Post.id.between(first_id, last_id), Post.status == PostStatus.PUBLISHED
        )
    ).one()
    return int(top or 0), int(count), int(total)


def last_post_id(session: Session) -> int:
    """The highest post id (0 with no posts): sitemap files cover fixed id ranges up to it."""
    return session.scalar(sa.select(sa.func.max(Post.id))) or 0


def author_profile(session: Session, user_id: int) -> User:
    """The person with ``user_id`` and their social handles (for their public page), or NotFound."""
    person = session.scalar(sa.select(User).where(User.id == user_id).options(selectinload(User.handles)))
    if person is None:
        raise NotFound(_("No such person."))
    return person


def public_authors(session: Session) -> Sequence[User]:
    """People with at least one published post."""
    return session.scalars(
        sa.select(User)
        .where(User.id.in_(sa.select(Post.author_id).where(Post.status == PostStatus.PUBLISHED)))
        .order_by(User.display_name)
    ).all()


def image_by_filename(session: Session, filename: str) -> Image:
    """The image stored as ``<key>.<ext>`` with its bytes, or NotFound."""
    key = filename.rsplit(".", 1)[0]
    image = session.scalar(sa.select(Image).where(Image.key == key).options(undefer(Image.data)))
    if image is None or image.filename != filename:
        raise NotFound(_("No such image."))
    return image
