"""Domain verbs for sharing: tracked links, clicks, share events, personal share texts."""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.orm import Session

from hub import platforms, rewrite
from hub.auth.models import User
from hub.db import add_or_get, savepoint, utcnow
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.i18n import _
from hub.posts.models import Post, PostStatus
from hub.sharing.bots import is_bot
from hub.sharing.clicklog import ClickRecord, ClickSink
from hub.sharing.models import OwnWords, Setting, ShareEvent, ShareLink, ShareNetwork, ShareText

CODE_LENGTH = 8  # 48 random bits in URL-safe base64: not guessable, and every link is equally long
EVENT_KINDS = ("copy", "intent", "webshare")
DISCLOSURE_KEY = "disclosure"
# One or two lines: they go into every text, X's 280 included (the engine's own bound).
OWN_WORDS_MAX = rewrite.OWN_WORDS_MAX
# Platforms whose share text never carries the link (hub.rewrite.propose's promise): Instagram
# ("link in bio") and Reddit (the link is submitted beside the title).
LINKLESS_PLATFORMS = frozenset({"instagram", "reddit"})


def _require_shareable(post: Post) -> None:
    if not post.is_public:
        raise NotFound(_("Only published posts can be shared."))


def new_code() -> str:
    """A random link code of CODE_LENGTH URL-safe characters."""
    return secrets.token_urlsafe(6)[:CODE_LENGTH]


def links_for(session: Session, post: Post, user: User) -> dict[str, ShareLink]:
    """``user``'s tracked link for every platform of ``post``, created on first use and stable
    after. Safe under concurrency: a lost insert race re-reads the winner's row."""
    _require_shareable(post)
    return _links(session, user, ShareLink.post_id, post.id, {"post_id": post.id})


def item_links_for(session: Session, item_id: int, user: User) -> dict[str, ShareLink]:
    """``user``'s tracked link for every platform of the library item ``item_id`` (hub.library
    checks first that the item may be shared); they redirect to the item's own outside URL."""
    return _links(session, user, ShareLink.item_id, item_id, {"item_id": item_id})


def _links(session: Session, user: User, column: Any, key: int, values: dict[str, int]) -> dict[str, ShareLink]:
    if not user.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot share."))
    existing = {
        link.platform: link
        for link in session.scalars(sa.select(ShareLink).where(column == key, ShareLink.user_id == user.id))
    }
    missing = [platform for platform in platforms.PLATFORMS if platform not in existing]
    for _attempt in range(5):  # in one statement; a lost race or a code collision (1 in 2**48) goes round again
        if not missing:
            break
        insert = _dialect_insert(session)(ShareLink).on_conflict_do_nothing()
        now = utcnow()
        session.execute(insert, [{"code": new_code(), "user_id": user.id, "platform": platform, "created_at": now,
                                  **values} for platform in missing])
        for link in session.scalars(sa.select(ShareLink).where(
                column == key, ShareLink.user_id == user.id, ShareLink.platform.in_(missing))):
            existing[link.platform] = link
        missing = [platform for platform in missing if platform not in existing]
    return existing


def _dialect_insert(session: Session) -> Callable[..., Any]:
    """The dialect's insert(), which has ``on_conflict_do_nothing`` (hub runs on SQLite and PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        return insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def record_share_event(session: Session, post: Post, user: User, platform: str, kind: str) -> ShareEvent:
    """Note that ``user`` copied a text or opened ``platform``'s share screen for ``post``."""
    _require_shareable(post)
    return _event(session, user, platform, kind, post_id=post.id)


def record_item_share_event(session: Session, item_id: int, user: User, platform: str, kind: str) -> ShareEvent:
    """Note that ``user`` copied a text or opened ``platform``'s share screen for a library item."""
    return _event(session, user, platform, kind, item_id=item_id)


def _event(session: Session, user: User, platform: str, kind: str, **about: int) -> ShareEvent:
    if platform not in platforms.PLATFORMS:
        raise ValidationError("platform", _("Unknown platform."))
    if kind not in EVENT_KINDS:
        raise ValidationError("kind", _("Unknown kind of share."))
    event = ShareEvent(user_id=user.id, platform=platform, kind=kind, **about)
    session.add(event)
    session.flush()
    return event


def set_networks(session: Session, user: User, chosen: list[str]) -> list[str]:
    """Keep the networks ``user`` shares to, in the order given (their profile setting): the share
    page starts with these cards and folds the others away. An empty choice lets hub learn them
    from what ``user`` shares. Returns the networks kept."""
    if not user.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot share."))
    unknown = [p for p in chosen if p not in platforms.PLATFORMS]
    if unknown:
        raise ValidationError("networks", _("Choose networks from the list."))
    kept = list(dict.fromkeys(chosen))  # each once, in the order given
    session.execute(sa.delete(ShareNetwork).where(ShareNetwork.user_id == user.id))
    session.add_all(ShareNetwork(user_id=user.id, platform=p, position=i) for i, p in enumerate(kept))
    session.flush()
    return kept


def text_problems(user: User, platform: str, text: str, *, link: str | None = None) -> list[str]:
    """Why ``text`` cannot be posted as ``user``'s share on ``platform`` (empty: it can): over
    the limit (``user``'s own Mastodon server's), over Bluesky's bytes, more than Threads' one
    topic tag or five links, or without ``link`` (the person's tracked link) where the text
    carries it. Advice (X's two hashtags, and the like) is not a problem."""
    spec = platforms.PLATFORMS[platform]
    found: list[str] = []
    count, limit = platforms.measure(platform, text), limit_for(user, platform)
    if count > limit:
        found.append(_("Too long for %(name)s: %(count)s of %(limit)s characters (%(over)s over).", name=spec.name,
                       count=format(count, ","), limit=format(limit, ","), over=format(count - limit, ",")))
    if spec.byte_limit is not None and (size := len(text.encode("utf-8"))) > spec.byte_limit:
        found.append(_("Too long for %(name)s: %(size)s of %(limit)s bytes.", name=spec.name, size=format(size, ","),
                       limit=format(spec.byte_limit, ",")))
    tags = platforms.find_hashtags(text)
    if spec.hashtag_style == "topic" and spec.max_hashtags is not None and len(tags) > spec.max_hashtags:
        found.append(_("%(name)s takes one topic tag per post; this has %(num)s hashtags.", name=spec.name,
                       num=len(tags)))
    if spec.max_links is not None:
        links = {text[a:b] for a, b in platforms.find_links(text)}
        if len(links) > spec.max_links:
            found.append(_("%(name)s takes at most %(most)s links; this has %(num)s.", name=spec.name,
                           most=spec.max_links, num=len(links)))
    if link and platform not in LINKLESS_PLATFORMS and link not in text:
        found.append(_("Your tracked link %(link)s is missing: put it back, or nobody can follow your share "
                       "(and it is not counted).", link=link))
    return found


def save_share_text(
    session: Session, post: Post, user: User, platform: str, text: str, subject: str | None = None,
    *, link: str | None = None,
) -> ShareText:
    """Keep ``user``'s own wording for ``platform``. The author's wording becomes the default
    colleagues start from. A text that could not be posted is refused with every reason
    (``text_problems``; the tracked ``link`` is checked when given)."""
    _require_shareable(post)
    return _keep_text(session, user, platform, text, subject, link, ShareText.post_id, post.id,
                      {"post_id": post.id, "revision_id": post.live_revision_id})


def save_item_share_text(
    session: Session, item_id: int, user: User, platform: str, text: str, subject: str | None = None,
    *, link: str | None = None,
) -> ShareText:
    """``save_share_text`` for a library item (hub.library checks the item may be shared)."""
    return _keep_text(session, user, platform, text, subject, link, ShareText.item_id, item_id, {"item_id": item_id})


def _keep_text(session: Session, user: User, platform: str, text: str, subject: str | None, link: str | None,
               column: Any, key: int, values: dict[str, Any]) -> ShareText:
    if not user.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot share."))
    if platform not in platforms.PLATFORMS:
        raise ValidationError("platform", _("Unknown platform."))
    text = text.replace("\r\n", "\n")
    problems = text_problems(user, platform, text, link=link)
    if problems:
        raise ValidationError("text", " ".join(problems))

    def find() -> ShareText | None:
        return session.scalar(sa.select(ShareText).where(
            column == key, ShareText.user_id == user.id, ShareText.platform == platform))

    # Two tabs saving the first text at once: the later one updates the row the first inserted.
    row = find() or add_or_get(session, ShareText(user_id=user.id, platform=platform, text=text, **values), find)
    row.text = text
    row.subject = subject
    row.revision_id = values.get("revision_id")
    row.updated_at = utcnow()
    session.flush()
    return row


def reset_share_text(session: Session, post: Post, user: User, platform: str) -> None:
    """Forget ``user``'s own wording for ``platform``: they start again from hub's text."""
    _require_shareable(post)
    _forget_text(session, user, platform, ShareText.post_id, post.id)


def reset_item_share_text(session: Session, item_id: int, user: User, platform: str) -> None:
    """``reset_share_text`` for a library item."""
    _forget_text(session, user, platform, ShareText.item_id, item_id)


def _forget_text(session: Session, user: User, platform: str, column: Any, key: int) -> None:
    if platform not in platforms.PLATFORMS:
        raise ValidationError("platform", _("Unknown platform."))
    session.execute(sa.delete(ShareText).where(column == key, ShareText.user_id == user.id,
                                               ShareText.platform == platform))
    session.flush()


def save_own_words(session: Session, post: Post, user: User, words: str) -> OwnWords:
    """Keep ``user``'s own line or two about ``post`` (why they share it); every proposed text
    of theirs is built around it. Only ever ``user``'s own row: nobody writes anyone else's."""
    _require_shareable(post)
    return _keep_words(session, user, words, OwnWords.post_id, post.id, {"post_id": post.id})


def save_item_own_words(session: Session, item_id: int, user: User, words: str) -> OwnWords:
    """``save_own_words`` for a library item: why ``user`` shares this outside article."""
    return _keep_words(session, user, words, OwnWords.item_id, item_id, {"item_id": item_id})


def _keep_words(session: Session, user: User, words: str, column: Any, key: int, values: dict[str, int]) -> OwnWords:
    if not user.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot share."))
    words = (words or "").replace("\r\n", "\n").strip()
    if len(words) > OWN_WORDS_MAX:
        raise ValidationError(
            "own_words", _("Keep it to a line or two: %(most)s characters at most (this has %(num)s). "
                           "Your words go into every text, X's 280 characters included.",
                           most=OWN_WORDS_MAX, num=format(len(words), ","))
        )

    def find() -> OwnWords | None:
        return session.scalar(sa.select(OwnWords).where(column == key, OwnWords.user_id == user.id))

    row = find()
    if row is None:
        try:
            with savepoint(session):
                row = OwnWords(user_id=user.id, words=words, **values)
                session.add(row)
        except sa.exc.IntegrityError:  # another request of theirs inserted it first: update that one
            row = find()
            assert row is not None
    row.words = words
    row.updated_at = utcnow()
    session.flush()
    return row


def limit_for(user: User, platform: str) -> int:
    """The limit that applies to ``user`` on ``platform``: their own Mastodon server's, if set."""
    own = user.handle_limit(platform) if platform == "mastodon" else None
    return platforms.limit_for(platform, limit=own)


def get_setting(session: Session, key: str, default: str = "") -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else default


def set_disclosure(session: Session, actor: User, value: str) -> None:
    """Admins set the company disclosure line (e.g. ``#IWorkAtAcme``) added to share texts."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only admins can set the disclosure line."))
    value = " ".join((value or "").split())
    if len(value) > 60:
        raise ValidationError("disclosure", _("Keep the disclosure under 60 characters."))
    set_setting(session, actor, DISCLOSURE_KEY, value)


def set_setting(session: Session, actor: User, key: str, value: str) -> None:
    """Store a site-wide setting, noting who changed it and when (callers check permission)."""
    row = session.get(Setting, key)
    if row is None:
        row = Setting(key=key)
        session.add(row)
    row.value = value
    row.updated_by_id = actor.id
    row.updated_at = utcnow()
    session.flush()


# --- following a tracked link ----------------------------------------------------------------


@dataclass(frozen=True)
class LinkTarget:
    link_id: int
    post_id: int | None  # None: the link is a library item's
    user_id: int
    platform: str
    code: str
    status: PostStatus | None  # the post's; None for a library item
    path: str  # /p/<id>-<slug>; "" for a library item
    campaign: str
    item_id: int | None = None
    outside: str = ""  # a library item's own URL (registered by a signed-in person)
    available: bool = True  # a library item still in the library
    utm: bool = True  # a library item's links carry UTM parameters only when its item says so

    @property
    def redirects(self) -> bool:
        """Whether following the link leads somewhere (else 404 or 410)."""
        if self.item_id is not None:
            return self.available
        return self.status == PostStatus.PUBLISHED

    def location(self, base_url: str) -> str:
        """Where the link leads: the post's canonical URL with the UTM parameters of this link (no
        personal data), or the library item's outside URL (with them only if the item asks)."""
        query = {"utm_source": self.platform, "utm_medium": "social", "utm_campaign": self.campaign,
                 "utm_content": self.code}
        if self.item_id is not None:
            return with_query(self.outside, query) if self.utm else self.outside
        return f"{base_url}{self.path}?{urlencode(query)}"


def with_query(url: str, extra: dict[str, str]) -> str:
    """``url`` with ``extra`` query parameters (replacing any of the same names), fragment kept."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in extra]
    return urlunsplit(parts._replace(query=urlencode([*kept, *extra.items()])))


@dataclass(frozen=True)
class ItemDestination:
    """What hub.library answers about an item a link points at (``item_destination``)."""

    url: str
    available: bool
    use_utm: bool
    campaign: str


class LinkCache:
    """Code -> (LinkTarget, redirect location), so a burst of clicks costs one query and no string
    building. An entry is served while it is younger than ``ttl`` seconds *and* the machine's
    content counter (``generation``, hub.lib.generation: bumped after every commit that changes
    posts, links or library items) has not moved since it was read: a takedown or withdrawal is
    seen by every worker of the machine at once, by other machines within ``ttl``."""

    def __init__(self, ttl: float = 10.0, size: int = 20_000, generation: Callable[[], int] = lambda: 0) -> None:
        self.ttl, self.size, self.generation = ttl, size, generation
        self._data: dict[str, tuple[float, int, LinkTarget | None, str]] = {}
        self._lock = threading.Lock()

    def peek(self, code: str) -> tuple[LinkTarget, str] | None:
        """A fresh entry for a link that redirects (a published post, or a library item still in the
        library), without touching the database; None when the full path must decide."""
        hit = self._data.get(code)
        if hit is None or hit[0] <= time.monotonic() or hit[1] != self.generation():
            return None
        target = hit[2]
        if target is None or not target.redirects:
            return None
        return target, hit[3]

    def get(self, session_factory: Callable[[], Session], code: str, base_url: str) -> tuple[LinkTarget | None, str]:
        """The target of ``code`` and its redirect location (loaded with a session only on a miss)."""
        now = time.monotonic()
        generation = self.generation()
        hit = self._data.get(code)
        if hit is not None and hit[0] > now and hit[1] == generation:
            return hit[2], hit[3]
        target = _load_target(session_factory(), code)  # read after the counter: a commit in between is seen next time
        location = target.location(base_url) if target is not None else ""
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[code] = (now + self.ttl, generation, target, location)
        return target, location

    def forget(self, code: str) -> None:
        self._data.pop(code, None)


def _load_target(session: Session, code: str) -> LinkTarget | None:
    if not code or len(code) > 16:
        return None
    link = session.scalar(sa.select(ShareLink).where(ShareLink.code == code))
    if link is None:
        return None
    if link.item_id is not None:
        where = destination_of(session, link.item_id)
        if where is None:
            return None
        return LinkTarget(link.id, None, link.user_id, link.platform, link.code, None, "", where.campaign,
                          item_id=link.item_id, outside=where.url, available=where.available, utm=where.use_utm)
    assert link.post_id is not None
    post = session.get(Post, link.post_id)
    assert post is not None
    return LinkTarget(link.id, post.id, link.user_id, link.platform, link.code, post.status,
                      f"/p/{post.id}-{post.slug}", campaign_for(session, post))


class ShareTheme(Protocol):
    """What a post was written for, as sharing reads it (hub.topics' Topic is one)."""

    @property
    def slug(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def hashtags(self) -> tuple[str, ...]: ...
    @property
    def audience(self) -> str: ...


_signals = Namespace()
share_theme = _signals.signal("hub.sharing.share-theme")
"""Asked as ``share_theme.send(post, session=...)`` when a post's share texts or links are made:
a receiver returns a ShareTheme or None (hub.topics: the topic the post was written for, whose
hashtags and audience the proposals use and whose slug is the links' utm_campaign)."""


item_destination = _signals.signal("hub.sharing.item-destination")
"""Asked as ``item_destination.send(item_id, session=...)`` when a library item's link is followed:
a receiver returns an ItemDestination or None (hub.library: the item's own URL, whether it is
still in the library, and whether its links carry UTM parameters)."""


def destination_of(session: Session, item_id: int) -> ItemDestination | None:
    """Where a library item's links lead, as hub.library answers ``item_destination``."""
    for _receiver, answer in item_destination.send(item_id, session=session):
        if answer is not None:
            return answer
    return None


def theme_of(session: Session, post: Post) -> ShareTheme | None:
    """What ``post`` was written for, if anything answers ``share_theme``."""
    for _receiver, theme in share_theme.send(post, session=session):
        if theme is not None:
            return theme
    return None


def campaign_for(session: Session, post: Post) -> str:
    """The utm_campaign of a post's links: its theme's (topic's) slug when it has one, else its own slug."""
    theme = theme_of(session, post)
    return theme.slug if theme is not None else post.slug


@functools.lru_cache(maxsize=4)
def _daily_salt(secret: str, day: int) -> bytes:
    return hmac.new(secret.encode(), f"hub.visitor.{day}".encode(), hashlib.sha256).digest()


def visitor_hash(secret: str, address: str, user_agent: str, when: datetime) -> str:
    """A salted hash of the visitor that changes every UTC day: counts unique visitors without
    storing an address, and cannot be linked across days."""
    salt = _daily_salt(secret, int(when.timestamp() // 86400))
    return hmac.new(salt, f"{address}\n{user_agent}".encode(), hashlib.sha256).hexdigest()[:20]


class _ClickIds:
    """Unique click ids without a system call per click: a random per-process prefix and a counter."""

    def __init__(self) -> None:
        self._pid = 0
        self._prefix = ""
        self._counter = itertools.count()

    def next(self) -> str:
        if self._pid != os.getpid():  # a forked worker must not repeat its parent's ids
            self._pid, self._prefix, self._counter = os.getpid(), secrets.token_hex(10), itertools.count()
        return f"{self._prefix}{next(self._counter):012x}"


_click_ids = _ClickIds()


def record_click(log: ClickSink, target: LinkTarget, *, user_agent: str, visitor: str) -> bool:
    """Append one click to the durable click sink; returns whether it counted as a bot."""
    bot = is_bot(user_agent)
    log.append(ClickRecord(_click_ids.next(), target.link_id, target.post_id, target.user_id, target.platform,
                           time.time(), bot, visitor))
    return bot
