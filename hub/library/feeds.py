"""Reading the feeds comms follow: ``hub library poll-feeds`` (cron) calls ``poll_feeds``.

Each feed is read with the safe fetcher (never inside a web request) and parsed from those
bytes by feedparser, which never fetches anything itself. New entries arrive in the library as
items *waiting* for comms to pick (``ItemState.SUGGESTED``), with the feed named as their
source; an entry whose address is already in the library is left alone."""

from __future__ import annotations

import calendar
import html
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub.db import savepoint, utcnow
from hub.errors import ValidationError
from hub.library import fetch
from hub.library.models import ItemState, LibraryFeed, LibraryItem
from hub.library.services import DESCRIPTION_MAX, TITLE_MAX, FetchSettings, normalize_url, url_key

logger = logging.getLogger("hub.library")
ENTRIES_PER_POLL = 50  # at most this many new items per feed and poll
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    summary: str
    published_at: datetime | None


@dataclass(frozen=True)
class PollResult:
    feed_id: int
    added: int
    error: str = ""


def _text(value: object, limit: int) -> str:
    text = " ".join(html.unescape(_TAGS.sub(" ", str(value or ""))).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_feed(body: bytes) -> tuple[str, str, list[Entry]]:
    """(feed title, language, entries) of an RSS or Atom document; entries without a usable
    http(s) link are skipped. Raises ValueError for something that is not a feed."""
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        raise ValueError("This is not an RSS or Atom feed.")
    info = parsed.get("feed", {})
    entries = []
    for raw in parsed.entries:
        try:
            url = normalize_url(raw.get("link") or "")
        except ValidationError:
            continue
        title = _text(raw.get("title"), TITLE_MAX) or url
        stamp = raw.get("published_parsed") or raw.get("updated_parsed")
        published = datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None
        entries.append(Entry(url, title, _text(raw.get("summary"), DESCRIPTION_MAX), published))
    language = str(info.get("language") or "").split("-")[0].lower()[:8]
    return _text(info.get("title"), 300), language, entries


def poll_feed(session: Session, feed: LibraryFeed, settings: FetchSettings) -> PollResult:
    """Read one feed and add its new entries as waiting items; the error, if any, is kept on the feed."""
    feed.polled_at = utcnow()
    try:
        page = fetch.fetch(feed.url, accept=FEED_ACCEPT, timeout=settings.timeout, max_bytes=settings.max_bytes,
                           allow_loopback=settings.allow_loopback)
        title, language, entries = parse_feed(page.body)
    except (fetch.FetchError, ValueError) as exc:
        feed.last_error = str(exc)[:300]
        session.flush()
        return PollResult(feed.id, 0, feed.last_error)
    feed.last_error = ""
    if title and not feed.title:
        feed.title = title
    added = 0
    keys = {url_key(e.url): e for e in entries}
    known = set(session.scalars(sa.select(LibraryItem.url_key).where(LibraryItem.url_key.in_(list(keys)))))
    for key, entry in keys.items():
        if key in known or added >= ENTRIES_PER_POLL:
            continue
        try:
            with savepoint(session):
                session.add(LibraryItem(url=entry.url, url_key=key, title=entry.title, description=entry.summary,
                                        language=language, site_name=feed.title, state=ItemState.SUGGESTED,
                                        feed_id=feed.id, published_at=entry.published_at))
            added += 1
        except sa.exc.IntegrityError:  # another poller added it a moment ago
            continue
    feed.items_seen += added
    session.flush()
    return PollResult(feed.id, added)


def poll_feeds(session: Session, settings: FetchSettings) -> list[PollResult]:
    """Poll every active feed once (the caller commits)."""
    results = []
    for feed in session.scalars(sa.select(LibraryFeed).where(LibraryFeed.is_active.is_(True)).order_by(LibraryFeed.id)):
        result = poll_feed(session, feed, settings)
        if result.error:
            logger.warning("Feed %s could not be read: %s", feed.url, result.error)
        results.append(result)
    return results
