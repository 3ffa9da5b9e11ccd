"""Reads for suggestions: conversations, counts, diffs, merge plans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from hub.auth.models import User
from hub.errors import NotFound
from hub.i18n import _, _l, _n
from hub.lib.merge import Merge, merge_text, merge_words
from hub.lib.textdiff import Row, diff
from hub.posts.models import Post, PostRevision, PostStatus
from hub.suggestions import rules
from hub.suggestions.models import Suggestion, SuggestionReply, SuggestionState

FIELDS = (("title", _l("Title")), ("summary", _l("Summary")), ("body", _l("Body")))


def get_suggestion(session: Session, suggestion_id: int) -> Suggestion:
    """The suggestion with its post, people, base revision and replies, or NotFound."""
    suggestion = session.scalar(
        sa.select(Suggestion)
        .where(Suggestion.id == suggestion_id)
        .options(
            joinedload(Suggestion.post).joinedload(Post.author),
            joinedload(Suggestion.author),
            joinedload(Suggestion.base_revision),
            selectinload(Suggestion.replies).joinedload(SuggestionReply.author),
        )
    )
    if suggestion is None:
        raise NotFound(_("No such suggestion."))
    return suggestion


def for_post(session: Session, post: Post) -> Sequence[Suggestion]:
    """Every conversation on ``post``: open ones first, then by latest activity."""
    return session.scalars(
        sa.select(Suggestion)
        .where(Suggestion.post_id == post.id)
        .options(
            joinedload(Suggestion.author),
            joinedload(Suggestion.base_revision),
            selectinload(Suggestion.replies).joinedload(SuggestionReply.author),
        )
        .order_by(
            (Suggestion.state == SuggestionState.OPEN).desc(), Suggestion.last_activity_at.desc(), Suggestion.id.desc()
        )
    ).all()


def has_open_suggestions(post: type[Post], **_: Any) -> sa.ColumnElement[bool]:
    """hub.posts' ``needs_attention``, connected in hub/events.py: a post with open suggestions
    comes first in its author's list."""
    return (
        sa.select(Suggestion.id).where(Suggestion.post_id == post.id, Suggestion.state == SuggestionState.OPEN).exists()
    )


def open_counts_of_author(session: Session, author_id: int) -> dict[int, int]:
    """Open suggestions per post of the author's posts that have any."""
    rows = session.execute(
        sa.select(Suggestion.post_id, sa.func.count())
        .join(Post, Post.id == Suggestion.post_id)
        .where(Post.author_id == author_id, Suggestion.state == SuggestionState.OPEN)
        .group_by(Suggestion.post_id)
    )
    return {post_id: count for post_id, count in rows}


def open_counts(session: Session, post_ids: Sequence[int]) -> dict[int, int]:
    """Open suggestions per post, for the posts in ``post_ids`` that have any."""
    if not post_ids:
        return {}
    rows = session.execute(
        sa.select(Suggestion.post_id, sa.func.count())
        .where(Suggestion.post_id.in_(list(post_ids)), Suggestion.state == SuggestionState.OPEN)
        .group_by(Suggestion.post_id)
    )
    return {post_id: count for post_id, count in rows}


def open_count(session: Session, post: Post) -> int:
    """How many suggestions on ``post`` are open."""
    return open_counts(session, [post.id]).get(post.id, 0)


@dataclass(frozen=True)
class Feedback:
    """What a post's page says about its conversations, for someone who may see them."""

    open_count: int
    can_suggest: bool
    is_author: bool

    @property
    def label(self) -> str:
        return _n("%(num)d open suggestion", "%(num)d open suggestions", self.open_count)


def feedback_summary(session: Session, post: Post, user: Any) -> Feedback | None:
    """Open suggestions on ``post`` and whether ``user`` may add one; None for people who may
    not see its conversations (readers who are not signed in, colleagues on private drafts)."""
    if not rules.can_see(user, post):
        return None
    return Feedback(open_count(session, post), rules.can_suggest(user, post), user.id == post.author_id)


def open_drafts(session: Session, viewer: User, limit: int = 100) -> Sequence[Post]:
    """Colleagues' unpublished posts that their authors opened for feedback, newest change first."""
    return session.scalars(
        sa.select(Post)
        .where(Post.open_for_feedback.is_(True), Post.status.in_([PostStatus.DRAFT, PostStatus.SCHEDULED]),
               Post.author_id != viewer.id)
        .options(joinedload(Post.current_revision), joinedload(Post.author))
        .order_by(Post.updated_at.desc(), Post.id.desc())
        .limit(limit)
    ).all()


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    rows: list[Row]


def edit_diff(suggestion: Suggestion) -> list[FieldDiff]:
    """What a proposed edit changes, field by field, against the revision it was written on."""
    base = suggestion.base_revision
    return [
        FieldDiff(
            name, str(label), diff(getattr(base, name), getattr(suggestion, name) or "", 3 if name == "body" else None)
        )
        for name, label in FIELDS
        if suggestion.is_edit and getattr(suggestion, name) != getattr(base, name)
    ]


@dataclass(frozen=True)
class FieldMerge:
    name: str
    label: str
    base: str
    ours: str  # the post's current text
    theirs: str  # the suggestion
    merge: Merge

    def diffs(self) -> tuple[list[Row], list[Row]]:
        """(what the author changed since, what the suggestion changes), both from the base."""
        return diff(self.base, self.ours), diff(self.base, self.theirs)


@dataclass(frozen=True)
class MergePlan:
    """A suggestion laid over the post's current revision, field by field."""

    current: PostRevision
    fields: list[FieldMerge]

    @property
    def clean(self) -> bool:
        return all(f.merge.clean for f in self.fields)

    @property
    def conflicts(self) -> list[FieldMerge]:
        return [f for f in self.fields if not f.merge.clean]

    def text(self, name: str) -> str:
        return next(f.merge.text for f in self.fields if f.name == name)


def merge_plan(suggestion: Suggestion, current: PostRevision) -> MergePlan:
    """Merge each field three ways: base = the revision the suggestion was written on, ours = the
    current revision, theirs = the suggestion. A title that conflicts keeps the current title;
    a summary or body that conflicts carries conflict markers."""
    base = suggestion.base_revision
    fields = []
    for name, label in FIELDS:
        b, o, t = getattr(base, name), getattr(current, name), getattr(suggestion, name) or ""
        merged = merge_words(b, o, t) if name == "title" else merge_text(b, o, t)
        fields.append(FieldMerge(name, str(label), b, o, t, merged))
    return MergePlan(current, fields)


def participants(session: Session, suggestion: Suggestion) -> set[int]:
    """Everyone in the conversation: the post's author, who started it, and who replied."""
    repliers = session.scalars(
        sa.select(SuggestionReply.author_id).where(SuggestionReply.suggestion_id == suggestion.id)
    )
    return {suggestion.post.author_id, suggestion.author_id, *repliers}
