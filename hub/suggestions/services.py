"""Domain verbs for suggestions.

Suggestions never gate anything: a post publishes whatever its suggestions say, and a post's
text changes only when its author accepts an edit (through ``hub.posts.services``).
"""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace
from sqlalchemy.orm import Session

from hub.auth.models import User
from hub.db import utcnow
from hub.errors import Conflict, PermissionDenied, ValidationError
from hub.i18n import _
from hub.lib.markdown import markdown_to_text
from hub.lib.merge import has_markers
from hub.lib.text import clean_title, fold
from hub.posts import services as posts
from hub.posts.models import Post, PostRevision
from hub.suggestions import queries
from hub.suggestions.models import (
    Suggestion,
    SuggestionKind,
    SuggestionReply,
    SuggestionState,
)
from hub.suggestions.rules import (  # noqa: F401 (re-exported)
    can_see,
    can_suggest,
    open_for_suggestions,
    suggestable_revision,
)

TEXT_MAX = 10_000  # a comment, a reply, a note
QUOTE_MAX = 1_000

_signals = Namespace()
suggestion_submitted = _signals.signal("hub.suggestion-submitted")
"""Sent as ``suggestion_submitted.send(suggestion, session=..., actor=...)`` when a conversation
starts (hub.notifications tells the post's author)."""
suggestion_replied = _signals.signal("hub.suggestion-replied")
"""Sent as ``suggestion_replied.send(suggestion, session=..., actor=..., participants=[user ids])``
with the others in the conversation who may see it."""
suggestion_decided = _signals.signal("hub.suggestion-decided")
"""Sent as ``suggestion_decided.send(suggestion, session=..., actor=..., accepted=bool)`` when the
author accepts or declines a proposed edit."""


# --- who may do what ----------------------------------------------------------------------------


def can_decide(actor: User, suggestion: Suggestion) -> bool:
    """Only the post's author accepts or declines an edit."""
    return posts.can_edit(actor, suggestion.post)


def can_resolve(actor: User, suggestion: Suggestion) -> bool:
    """The post's author and whoever started the conversation resolve (and reopen) it."""
    return bool(actor.is_active and actor.id in (suggestion.post.author_id, suggestion.author_id))


def _require_active(actor: User) -> None:
    if not actor.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot do that."))


# --- the post's side ----------------------------------------------------------------------------


def set_open_for_feedback(session: Session, post: Post, actor: User, value: bool) -> None:
    """Open an unpublished post to colleagues' suggestions, or keep it private (author only).
    Published posts are open whatever this says."""
    if not posts.can_edit(actor, post):
        raise PermissionDenied(_("Only the author decides who sees a draft."))
    post.open_for_feedback = bool(value)


# --- conversations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionInput:
    """A comment (``message``, optionally about ``quote``) or a proposed edit (``title``,
    ``summary`` and ``body`` in full, with an optional ``message`` saying why)."""

    kind: SuggestionKind
    base_revision_id: int | None
    message: str = ""
    quote: str | None = None
    title: str | None = None
    summary: str | None = None
    body: str | None = None


def _check_quote(quote: str | None, revision: PostRevision) -> str | None:
    quote = (quote or "").strip()
    if not quote:
        return None
    if len(quote) > QUOTE_MAX:
        raise ValidationError("quote", _("Quote at most %(max)s characters.", max=posts.number(QUOTE_MAX)))
    haystacks = (revision.title, revision.summary, revision.body, markdown_to_text(revision.body))
    if not any(fold(quote) in fold(h) for h in haystacks):
        raise ValidationError("quote", _("That passage is not in the post. Copy it from the text as it is now."))
    return quote


def submit_suggestion(session: Session, post: Post, actor: User, data: SuggestionInput) -> Suggestion:
    """Start a conversation on ``post``: a comment, or an edit written on the revision the
    colleague saw. An edit based on an older revision than the one now shown raises Conflict
    (carrying the newer revision) so the colleague can look again; nothing is lost."""
    _require_active(actor)
    if not can_suggest(actor, post):
        raise PermissionDenied(_("This post is private to its author."))
    revision = suggestable_revision(post)
    message = (data.message or "").strip()
    if len(message) > TEXT_MAX:
        raise ValidationError("message", _("Keep it under %(max)s characters.", max=posts.number(TEXT_MAX)))
    suggestion = Suggestion(
        post_id=post.id, author_id=actor.id, kind=data.kind, base_revision_id=revision.id, message=message
    )
    if data.kind == SuggestionKind.COMMENT:
        if not message:
            raise ValidationError("message", _("Write your comment."))
        suggestion.quote = _check_quote(data.quote, revision)
    else:
        if actor.id == post.author_id:
            raise ValidationError(None, _("This is your post: change it in the editor."))
        if data.base_revision_id != revision.id:
            raise Conflict(
                _("The post changed while you were writing. Your text is kept; check it against the new version."),
                current=revision,
            )
        title, summary, body = clean_title(data.title or ""), data.summary or "", data.body or ""
        if (title, summary, body) == (revision.title, revision.summary, revision.body):
            raise ValidationError("body", _("Change something in the title, summary or body to suggest an edit."))
        for field, value, limit in (
            ("title", title, posts.TITLE_MAX),
            ("summary", summary, posts.SUMMARY_MAX),
            ("body", body, posts.BODY_MAX),
        ):
            if len(value) > limit:
                raise ValidationError(field, _("Keep it under %(max)s characters.", max=posts.number(limit)))
        suggestion.title, suggestion.summary, suggestion.body = title, summary, body
    session.add(suggestion)
    session.flush()
    suggestion_submitted.send(suggestion, session=session, actor=actor)
    return suggestion


def reply(session: Session, suggestion: Suggestion, actor: User, body: str) -> SuggestionReply:
    """Add to a conversation; everyone else in it hears about it."""
    _require_active(actor)
    if not can_see(actor, suggestion.post):
        raise PermissionDenied(_("This post is private to its author."))
    body = (body or "").strip()
    if not body:
        raise ValidationError("body", _("Write your reply."))
    if len(body) > TEXT_MAX:
        raise ValidationError("body", _("Keep it under %(max)s characters.", max=posts.number(TEXT_MAX)))
    others = queries.participants(session, suggestion)
    answer = SuggestionReply(suggestion_id=suggestion.id, author_id=actor.id, body=body)
    session.add(answer)
    suggestion.last_activity_at = utcnow()
    session.flush()
    visible = [uid for uid in others if uid == suggestion.post.author_id or open_for_suggestions(suggestion.post)]
    suggestion_replied.send(suggestion, session=session, actor=actor, participants=visible)
    return answer


def require_open_edit(actor: User, suggestion: Suggestion) -> None:
    """PermissionDenied unless ``actor`` decides on ``suggestion`` (the post's author);
    ValidationError unless it is an edit still open to accept, merge or decline."""
    if not can_decide(actor, suggestion):
        raise PermissionDenied(_("Only the post's author accepts or declines suggestions."))
    if not suggestion.is_edit:
        raise ValidationError(None, _("A comment has nothing to accept; reply or resolve it instead."))
    if not suggestion.is_open:
        raise ValidationError(None, _already(suggestion.state))


def _already(state: SuggestionState) -> str:
    """Why a closed suggestion cannot be decided on or resolved: what it already is."""
    if state == SuggestionState.ACCEPTED:
        return _("This suggestion is already accepted.")
    if state == SuggestionState.DECLINED:
        return _("This suggestion is already declined.")
    return _("This suggestion is already resolved.")


class MergeNeeded(Conflict):
    """The post changed since the suggestion was written and the changes overlap: the author
    merges by hand. ``plan`` holds both sides and a merge with conflict markers."""

    def __init__(self, plan: queries.MergePlan) -> None:
        super().__init__(_("The post changed since this was suggested, and the changes overlap. Merge them by hand."),
                         current=plan.current)
        self.plan = plan


def _close(suggestion: Suggestion, actor: User, state: SuggestionState) -> None:
    now = utcnow()
    suggestion.state = state
    suggestion.closed_at = now
    suggestion.closed_by_id = actor.id
    suggestion.last_activity_at = now


def _apply(
    session: Session,
    suggestion: Suggestion,
    actor: User,
    texts: dict[str, str],
    *,
    base_revision_id: int | None,
    merged_with: int | None = None,
    by_hand: bool = False,
    publish: bool,
) -> PostRevision:
    """Apply ``texts``; the post's history says whose suggestion it was, who accepted it, and
    whether it was merged with revision ``merged_with`` or by hand (in each reader's language)."""
    post = suggestion.post
    revision = posts.apply_suggested_revision(
        session,
        post,
        actor,
        suggestion.author,
        title=texts["title"],
        summary=texts["summary"],
        body=texts["body"],
        base_revision_id=base_revision_id,
        merged_with=merged_with,
        by_hand=by_hand,
    )
    if publish:
        posts.publish_post(session, post, actor)
    _close(suggestion, actor, SuggestionState.ACCEPTED)
    suggestion.applied_revision_id = revision.id
    suggestion_decided.send(suggestion, session=session, actor=actor, accepted=True)
    return revision


def accept_suggestion(session: Session, suggestion: Suggestion, actor: User, *, publish: bool = False) -> PostRevision:
    """Apply a proposed edit as a new revision credited to its suggester (author only), and with
    ``publish`` make it live. When the post changed since the suggestion's base revision, the
    changes are merged three ways if they do not overlap; otherwise MergeNeeded is raised and
    nothing changes."""
    require_open_edit(actor, suggestion)
    current = suggestion.post.current_revision
    assert current is not None
    merged_with: int | None = None
    if current.id == suggestion.base_revision_id:
        texts = {"title": suggestion.title or "", "summary": suggestion.summary or "", "body": suggestion.body or ""}
    else:
        plan = queries.merge_plan(suggestion, current)
        if not plan.clean:
            raise MergeNeeded(plan)
        texts = {name: plan.text(name) for name in ("title", "summary", "body")}
        merged_with = current.number
    return _apply(
        session, suggestion, actor, texts, base_revision_id=current.id, merged_with=merged_with, publish=publish
    )


@dataclass(frozen=True)
class MergedText:
    title: str
    summary: str
    body: str


def accept_merged(
    session: Session,
    suggestion: Suggestion,
    actor: User,
    merged: MergedText,
    *,
    base_revision_id: int | None,
    publish: bool = False,
) -> PostRevision:
    """Apply the author's own merge of a suggestion, credited to the suggester. The merge was
    made on ``base_revision_id``; if the post changed again since, Conflict."""
    require_open_edit(actor, suggestion)
    for field in ("title", "summary", "body"):
        if has_markers(getattr(merged, field)):
            raise ValidationError(
                field, _("Settle the conflict first: keep the text you want and remove the marker lines.")
            )
    texts = {"title": merged.title, "summary": merged.summary, "body": merged.body}
    return _apply(
        session, suggestion, actor, texts, base_revision_id=base_revision_id, by_hand=True, publish=publish
    )


def decline_suggestion(session: Session, suggestion: Suggestion, actor: User, note: str = "") -> None:
    """Decline a proposed edit (author only), optionally saying why; its suggester is told."""
    require_open_edit(actor, suggestion)
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise ValidationError("note", _("Keep it under %(max)s characters.", max=posts.number(TEXT_MAX)))
    _close(suggestion, actor, SuggestionState.DECLINED)
    suggestion.decline_note = note
    suggestion_decided.send(suggestion, session=session, actor=actor, accepted=False)


def resolve_suggestion(session: Session, suggestion: Suggestion, actor: User) -> None:
    """Close an open conversation (the post's author or whoever started it)."""
    if not can_resolve(actor, suggestion):
        raise PermissionDenied(_("Only the post's author or whoever started this conversation can resolve it."))
    if not suggestion.is_open:
        raise ValidationError(None, _already_conversation(suggestion.state))
    _close(suggestion, actor, SuggestionState.RESOLVED)


def _already_conversation(state: SuggestionState) -> str:
    if state == SuggestionState.ACCEPTED:
        return _("This conversation is already accepted.")
    if state == SuggestionState.DECLINED:
        return _("This conversation is already declined.")
    return _("This conversation is already resolved.")


def reopen_suggestion(session: Session, suggestion: Suggestion, actor: User) -> None:
    """Open a resolved conversation again (accepted and declined edits stay closed)."""
    if not can_resolve(actor, suggestion):
        raise PermissionDenied(_("Only the post's author or whoever started this conversation can reopen it."))
    if suggestion.state != SuggestionState.RESOLVED:
        raise ValidationError(None, _("Only resolved conversations can be reopened."))
    suggestion.state = SuggestionState.OPEN
    suggestion.closed_at = None
    suggestion.closed_by_id = None
    suggestion.last_activity_at = utcnow()
