"""The optional language-model writer on the share page: its settings, and the texts it writes
for one person, cached in this process so a reload does not ask the model again.

The share page never waits for it: the page shows the rules' texts at once and
``static/js/share-writer.js`` asks for these afterwards.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from hub import platforms, throttle
from hub.auth.models import User
from hub.i18n import _
from hub.posts.models import Post
from hub.rewrite import Proposal, plain_text
from hub.rewrite.llm import DEFAULT_TIMEOUT, ModelWriter, shown_url
from hub.sharing import services
from hub.sharing.models import ShareLink
from hub.sharing.queries import intent_for, link_url, post_proposals
from hub.strategy.queries import platform_sections, section_view

MIN_TIMEOUT, MAX_TIMEOUT = 0.5, 60.0
MODEL_TTL = 6 * 60 * 60  # seconds the model's texts are kept (they belong to one live revision anyway)
# Seconds a failed attempt is remembered, so a server that is down is not asked on every reload.
FALLBACK_TTL = 60


@dataclass(frozen=True)
class WriterSettings:
    """``LLM_*`` settings as used. ``enabled`` only with a URL; ``shown_url`` is safe to show."""

    url: str
    model: str
    timeout: float
    api_key: str = field(default="", repr=False)
    max_per_hour: int = 60

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WriterSettings:
        try:
            timeout = float(config.get("LLM_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT)
        except (TypeError, ValueError):
            timeout = DEFAULT_TIMEOUT
        if not math.isfinite(timeout):
            timeout = DEFAULT_TIMEOUT
        return cls(
            url=str(config.get("LLM_URL") or "").strip(),
            model=str(config.get("LLM_MODEL") or "").strip(),
            timeout=min(max(timeout, MIN_TIMEOUT), MAX_TIMEOUT),
            api_key=str(config.get("LLM_API_KEY") or ""),
            max_per_hour=_int(config.get("LLM_MAX_PER_HOUR"), 60),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    @property
    def shown_url(self) -> str:
        """The URL without user name, password, query or fragment (where a secret could hide)."""
        return shown_url(self.url)

    @property
    def label(self) -> str:
        """The model's name for people ("the language model" when none is configured)."""
        return self.model or _("the language model")


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class WrittenCache:
    """A small thread-safe LRU of proposals with an expiry per entry."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._data: OrderedDict[tuple[Any, ...], tuple[float, dict[str, Proposal]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> dict[str, Proposal] | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is None or hit[0] <= time.monotonic():
                self._data.pop(key, None)
                return None
            self._data.move_to_end(key)
            return hit[1]

    def put(self, key: tuple[Any, ...], value: dict[str, Proposal], ttl: float) -> None:
        with self._lock:
            self._data[key] = (time.monotonic() + ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


@dataclass(frozen=True)
class WrittenText:
    """One platform's text for the share page, with what share.js shows beside it."""

    platform: str
    text: str
    subject: str | None
    source: str  # "model" or "rules"
    count: int
    limit: int
    ok: bool
    intent: str | None


def _strategy(session: Session) -> tuple[str, dict[str, str]]:
    """The tone of voice and each platform's guidance, as plain text."""
    tone = section_view(session, "tone").revision
    guidance = {}
    for pid, view in zip(platforms.PLATFORMS, platform_sections(session), strict=True):
        if view.revision is not None and view.revision.body.strip():
            guidance[pid] = plain_text(view.revision.body)
    return (plain_text(tone.body) if tone is not None else ""), guidance


def _may_ask(user: User, settings: WriterSettings) -> bool:
    """Whether ``user`` may ask the model once more (``LLM_MAX_PER_HOUR`` requests a person, across
    workers), counting this request when so: it keeps one person from running up the model's bill."""
    return throttle.hit(f"llm-writer:{user.id}", settings.max_per_hour, 3600).allowed


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def written_texts(
    session: Session,
    post: Post,
    user: User,
    links: dict[str, ShareLink],
    *,
    base_url: str,
    disclosure: str | None,
    own_words: str,
    settings: WriterSettings,
    cache: WrittenCache,
) -> list[WrittenText]:
    """Every platform's text written by the model for ``user`` (the rules' text wherever the
    model fails or is not configured), each with ``user``'s own link. Cached per live
    revision, person and own words (and the settings, disclosure and strategy they used)."""
    own_words = " ".join(own_words.split())
    tone, guidance = _strategy(session)
    key = (
        post.live_revision_id,
        user.id,
        own_words,
        _digest(settings.url, settings.model, disclosure, tone, guidance),
    )
    proposals = cache.get(key)
    placeholder = link_url(base_url, "x" * len(next(iter(links.values())).code))
    if proposals is None:
        writer = None
        if settings.enabled and _may_ask(user, settings):
            writer = ModelWriter(
                settings.url,
                settings.model,
                api_key=settings.api_key,
                timeout=settings.timeout,
                tone=tone,
                guidance=guidance,
            )
        proposals = post_proposals(
            session, post, url=placeholder, disclosure=disclosure, own_words=own_words, generator=writer
        )
        used_model = any(p.source != "rules" for p in proposals.values())
        cache.put(key, proposals, MODEL_TTL if used_model else FALLBACK_TTL)
    result = []
    for pid, proposal in proposals.items():
        url = link_url(base_url, links[pid].code)
        text = proposal.text.replace(placeholder, url)
        count, limit = platforms.measure(pid, text), services.limit_for(user, pid)
        result.append(
            WrittenText(
                pid,
                text,
                proposal.subject,
                "model" if proposal.source != "rules" else "rules",
                count,
                limit,
                count <= limit,
                intent_for(user, pid, text, url, proposal.subject),
            )
        )
    return result
