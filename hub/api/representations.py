"""What the API answers: plain JSON-ready dicts built from the domains' objects (the shapes the
OpenAPI document in ``hub.api.openapi`` describes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.api.models import ApiToken
from hub.auth.models import User
from hub.insights.queries import Counts, Dashboard
from hub.posts.models import Post, PostRevision
from hub.sharing.queries import Card
from hub.topics.models import Topic


def when(value: datetime | None) -> str | None:
    """An aware datetime as RFC 3339 (UTC, ``Z``), or None."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def person(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.display_name, "job_title": user.job_title}


def me(user: User, token: ApiToken) -> dict[str, Any]:
    return {**person(user), "email": user.email, "role": user.role.value,
            "token": {"id": token.id, "name": token.name, "prefix": token.prefix,
                      "scopes": [s.value for s in token.scopes]}}


def post(item: Post, revision: PostRevision | None, base_url: str) -> dict[str, Any]:
    """A post as ``revision`` (the live one for readers, the newest for its author and comms) says."""
    return {
        "id": item.id,
        "status": item.status.value,
        "title": revision.title if revision else "",
        "summary": revision.summary if revision else "",
        "body": revision.body if revision else "",
        "tags": revision.tag_names if revision else [],
        "key_point": revision.key_point if revision else None,
        "revision": revision.number if revision else None,
        "has_unpublished_changes": item.has_unpublished_changes,
        "author": person(item.author),
        "topic_id": item.topic_id,
        "url": f"{base_url}/p/{item.id}-{item.slug}" if item.is_public else None,
        "created_at": when(item.created_at),
        "updated_at": when(item.updated_at),
        "published_at": when(item.published_at),
        "scheduled_for": when(item.scheduled_for),
    }


def share_text(card: Card) -> dict[str, Any]:
    return {"platform": card.platform, "name": card.name, "text": card.text, "subject": card.subject,
            "source": card.source, "count": card.count, "limit": card.limit, "fits": card.count <= card.limit,
            "link": card.link, "intent": card.intent, "problems": list(card.problems)}


def topic(item: Topic) -> dict[str, Any]:
    return {
        "id": item.id,
        "slug": item.slug,
        "title": item.title,
        "state": item.state.value,
        "brief": item.brief,
        "audience": item.audience,
        "platforms": list(item.platforms),
        "key_messages": item.messages,
        "hashtags": list(item.hashtags),
        "useful_until": item.useful_until.isoformat() if item.useful_until else None,
        "created_at": when(item.created_at),
        "added_at": when(item.added_at),
        "closed_at": when(item.closed_at),
    }


def counts(c: Counts) -> dict[str, Any]:
    return {"clicks": c.clicks, "visitors": c.visitors, "previews": c.previews, "shares": c.shares,
            "clicks_per_share": c.clicks_per_share}


def insights(board: Dashboard, *, posts_limit: int) -> dict[str, Any]:
    t = board.totals
    return {
        "scope": "mine" if board.is_mine else "company",
        "start": board.range.start.isoformat(),
        "end": board.range.end.isoformat(),
        "totals": {"clicks": t.clicks, "visitors": t.visitors, "previews": t.previews, "shares": t.shares,
                   "copies": t.copies, "intents": t.intents, "posts_written": t.posts_written,
                   "authors": t.authors, "sharers": t.sharers, "people": t.people,
                   "clicks_per_share": t.clicks_per_share, "participation": t.participation},
        "days": [{"day": d.day.isoformat(), **counts(d.counts)} for d in board.days],
        "platforms": [{"platform": p.platform, "name": p.name, **counts(p.counts)} for p in board.platforms],
        "posts": [{"post_id": p.post_id, "title": p.title, "author": p.author, "topic_id": p.topic_id,
                   **counts(p.counts)} for p in board.posts[:posts_limit]],
        "topics": [{"topic_id": r.topic_id, "title": r.title, "posts": r.posts, **counts(r.counts)}
                   for r in board.topics],
    }
