"""Who sees and starts conversations on a post, and which revision colleagues see. Shared by the
services (which enforce them) and the queries (which prepare flags for pages)."""

from __future__ import annotations

from typing import Any

from hub.posts.models import Post, PostRevision, PostStatus


def open_for_suggestions(post: Post) -> bool:
    """Published posts always are; drafts (and scheduled posts) when their author opened them."""
    if post.is_public:
        return True
    return post.open_for_feedback and post.status in (PostStatus.DRAFT, PostStatus.SCHEDULED)


def can_see(actor: Any, post: Post) -> bool:
    """Whether ``actor`` sees the conversations on ``post``: its author always, colleagues while
    the post is open for suggestions; nobody signed out."""
    return bool(
        actor.is_authenticated and actor.is_active and (actor.id == post.author_id or open_for_suggestions(post))
    )


def can_suggest(actor: Any, post: Post) -> bool:
    """Whether ``actor`` may start a conversation on ``post`` (the author may comment too)."""
    return bool(actor.is_authenticated and actor.is_active and open_for_suggestions(post))


def suggestable_revision(post: Post) -> PostRevision:
    """The revision colleagues see and suggest on: the live one of a published post (never the
    author's unpublished changes), else the newest."""
    revision = post.live_revision if post.is_public else post.current_revision
    assert revision is not None
    return revision
