"""Posts and their revisions, tags, images and lifecycle events."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, str_enum, utcnow
from hub.i18n import _, _l
from hub.lib.text import slugify
from hub.posts import search
from hub.rewrite.language import og_locale, text_direction
from hub.templating import Sentence, datetime_text, note_html, note_text


class PostStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"
    TAKEN_DOWN = "taken_down"


post_tag = sa.Table(
    "post_tag",
    Base.metadata,
    sa.Column("post_id", sa.ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Post(Base):
    """The head row of a post. Content lives in revisions; ``current_revision`` is the newest
    one, ``live_revision`` the one readers see while the post is published."""

    __tablename__ = "post"
    # Public lists read these in ORDER BY order and stop after a page: newest first, by author.
    __table_args__ = (
        sa.Index("ix_post_status_published_at", "status", "published_at", "id"),
        sa.Index("ix_post_author_id_status_published_at", "author_id", "status", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[PostStatus] = mapped_column(str_enum(PostStatus), default=PostStatus.DRAFT)
    current_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("post_revision.id", use_alter=True, name="fk_post_current_revision_id_post_revision")
    )
    live_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("post_revision.id", use_alter=True, name="fk_post_live_revision_id_post_revision")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_published_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    scheduled_for: Mapped[datetime | None] = mapped_column(index=True)
    takedown_reason: Mapped[str | None] = mapped_column(sa.Text)
    taken_down_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    taken_down_at: Mapped[datetime | None]
    # The revision that was live when the post was taken down: republishing needs a newer one.
    taken_down_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("post_revision.id", use_alter=True, name="fk_post_taken_down_revision_id_post_revision")
    )
    # The topic the post was written for, if any: hub.topics (above posts) reads and sets it.
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topic.id"), index=True)
    # Colleagues may see and suggest on the unpublished post; published posts are always open.
    open_for_feedback: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    taken_down_by: Mapped[User | None] = relationship(foreign_keys=[taken_down_by_id])
    current_revision: Mapped[PostRevision | None] = relationship(foreign_keys=[current_revision_id], post_update=True)
    live_revision: Mapped[PostRevision | None] = relationship(foreign_keys=[live_revision_id], post_update=True)
    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, order_by="Tag.name")

    @property
    def is_public(self) -> bool:
        return self.status == PostStatus.PUBLISHED and self.live_revision_id is not None

    @property
    def has_unpublished_changes(self) -> bool:
        return self.is_public and self.current_revision_id != self.live_revision_id

    @property
    def status_label(self) -> str:
        """What the editor's state line says."""
        if self.status == PostStatus.PUBLISHED:
            return _("Published, with unpublished changes") if self.has_unpublished_changes else _("Published")
        if self.status == PostStatus.SCHEDULED and self.scheduled_for:
            return _("Scheduled for %(when)s UTC", when=self.scheduled_for.strftime("%Y-%m-%d %H:%M"))
        if self.status == PostStatus.TAKEN_DOWN:
            return _("Taken down")
        if self.status == PostStatus.ARCHIVED:
            return _("Archived")
        return _("Draft (unpublished)") if self.first_published_at else _("Draft")

    @property
    def public_revision(self) -> PostRevision | None:
        return self.live_revision if self.is_public else None

    @property
    def title(self) -> str:
        """The title people know the post by: the live one, else the newest draft's."""
        revision = self.live_revision or self.current_revision
        return revision.title if revision else ""

    @property
    def slug(self) -> str:
        return slugify(self.title, 80)

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.status}>"


class RevisionKind(enum.StrEnum):
    SAVE = "save"
    AUTOSAVE = "autosave"
    RESTORE = "restore"
    SUGGESTION = "suggestion"

    @property
    def label(self) -> str:
        """How a post's history names the kind (the stored value stays as it is)."""
        return str(_REVISION_KIND_LABELS[self.value])


_REVISION_KIND_LABELS = {
    "save": _l("save"),
    "autosave": _l("autosave"),
    "restore": _l("restore"),
    "suggestion": _l("suggestion"),
}


class PostRevision(Base):
    """One immutable version of a post's content. Rows are only ever added."""

    __tablename__ = "post_revision"
    __table_args__ = (sa.UniqueConstraint("post_id", "number", name="uq_post_revision_post_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    number: Mapped[int]
    base_number: Mapped[int | None]  # the revision this one was written on
    kind: Mapped[RevisionKind] = mapped_column(str_enum(RevisionKind), default=RevisionKind.SAVE)
    note: Mapped[str] = mapped_column(sa.String(300), default="")  # what a person typed, verbatim
    # What hub says about the revision itself ("Restored from revision 3"), as facts: shown in the
    # reader's language (``note_html``). See ``history_sentence`` for the kinds.
    auto_note: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    title: Mapped[str] = mapped_column(sa.Text)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = deferred(mapped_column(sa.Text, default=""))
    tags_text: Mapped[str] = mapped_column(sa.Text, default="")  # tag names, comma separated
    # The author's key point (one or two sentences every share text is built around).
    # None: never set (the editor offers a suggestion); "": the author chose to have none.
    key_point: Mapped[str | None] = mapped_column(sa.Text)
    cover_image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("image.id"))
    word_count: Mapped[int] = mapped_column(default=0)
    # The language the revision is written in (ISO 639-1, detected at save): served as lang, with
    # dir="rtl" for right-to-left languages, and as og:locale and the feed's xml:lang.
    language: Mapped[str] = mapped_column(sa.String(16), default="en", server_default="en")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(foreign_keys=[post_id])
    created_by: Mapped[User] = relationship()
    cover_image: Mapped[Image | None] = relationship()

    @property
    def tag_names(self) -> list[str]:
        return [t for t in self.tags_text.split(",") if t]

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / 230))

    @property
    def text_direction(self) -> str:
        """"rtl" or "ltr": the direction the revision's language is written in."""
        return text_direction(self.language)

    @property
    def og_locale(self) -> str:
        return og_locale(self.language)

    @property
    def note_html(self) -> Markup:
        """The note as a history shows it: hub's own words in the reader's language, then the typed note."""
        return note_html(history_sentence(self.auto_note), self.note)

    @property
    def note_text(self) -> str:
        return note_text(history_sentence(self.auto_note), self.note)

    def same_content(
        self,
        title: str,
        summary: str,
        body: str,
        tags_text: str,
        cover_image_id: int | None,
        key_point: str | None = None,
    ) -> bool:
        """Whether this revision holds exactly this content (``key_point`` None: the key point
        is not being compared)."""
        if key_point is not None and key_point != self.key_point:
            return False
        return (self.title, self.summary, self.body, self.tags_text, self.cover_image_id) == (
            title,
            summary,
            body,
            tags_text,
            cover_image_id,
        )


class PostWorkingCopy(Base):
    """The author's unsaved changes to a post, written by autosave: one row per post and person,
    replaced in place instead of appending a revision on every pause in typing. ``content`` holds
    the editor's fields by name (``PostInput``), so any field a revision gains rides along.
    ``base_revision_id`` is the revision the changes were written on (a stale base is a Conflict,
    as for a save); ``token`` changes on every write, so a second tab cannot overwrite the first's."""

    __tablename__ = "post_working_copy"
    __table_args__ = (sa.UniqueConstraint("post_id", "author_id", name="uq_post_working_copy_post_id_author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    base_revision_id: Mapped[int] = mapped_column(sa.ForeignKey("post_revision.id"))
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    token: Mapped[str] = mapped_column(sa.String(32))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)  # the first change not in a revision
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
    base_revision: Mapped[PostRevision] = relationship()

    is_working_copy = True  # the editor's conflict notice tells it from a revision

    @property
    def title(self) -> str:
        return str(self.content.get("title") or "")

    @property
    def body(self) -> str:
        return str(self.content.get("body") or "")

    @property
    def created_by(self) -> User:
        return self.author

    @property
    def created_at(self) -> datetime:
        return self.updated_at


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)


class PostEvent(Base):
    """What happened to a post and who did it: publish, schedule, unpublish, archive, take down."""

    __tablename__ = "post_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.Text, default="")  # what a person typed (a takedown's reason)
    auto_note: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))  # hub's words, as facts
    revision_number: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        """What a post's history says happened (``kind`` is stored and compared; this is shown)."""
        label = _EVENT_LABELS.get(self.kind)
        return str(label) if label is not None else self.kind.replace("_", " ")

    @property
    def note_html(self) -> Markup:
        return note_html(history_sentence(self.auto_note), self.note)

    @property
    def note_text(self) -> str:
        return note_text(history_sentence(self.auto_note), self.note)


_EVENT_LABELS = {
    "created": _l("created"),
    "published": _l("published"),
    "published (scheduled)": _l("published (scheduled)"),
    "updated": _l("updated"),
    "scheduled": _l("scheduled"),
    "unscheduled": _l("unscheduled"),
    "unpublished": _l("unpublished"),
    "archived": _l("archived"),
    "unarchived": _l("unarchived"),
    "taken_down": _l("taken down"),
    "restored": _l("restored"),
    "suggestion_accepted": _l("suggestion accepted"),
}


# --- what hub itself writes into a post's history ----------------------------------------------------
# Stored as facts in ``auto_note`` ({"key": ..., values}), never as English text, so that each reader
# reads them in their own language; names in them are as they were when it happened.


def restored_note(number: int) -> dict[str, Any]:
    """A revision restored from revision ``number``: "Restored from revision 3"."""
    return {"key": "restored", "number": number}


def kept_after_pause_note() -> dict[str, Any]:
    """An autosave kept as a revision of its own: "Kept after a pause in writing"."""
    return {"key": "kept_after_pause"}


def scheduled_note(when: datetime) -> dict[str, Any]:
    """The "scheduled" event's note: the moment, written for the reader ("01.12.2026, 09:00 UTC")."""
    return {"key": "scheduled_for", "at": when.astimezone(UTC).isoformat()}


def from_revision_note(number: int) -> dict[str, Any]:
    """The "restored" event's note: "from revision 3"."""
    return {"key": "from_revision", "number": number}


def suggestion_note(
    author: str, actor: str, *, merged_with: int | None = None, by_hand: bool = False
) -> dict[str, Any]:
    """A suggestion by ``author`` accepted by ``actor`` (display names), as it was or merged with
    revision ``merged_with``, or merged by hand."""
    note: dict[str, Any] = {"key": "suggestion", "author": author, "actor": actor}
    if merged_with is not None:
        note["merged"] = merged_with
    if by_hand:
        note["by_hand"] = True
    return note


def history_sentence(auto: dict[str, Any] | None) -> Sentence | None:
    """What ``auto_note`` says, in the reader's language (None: nothing, or a kind hub does not know)."""
    if not auto:
        return None
    key = auto.get("key")
    if key == "restored":
        return Sentence(_("Restored from revision %(number)s"), {"number": auto.get("number")})
    if key == "kept_after_pause":
        return Sentence(_("Kept after a pause in writing"))
    if key == "scheduled_for":
        try:
            return Sentence("%(when)s", {"when": datetime_text(datetime.fromisoformat(str(auto.get("at"))))})
        except ValueError:
            return None
    if key == "from_revision":
        return Sentence(_("from revision %(number)s"), {"number": auto.get("number")})
    if key == "suggestion":
        people = {"author": auto.get("author", ""), "actor": auto.get("actor", "")}
        names = frozenset(people)
        if auto.get("merged") is not None:
            return Sentence(_("Suggestion by %(author)s accepted by %(actor)s (merged with revision %(number)s)"),
                            {**people, "number": auto["merged"]}, names)
        if auto.get("by_hand"):
            return Sentence(_("Suggestion by %(author)s accepted by %(actor)s, merged by hand"), people, names)
        return Sentence(_("Suggestion by %(author)s accepted by %(actor)s"), people, names)
    return None


class Image(Base):
    """An uploaded image, decoded and re-encoded by hub (metadata stripped). The bytes live in
    the database so that every worker and machine serves them without shared disks."""

    __tablename__ = "image"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    content_type: Mapped[str] = mapped_column(sa.String(32))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    alt: Mapped[str] = mapped_column(sa.String(300), default="")
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship()

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}[self.content_type]

    @property
    def filename(self) -> str:
        return f"{self.key}.{self.extension}"


# The full-text index (hub.posts.search) is raw DDL: created along with these tables.
search.attach(Base.metadata)
