"""Domain verbs for posts. Every content change appends a revision; nothing needs approval."""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from hub.auth.models import User
from hub.db import add_or_get, savepoint, utcnow
from hub.errors import Conflict, NotFound, PermissionDenied, ValidationError
from hub.i18n import _
from hub.lib.images import ImageRejected, clean_image
from hub.lib.markdown import markdown_to_text, markup_problem, render_markdown, word_count
from hub.lib.text import clean_title, slugify
from hub.lib.timeutil import UTC_ZONE, NonexistentLocalTime, parse_local, zone_named
from hub.posts import search as search_index
from hub.posts.models import (
    Image,
    Post,
    PostEvent,
    PostRevision,
    PostStatus,
    PostWorkingCopy,
    RevisionKind,
    Tag,
    from_revision_note,
    kept_after_pause_note,
    restored_note,
    scheduled_note,
    suggestion_note,
)
from hub.rewrite.language import detect_language
from hub.templating import number

TITLE_MAX = 300
SUMMARY_MAX = 600
BODY_MAX = 200_000
TAG_MAX = 40
TAGS_MAX = 10
KEY_POINT_MAX = 300  # one or two sentences; within hub.rewrite.KEY_POINT_MAX, so share texts never cut it
AUTOSAVE_PAUSE = timedelta(minutes=10)
"""A pause in writing this long ends a stretch of autosaves: the next one first keeps the
working copy as a revision, so history has a point for each sitting."""

_signals = Namespace()
post_published = _signals.signal("hub.post-published")
"""Sent as ``post_published.send(post, session=..., first=...)`` each time a post, or a change to
it, goes live (``first``: it was not live just before). Other domains subscribe instead of this
module knowing them: hub.topics tells the followers of the post's topic."""


@dataclass(frozen=True)
class PostInput:
    """What an author types: checked for shape by the form, for rules here."""

    title: str
    summary: str = ""
    body: str = ""
    tags: str = ""
    cover_image_id: int | None = None
    # The author's key point: None keeps the current revision's; "" means none.
    key_point: str | None = None

    def as_fields(self) -> dict[str, Any]:
        """The fields by name, JSON-ready (a working copy stores them so)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> PostInput:
        """The input stored by ``as_fields``; names this version does not know are ignored."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in fields.items() if k in known})


def clean_key_point(raw: str | None) -> str | None:
    """The key point as stored: single-spaced and trimmed (None stays None: not given)."""
    return None if raw is None else " ".join(raw.split())


def normalize_tags(raw: str) -> list[str]:
    """Tag names from comma-separated input: trimmed, single-spaced, de-duplicated ignoring case."""
    seen: set[str] = set()
    names: list[str] = []
    for part in (raw or "").replace("\n", ",").split(","):
        name = " ".join(part.replace("#", " ").split())
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            names.append(name)
    return names


def _check_input(session: Session, data: PostInput) -> tuple[str, list[str]]:
    title = clean_title(data.title)
    if len(title) > TITLE_MAX:
        raise ValidationError("title", _("Keep the title under %(max)s characters.", max=TITLE_MAX))
    if len(data.summary) > SUMMARY_MAX:
        raise ValidationError("summary", _("Keep the summary under %(max)s characters.", max=SUMMARY_MAX))
    if len(data.body) > BODY_MAX:
        raise ValidationError(
            "body", _("The body is longer than hub accepts (%(max)s characters).", max=number(BODY_MAX)))
    if problem := markup_problem(data.body):
        raise ValidationError("body", problem)
    tags = normalize_tags(data.tags)
    if len(tags) > TAGS_MAX:
        raise ValidationError("tags", _("Use at most %(max)s tags.", max=TAGS_MAX))
    for tag in tags:
        if len(tag) > TAG_MAX:
            raise ValidationError("tags", _("“%(tag)s…” is too long for a tag (%(max)s characters at most).",
                                          tag=tag[:20], max=TAG_MAX))
    key_point = clean_key_point(data.key_point)
    if key_point is not None and len(key_point) > KEY_POINT_MAX:
        raise ValidationError(
            "key_point",
            _("Keep the key point to one or two sentences (%(max)s characters at most; this has %(length)s).",
              max=KEY_POINT_MAX, length=len(key_point)),
        )
    if data.cover_image_id is not None and session.get(Image, data.cover_image_id) is None:
        raise ValidationError("cover_image_id", _("That cover image does not exist any more."))
    return title, tags


@dataclass(frozen=True)
class _Text:
    """What an author typed, checked, with everything derived from it: worked out before the
    transaction writes, so a writer holds SQLite's single write lock for its writes only, not
    for rendering, language detection and search terms."""

    data: PostInput
    title: str
    tags: list[str]
    body_html: str
    word_count: int
    language: str
    terms: tuple[list[str], list[str]]  # the search index's title and body terms


def _prepare(session: Session, data: PostInput) -> _Text:
    """``data`` checked (ValidationError) and rendered; reads only."""
    title, tags = _check_input(session, data)
    text = markdown_to_text(data.body)
    return _Text(
        data=data,
        title=title,
        tags=tags,
        body_html=render_markdown(data.body),
        word_count=word_count(text),
        language=_language(title, data.summary, text),
        terms=search_index.document(title, tags, data.summary, text),
    )


def _authorize_cover(session: Session, post: Post, image_id: int | None) -> None:
    """A post's cover is an image its author uploaded, or one the post already had (kept, or
    brought back by a restore). Image ids are sequential, so without this anyone could put a
    colleague's image from a private draft on their own public post."""
    if image_id is None:
        return
    image = session.get(Image, image_id)
    if image is not None and image.owner_id == post.author_id:
        return
    had_it = session.scalar(
        sa.select(sa.exists().where(PostRevision.post_id == post.id, PostRevision.cover_image_id == image_id))
    )
    if image is None or not had_it:
        raise ValidationError("cover_image_id", _("Choose one of your own images as the cover."))


def can_edit(actor: User, post: Post) -> bool:
    """Only the author edits and publishes a post (colleagues suggest instead)."""
    return actor.is_active and actor.id == post.author_id


def can_take_down(actor: User) -> bool:
    """Comms and admins may take a published post down after the fact."""
    return actor.is_active and actor.is_comms


def can_review(actor: User, post: Post) -> bool:
    """The author and comms see a post's history and its text while it is not public."""
    return can_edit(actor, post) or can_take_down(actor)


def _require_author(actor: User, post: Post) -> None:
    if not can_edit(actor, post):
        raise PermissionDenied(_("Only the author can change this post."))


def _event(
    session: Session, post: Post, actor: User | None, kind: str, note: str = "", *, auto: dict[str, Any] | None = None
) -> None:
    """Record what happened; ``note``: what a person typed, ``auto``: hub's own words, as facts (models)."""
    number = post.current_revision.number if post.current_revision else None
    session.add(PostEvent(post_id=post.id, actor_id=actor.id if actor else None, kind=kind, note=note,
                          auto_note=auto, revision_number=number))


def _append_revision(
    session: Session, post: Post, actor: User, text: _Text, kind: RevisionKind, note: str = "",
    auto: dict[str, Any] | None = None,
) -> PostRevision:
    """Add ``text`` as the revision after the post's current one and point the post at it.

    The post is first claimed with a conditional UPDATE on the revision the caller checked as
    current, so of two saves written on one base exactly one wins and the other raises Conflict
    (on PostgreSQL the loser waits for the winner's row lock, then sees the pointer moved). A
    revision number taken by a writer that did not claim is a Conflict too, never an IntegrityError.
    """
    data = text.data
    _authorize_cover(session, post, data.cover_image_id)
    base = post.current_revision
    if base is not None and not _claim(session, post, base):
        raise _conflict_with_newer(session, post)
    revision = PostRevision(
        post_id=post.id,
        number=(base.number + 1) if base else 1,
        base_number=base.number if base else None,
        kind=kind,
        note=note[:300],
        auto_note=auto,
        title=text.title,
        summary=data.summary,
        body=data.body,
        body_html=text.body_html,
        tags_text=",".join(text.tags),
        cover_image_id=data.cover_image_id,
        key_point=_key_point_for(base, data),
        word_count=text.word_count,
        language=text.language,
        created_by_id=actor.id,
    )
    try:
        with savepoint(session):
            session.add(revision)
    except sa.exc.IntegrityError:
        raise _conflict_with_newer(session, post) from None
    post.current_revision = revision
    post.current_revision_id = revision.id
    post.updated_at = utcnow()
    search_index.put(session, post.id, "current", *text.terms)
    return revision


def revision_language(title: str, summary: str, body: str) -> str:
    """The language a revision is written in (hub.rewrite's detector: scripts, then py3langid)."""
    return _language(title, summary, markdown_to_text(body or ""))


def _language(title: str, summary: str, body_text: str) -> str:
    return detect_language(" ".join((title, summary or "", body_text[:4000])))[:16]


def _key_point_for(current: PostRevision | None, data: PostInput) -> str | None:
    """The key point a new revision gets: the one given, else the current revision's."""
    given = clean_key_point(data.key_point)
    if given is not None:
        return given
    return current.key_point if current is not None else None


def _claim(session: Session, post: Post, base: PostRevision) -> bool:
    """Lock the post row while it still points at ``base``; False when it has moved on. Holding
    the claim, the transaction is the post's only writer until it ends."""
    claim = (
        sa.update(Post)
        .where(Post.id == post.id, Post.current_revision_id == base.id)
        .values(current_revision_id=base.id)
        .execution_options(synchronize_session=False)
    )
    return _rows_changed(session, claim) == 1


def _rows_changed(session: Session, statement: sa.Update) -> int:
    """How many rows an UPDATE changed (its cursor's rowcount)."""
    return cast("CursorResult[Any]", session.execute(statement)).rowcount


def _conflict_with_newer(session: Session, post: Post) -> Conflict:
    """A Conflict carrying the post's newest revision as the database has it now."""
    session.refresh(post)
    if post.current_revision is None:
        return Conflict(_("This post was changed elsewhere. Nothing was overwritten."))
    return _stale(post.current_revision)


def _stale(current: PostRevision) -> Conflict:
    return Conflict(
        _("This post was saved elsewhere since you started (revision %(number)s, %(time)s UTC). "
          "Nothing was overwritten.", number=current.number, time=current.created_at.strftime("%H:%M")),
        current=current,
    )


def create_draft(
    session: Session, author: User, data: PostInput, *, kind: RevisionKind = RevisionKind.SAVE, empty: bool = False
) -> Post:
    """A new draft owned by ``author`` with ``data`` as revision 1. Neither title nor text: refused
    (empty drafts would pile up), unless the caller starts one on purpose (``empty``: a topic
    picked up, which the draft links to)."""
    if not author.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot write."))
    if not empty and not data.title.strip() and not data.body.strip():
        raise ValidationError("title", _("Write a title or some text first: an empty draft is not kept."))
    text = _prepare(session, data)
    post = Post(author_id=author.id, status=PostStatus.DRAFT)
    session.add(post)
    session.flush()
    _append_revision(session, post, author, text, kind)
    _event(session, post, author, "created")
    return post


def save_revision(
    session: Session,
    post: Post,
    actor: User,
    data: PostInput,
    *,
    base_revision_id: int | None,
    kind: RevisionKind = RevisionKind.SAVE,
    note: str = "",
    auto_note: dict[str, Any] | None = None,
) -> PostRevision:
    """Append a revision with ``data`` written on ``base_revision_id``; ``note``: what the author
    typed, ``auto_note``: what hub says about it (``hub.posts.models.history_sentence``).

    Raises Conflict (carrying the newer revision) when someone saved since that base, unless
    the newer revision already holds exactly this content. Saving unchanged content adds nothing.
    """
    _require_author(actor, post)
    return _save_revision(session, post, actor, data, base_revision_id, kind=kind, note=note, auto=auto_note)


def _save_revision(
    session: Session, post: Post, actor: User, data: PostInput, base_revision_id: int | None, *,
    kind: RevisionKind = RevisionKind.SAVE, note: str = "", text: _Text | None = None,
    auto: dict[str, Any] | None = None,
) -> PostRevision:
    """``save_revision``; ``text``: ``data`` already prepared."""
    current = post.current_revision
    assert current is not None
    if _holds(current, data):
        return current
    if base_revision_id != current.id:
        raise _stale(current)
    return _append_revision(session, post, actor, text or _prepare(session, data), kind, note, auto)


def _holds(revision: PostRevision, data: PostInput) -> bool:
    """Whether ``revision`` already has exactly the content ``data`` would save."""
    tags_text = ",".join(normalize_tags(data.tags))
    return revision.same_content(
        clean_title(data.title), data.summary, data.body, tags_text, data.cover_image_id, _key_point_for(revision, data)
    )


def working_copy(session: Session, post: Post, actor: User) -> PostWorkingCopy | None:
    """``actor``'s unsaved changes to ``post``, if any."""
    return session.scalar(
        sa.select(PostWorkingCopy).where(PostWorkingCopy.post_id == post.id, PostWorkingCopy.author_id == actor.id)
    )


def _other_tab(copy: PostWorkingCopy) -> Conflict:
    return Conflict(
        _("This post has unsaved changes from another tab or device (%(time)s UTC). Nothing was overwritten.",
          time=copy.updated_at.strftime("%H:%M")),
        current=copy,
    )


@dataclass(frozen=True)
class Autosaved:
    """Where the editor stands after an autosave: on ``base``, plus ``working_copy`` when the
    text differs from it (None: everything typed is in ``base``)."""

    base: PostRevision
    working_copy: PostWorkingCopy | None


def autosave(
    session: Session,
    post: Post,
    actor: User,
    data: PostInput,
    *,
    base_revision_id: int | None,
    working_copy_token: str | None,
    now: datetime | None = None,
) -> Autosaved:
    """Keep what the author typed in their working copy of ``post``, without a new revision and
    without touching search. After a pause of AUTOSAVE_PAUSE the previous working copy becomes a
    revision first. Raises Conflict when the post has a newer revision than ``base_revision_id``
    (unless it already holds this text) or when another tab wrote the working copy since
    (``working_copy_token`` is the one this editor last got)."""
    _require_author(actor, post)
    _check_input(session, data)
    now = now or utcnow()
    current = post.current_revision
    assert current is not None
    if base_revision_id != current.id:
        if _holds(current, data):
            return Autosaved(current, None)
        raise _stale(current)
    if not _claim(session, post, current):
        raise _conflict_with_newer(session, post)
    copy = working_copy(session, post, actor)  # read under the claim: no other writer meanwhile
    if copy is not None and copy.token != (working_copy_token or ""):
        raise _other_tab(copy)
    if copy is not None and now - copy.updated_at >= AUTOSAVE_PAUSE:
        kept = PostInput.from_fields(copy.content)
        if not _holds(current, kept):
            current = _append_revision(
                session, post, actor, _prepare(session, kept), RevisionKind.AUTOSAVE, auto=kept_after_pause_note()
            )
    if _holds(current, data):
        if copy is not None:
            session.delete(copy)
            session.flush()
        return Autosaved(current, None)
    if copy is None:
        copy = PostWorkingCopy(post_id=post.id, author_id=actor.id, started_at=now)
        session.add(copy)
    elif copy.base_revision_id != current.id:
        copy.started_at = now
    copy.base_revision_id = current.id
    copy.content = data.as_fields()
    copy.token = secrets.token_urlsafe(12)
    copy.updated_at = now
    session.flush()
    return Autosaved(current, copy)


def save_from_editor(
    session: Session,
    post: Post,
    actor: User,
    data: PostInput,
    *,
    base_revision_id: int | None,
    working_copy_token: str | None,
) -> PostRevision:
    """An explicit Save (or Publish) in the editor: ``data`` becomes a revision as with
    ``save_revision``, and the author's working copy is done with. Raises Conflict, keeping the
    working copy, when it was written by another tab since this editor last saw it."""
    _require_author(actor, post)
    current = post.current_revision
    assert current is not None
    text = None
    if base_revision_id == current.id and not _holds(current, data):
        try:  # rendered before the claim, which takes SQLite's write lock
            text = _prepare(session, data)
        except ValidationError:
            pass  # raised again where it was before: after the conflicts
    if base_revision_id == current.id and not _claim(session, post, current):
        raise _conflict_with_newer(session, post)
    copy = working_copy(session, post, actor)
    if copy is not None and copy.token != (working_copy_token or ""):
        raise _other_tab(copy)
    revision = _save_revision(session, post, actor, data, base_revision_id, text=text)
    if copy is not None:
        session.delete(copy)
        session.flush()
    return revision


def discard_working_copy(session: Session, post: Post, actor: User) -> None:
    """Throw away ``actor``'s unsaved changes to ``post``; the newest revision stays as it is."""
    _require_author(actor, post)
    session.execute(
        sa.delete(PostWorkingCopy).where(PostWorkingCopy.post_id == post.id, PostWorkingCopy.author_id == actor.id)
    )


def apply_suggested_revision(
    session: Session,
    post: Post,
    actor: User,
    suggester: User,
    *,
    title: str,
    summary: str,
    body: str,
    base_revision_id: int | None,
    merged_with: int | None = None,
    by_hand: bool = False,
    note: str = "",
) -> PostRevision:
    """Append a revision holding text a colleague suggested, credited to them (kind SUGGESTION).

    Only the author applies it, on top of the current revision: a stale ``base_revision_id``
    raises Conflict. Tags and cover stay as they are; text identical to the current revision
    adds nothing and returns it. The history says "Suggestion by … accepted by …", and that it was
    merged with revision ``merged_with`` or ``by_hand``; ``note``: anything the author typed."""
    _require_author(actor, post)
    current = post.current_revision
    assert current is not None
    if base_revision_id != current.id:
        raise Conflict(
            _("The post changed since (revision %(number)s). Nothing was overwritten.", number=current.number),
            current=current)
    if current.same_content(clean_title(title), summary, body, current.tags_text, current.cover_image_id):
        return current
    data = PostInput(title, summary, body, current.tags_text, current.cover_image_id, current.key_point)
    auto = suggestion_note(suggester.display_name, actor.display_name, merged_with=merged_with, by_hand=by_hand)
    revision = _append_revision(session, post, suggester, _prepare(session, data), RevisionKind.SUGGESTION, note, auto)
    _event(session, post, actor, "suggestion_accepted", note, auto=auto)
    return revision


def publish_post(session: Session, post: Post, actor: User) -> None:
    """Make the current revision live, now. No approval step exists."""
    _require_author(actor, post)
    _publish(session, post, actor)


def _publish(session: Session, post: Post, actor: User | None, kind: str | None = None) -> None:
    revision = post.current_revision
    assert revision is not None
    if not revision.title.strip():
        raise ValidationError("title", _("Give the post a title before publishing."))
    if post.status == PostStatus.TAKEN_DOWN and post.taken_down_revision_id == revision.id:
        raise ValidationError(None, _("This post was taken down. Edit it to address the reason, then publish again."))
    terms = _terms(revision)  # before the first write (SQLite's write lock)
    was_live = post.is_public
    now = utcnow()
    post.live_revision = revision
    post.live_revision_id = revision.id
    post.status = PostStatus.PUBLISHED
    post.scheduled_for = None
    if not was_live:
        post.published_at = now
    post.first_published_at = post.first_published_at or now
    post.tags = _tags_for(session, revision.tag_names)
    search_index.put(session, post.id, "live", *terms)
    _event(session, post, actor, kind or ("updated" if was_live else "published"))
    post_published.send(post, session=session, first=not was_live)


def _tags_for(session: Session, names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        slug = slugify(name, 80)

        def find(slug: str = slug) -> Tag | None:
            return session.scalar(sa.select(Tag).where(Tag.slug == slug))

        tags.append(find() or add_or_get(session, Tag(name=name, slug=slug), find))  # two posts may add it at once
    return tags


def schedule_post(session: Session, post: Post, actor: User, when: datetime) -> None:
    """Publish the current revision at ``when`` (aware, in the future). Only for posts not live."""
    _require_author(actor, post)
    if when.tzinfo is None:
        raise ValidationError("publish_at", _("Give the time with its time zone."))
    if when <= utcnow() + timedelta(seconds=30):
        raise ValidationError("publish_at", _("Pick a time in the future, or publish now."))
    if post.is_public:
        raise ValidationError("publish_at", _("This post is already published; publish changes now instead."))
    revision = post.current_revision
    if revision is None or not revision.title.strip():
        raise ValidationError("title", _("Give the post a title before scheduling it."))
    post.status = PostStatus.SCHEDULED
    post.scheduled_for = when
    _event(session, post, actor, "scheduled", auto=scheduled_note(when))


def schedule_post_at_local(
    session: Session, post: Post, actor: User, local: str, zone_name: str | None
) -> tuple[datetime, ZoneInfo]:
    """Schedule the post for the wall-clock time ``local`` (``2027-03-28T02:30``) on that date in
    the IANA zone ``zone_name`` (the browser's), else the person's saved zone, else UTC; returns
    the UTC time and the zone used. A valid browser zone is remembered as the person's.

    A time that happens twice when clocks go back is the first of the two; a time the clocks skip
    is refused with a ValidationError on ``publish_at``."""
    browser_zone = zone_named(zone_name)
    zone = browser_zone or zone_named(actor.time_zone) or UTC_ZONE
    try:
        when = parse_local(local, zone)
    except NonexistentLocalTime:
        raise ValidationError(
            "publish_at",
            _("%(time)s does not exist in %(zone)s: the clocks skip that hour that night. Pick another time.",
              time=local.replace("T", " "), zone=zone.key),
        ) from None
    if when is None:
        raise ValidationError("publish_at", _("Pick a date and time to publish at."))
    schedule_post(session, post, actor, when)
    if browser_zone is not None and actor.time_zone != browser_zone.key:
        actor.time_zone = browser_zone.key
    return when, zone


def cancel_schedule(session: Session, post: Post, actor: User) -> None:
    """Turn a scheduled post back into a draft."""
    _require_author(actor, post)
    if post.status == PostStatus.SCHEDULED:
        post.status = PostStatus.DRAFT
        post.scheduled_for = None
        _event(session, post, actor, "unscheduled")


def publish_due(session: Session, now: datetime | None = None) -> list[int]:
    """Publish every scheduled post whose time has come; returns their ids.

    Each post is claimed with a conditional UPDATE, so two workers never publish one twice.
    """
    now = now or utcnow()
    due = session.scalars(
        sa.select(Post.id).where(Post.status == PostStatus.SCHEDULED, Post.scheduled_for <= now)
    ).all()
    published = []
    for post_id in due:
        claimed = _rows_changed(
            session,
            sa.update(Post)
            .where(Post.id == post_id, Post.status == PostStatus.SCHEDULED)
            .values(status=PostStatus.DRAFT)
            .execution_options(synchronize_session=False),
        )
        if claimed != 1:
            continue
        post = session.get(Post, post_id)
        assert post is not None
        session.refresh(post)
        _publish(session, post, None, "published (scheduled)")
        published.append(post_id)
    return published


def unpublish_post(session: Session, post: Post, actor: User) -> None:
    """Take the post off the public site; it becomes a draft again. Links to it answer 404."""
    _require_author(actor, post)
    if post.status != PostStatus.PUBLISHED:
        return
    post.status = PostStatus.DRAFT
    _clear_index(session, post, "live")
    _event(session, post, actor, "unpublished")


def archive_post(session: Session, post: Post, actor: User) -> None:
    """Put the post away: off the public site and out of the author's main list."""
    _require_author(actor, post)
    if post.status == PostStatus.ARCHIVED:
        return
    post.status = PostStatus.ARCHIVED
    post.scheduled_for = None
    _clear_index(session, post, "live")
    _event(session, post, actor, "archived")


def unarchive_post(session: Session, post: Post, actor: User) -> None:
    """Bring an archived post back as a draft."""
    _require_author(actor, post)
    if post.status == PostStatus.ARCHIVED:
        post.status = PostStatus.DRAFT
        _event(session, post, actor, "unarchived")


def take_down(session: Session, post: Post, actor: User, reason: str) -> None:
    """Comms and admins remove a published post after the fact, with a reason the author sees.

    The author may publish again once they have changed the post."""
    if not can_take_down(actor):
        raise PermissionDenied(_("Only comms and admins can take a post down."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _("Say why, so the author can fix it."))
    if post.status != PostStatus.PUBLISHED:
        raise ValidationError(None, _("Only published posts can be taken down."))
    post.status = PostStatus.TAKEN_DOWN
    post.takedown_reason = reason[:2000]
    post.taken_down_by_id = actor.id
    post.taken_down_at = utcnow()
    post.taken_down_revision_id = post.current_revision_id
    _clear_index(session, post, "live")
    _event(session, post, actor, "taken_down", reason[:2000])


def restore_revision(
    session: Session, post: Post, actor: User, revision: PostRevision, *, base_revision_id: int | None
) -> PostRevision:
    """Append a copy of an old revision as the newest one (history is never rewritten)."""
    if revision.post_id != post.id:
        raise NotFound(_("No such revision of this post."))
    key_point = revision.key_point if revision.key_point is not None else ""  # "": it had none
    data = PostInput(
        revision.title, revision.summary, revision.body, revision.tags_text, revision.cover_image_id, key_point
    )
    new = save_revision(
        session,
        post,
        actor,
        data,
        base_revision_id=base_revision_id,
        kind=RevisionKind.RESTORE,
        auto_note=restored_note(revision.number),
    )
    if new.id != revision.id and new.kind == RevisionKind.RESTORE:
        _event(session, post, actor, "restored", auto=from_revision_note(revision.number))
    return new


def upload_image(session: Session, owner: User, raw: bytes, *, alt: str, limits: dict[str, int]) -> Image:
    """Store a cleaned copy of an uploaded image, or ValidationError('image') saying why not."""
    if not owner.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot upload."))
    try:
        clean = clean_image(
            raw,
            max_bytes=limits["IMAGE_MAX_BYTES"],
            max_pixels=limits["IMAGE_MAX_PIXELS"],
            max_side=limits["IMAGE_MAX_SIDE"],
        )
    except ImageRejected as exc:
        raise ValidationError("image", str(exc)) from None
    image = Image(
        key=secrets.token_urlsafe(12),
        owner_id=owner.id,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size=len(clean.data),
        alt=(alt or "").strip()[:300],
        data=clean.data,
    )
    session.add(image)
    session.flush()
    return image


# --- search index sync (hub.posts.search): called where revisions are created or go live ----------


def _clear_index(session: Session, post: Post, scope: str) -> None:
    search_index.remove(session, post.id, scope)


def _terms(revision: PostRevision) -> tuple[list[str], list[str]]:
    """The full-text index's title and body terms of ``revision``."""
    return search_index.document(revision.title, revision.tag_names, revision.summary, markdown_to_text(revision.body))
