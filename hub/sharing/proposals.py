"""hub's proposed share texts, built once per (live revision, own words, settings) and cached.

Building the texts (``hub.rewrite.propose``) reads the whole post and tries many phrasings: tens of
milliseconds. The share page asks for them on every view, and everyone without own words gets the
same texts (the link in them is a placeholder each card swaps for the person's own). So they are
kept twice: in this process (a small LRU) and in the database (``share_proposal_cache``, shared by
every worker and surviving restarts).

The key is a digest of every input: the revision's title, body, summary, tags and key point, the
topic's title, hashtags and audience, the disclosure line, the placeholder link, the person's
own words, and the source of the rules themselves (``hub/rewrite`` and ``hub/platforms.py``, so a
deployment that changes how texts are written never reads an old row). A new revision, an edited
key point, new own words or a new disclosure is a new key; nothing needs invalidating by hand.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from hub.db import utcnow
from hub.posts.models import Post
from hub.rewrite import Proposal, propose
from hub.sharing import services
from hub.sharing.models import ProposalCache

MEMORY_ENTRIES = 512  # per process: a few hundred posts' texts, a few hundred KB


@cache
def rules_fingerprint() -> str:
    """A digest of the code that writes the texts (read once per process)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted((root / "rewrite").glob("*.py")) + [root / "platforms.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


V = TypeVar("V")


class Memory(Generic[V]):
    """A thread-safe LRU of key -> value (values are treated as read-only: shared by requests)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Memories:
    """This app's in-process caches (``app.extensions["hub.sharecache"]``, made by hub.sharing's
    init_app): proposals by key, and the share page's similarity warnings per person."""

    def __init__(self) -> None:
        self.proposals: Memory[dict[str, Proposal]] = Memory(MEMORY_ENTRIES)
        self.warnings: Memory[tuple[Any, ...]] = Memory(4 * MEMORY_ENTRIES)

    def clear(self) -> None:
        self.proposals.clear()
        self.warnings.clear()


_outside_app = Memories()  # scripts that build texts without an app


def memories() -> Memories:
    if has_app_context():
        found = current_app.extensions.get("hub.sharecache")
        if isinstance(found, Memories):
            return found
    return _outside_app


def digest(parts: object) -> str:
    """A sha256 of ``parts`` (JSON-able: lists, strings, numbers), as a cache key."""
    payload = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _inputs(session: Session, post: Post, url: str, disclosure: str | None, own_words: str) -> dict[str, object]:
    revision = post.live_revision
    assert revision is not None
    theme = services.theme_of(session, post)  # the topic it was written for, as hub.topics answers
    return {
        "title": revision.title,
        "body": revision.body,
        "url": url,
        "summary": revision.summary,
        "tags": tuple(revision.tag_names),
        "disclosure": disclosure or None,
        "topic": theme.title if theme else None,
        "hashtags": tuple(theme.hashtags) if theme else (),
        "audience": (theme.audience or None) if theme else None,
        "key_point": revision.key_point or None,
        "own_words": own_words or None,
    }


def cache_key(inputs: dict[str, object]) -> str:
    return digest([rules_fingerprint(), sorted(inputs.items())])


def _dump(proposals: dict[str, Proposal]) -> str:
    return json.dumps(
        [
            [p.platform, p.text, p.subject, list(p.hashtags), p.disclosure_included, list(p.notes), p.source]
            for p in proposals.values()
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _load(value: str) -> dict[str, Proposal]:
    return {
        row[0]: Proposal(row[0], row[1], row[2], tuple(row[3]), bool(row[4]), tuple(row[5]), row[6])
        for row in json.loads(value)
    }


def cached_proposals(
    session: Session,
    post: Post,
    *,
    user_id: int,
    url: str,
    disclosure: str | None,
    own_words: str = "",
) -> dict[str, Proposal]:
    """hub's proposals for ``post``'s live revision (see ``hub.sharing.queries.post_proposals``),
    from this process's cache, else the database's, else built and written to both. ``user_id``
    is the person whose ``own_words`` they are built around: their older rows for this post
    (words they typed before) are deleted when a new one is written, so the table holds at most
    one row per person and post, plus one per post for everyone without own words."""
    inputs = _inputs(session, post, url, disclosure, own_words)
    key = cache_key(inputs)
    memory = memories().proposals
    found = memory.get(key)
    if found is not None:
        return found
    stored = session.scalar(sa.select(ProposalCache.proposals).where(ProposalCache.key == key))
    if stored is not None:
        proposals = _load(stored)
    else:
        proposals = propose(str(inputs.pop("title")), str(inputs.pop("body")), **inputs)  # type: ignore[arg-type]
        owner = user_id if own_words else None
        session.execute(
            sa.delete(ProposalCache).where(
                ProposalCache.post_id == post.id,
                ProposalCache.user_id == owner if owner is not None else ProposalCache.user_id.is_(None),
                ProposalCache.key != key,
            )
        )
        session.execute(
            _insert_ignore(session),
            {"key": key, "post_id": post.id, "user_id": owner, "proposals": _dump(proposals), "created_at": utcnow()},
        )
    memory.put(key, proposals)
    return proposals


def _insert_ignore(session: Session) -> sa.Insert:
    """An insert that leaves the row another worker wrote for the same key (same texts) alone."""
    table = ProposalCache.__table__
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return insert(table).on_conflict_do_nothing(index_elements=["key"])  # type: ignore[arg-type]
