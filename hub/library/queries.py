"""Reads of the library: the lists, an item's share cards, and where an item's links lead."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub import platforms
from hub.auth.models import User
from hub.errors import NotFound
from hub.i18n import _
from hub.library.models import ItemState, LibraryFeed, LibraryItem
from hub.rewrite import Proposal, propose
from hub.sharing import services as sharing
from hub.sharing.models import OwnWords, ShareLink, ShareText
from hub.sharing.queries import Card, intent_for, link_url
from hub.topics.models import Topic, TopicState

PAGE_SIZE = 30
LIBRARY_CAMPAIGN = "library"  # utm_campaign of an item without a topic (when its links carry UTM at all)


def get_item(session: Session, item_id: int) -> LibraryItem:
    item = session.get(LibraryItem, item_id)
    if item is None:
        raise NotFound(_("This article is not in the library."))
    return item


def get_feed(session: Session, feed_id: int) -> LibraryFeed:
    feed = session.get(LibraryFeed, feed_id)
    if feed is None:
        raise NotFound(_("This feed does not exist."))
    return feed


def items(session: Session, state: ItemState = ItemState.ACTIVE, *, topic_id: int | None = None,
          limit: int = PAGE_SIZE, offset: int = 0) -> list[LibraryItem]:
    query = sa.select(LibraryItem).where(LibraryItem.state == state)
    if topic_id is not None:
        query = query.where(LibraryItem.topic_id == topic_id)
    order = (LibraryItem.created_at.desc(), LibraryItem.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit).offset(offset)))


def waiting_count(session: Session) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(LibraryItem)
                              .where(LibraryItem.state == ItemState.SUGGESTED)) or 0)


def feeds(session: Session) -> list[LibraryFeed]:
    return list(session.scalars(sa.select(LibraryFeed).where(LibraryFeed.is_active.is_(True))
                                .order_by(LibraryFeed.created_at.desc(), LibraryFeed.id.desc())))


def topic_choices(session: Session) -> list[tuple[int, str]]:
    """Topics an item may be attached to (those on the board)."""
    rows = session.execute(sa.select(Topic.id, Topic.title).where(Topic.state == TopicState.OPEN)
                           .order_by(Topic.title))
    return [(int(i), str(t)) for i, t in rows]


def get_topic(session: Session, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id)
    if topic is None:
        raise NotFound(_("This topic does not exist."))
    return topic


def topic_of(session: Session, item: LibraryItem) -> Topic | None:
    return session.get(Topic, item.topic_id) if item.topic_id is not None else None


def item_destination(item_id: int, *, session: Session, **_: Any) -> sharing.ItemDestination | None:
    """hub.sharing's ``item_destination``, connected in hub/events.py: the item's own URL (an
    http(s) address a signed-in person registered), whether it is still in the library, and
    whether its links carry UTM parameters."""
    item = session.get(LibraryItem, item_id)
    if item is None or not item.url.startswith(("http://", "https://")):
        return None
    topic = topic_of(session, item)
    return sharing.ItemDestination(item.url, item.state == ItemState.ACTIVE, item.use_utm,
                                   topic.slug if topic else LIBRARY_CAMPAIGN)


def own_words(session: Session, item: LibraryItem, user: User) -> str:
    """``user``'s own line about ``item`` as they last typed it; the adder starts from their comment."""
    words = session.scalar(sa.select(OwnWords.words).where(OwnWords.item_id == item.id, OwnWords.user_id == user.id))
    if words is None and item.added_by_id == user.id:
        return item.comment
    return words or ""


def proposals(session: Session, item: LibraryItem, *, url: str, disclosure: str | None,
              own_words: str = "") -> dict[str, Proposal]:
    """hub's text for every platform, built around the sharer's ``own_words`` and the article's
    title alone: never its description or body (the article is someone else's words)."""
    topic = topic_of(session, item)
    return propose(item.title, "", url=url, disclosure=disclosure or None,
                   topic=topic.title if topic else None, hashtags=topic.hashtags if topic else (),
                   audience=(topic.audience or None) if topic else None, language=item.language or None,
                   own_words=own_words or None)


def cards(session: Session, item: LibraryItem, user: User, links: dict[str, ShareLink], base_url: str,
          disclosure: str | None, *, words: str = "") -> list[Card]:
    """One card per platform: ``user``'s own saved wording, else hub's proposal built around
    their ``words``; each with ``user``'s own tracked link."""
    own = {t.platform: t for t in session.scalars(
        sa.select(ShareText).where(ShareText.item_id == item.id, ShareText.user_id == user.id))}
    placeholder = link_url(base_url, "x" * len(next(iter(links.values())).code))
    drafts = proposals(session, item, url=placeholder, disclosure=disclosure, own_words=words) \
        if any(pid not in own for pid in platforms.PLATFORMS) else {}
    result = []
    for pid, spec in platforms.PLATFORMS.items():
        url = link_url(base_url, links[pid].code)
        if pid in own:
            text, subject, source = own[pid].text, own[pid].subject, "yours"
        else:
            text, subject = drafts[pid].text.replace(placeholder, url), drafts[pid].subject
            source = "words" if words else "proposed"
        result.append(Card(pid, spec.name, sharing.limit_for(user, pid), text, subject, source, url,
                           platforms.measure(pid, text), intent_for(user, pid, text, url, subject),
                           tuple(sharing.text_problems(user, pid, text, link=url)) if source == "yours" else ()))
    return result
