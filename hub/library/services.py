"""Domain verbs of the library: add an outside article, pick or dismiss a feed's item, edit and
remove items, subscribe to feeds, and share an item (through hub.sharing's links and texts).

Only a URL a signed-in person registered becomes an active item, and only an active item gets
tracked links: ``/s/<code>`` can never be made to redirect anywhere else."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub import throttle
from hub.auth.models import User
from hub.db import add_or_get, utcnow
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.i18n import _
from hub.library import fetch, meta
from hub.library.models import ItemState, LibraryFeed, LibraryItem
from hub.sharing import services as sharing
from hub.sharing.models import OwnWords, ShareEvent, ShareLink, ShareText
from hub.templating import number
from hub.topics.models import Topic

URL_MAX = 2000
TITLE_MAX = meta.TITLE_MAX
COMMENT_MAX = 1000
DESCRIPTION_MAX = meta.DESCRIPTION_MAX


@dataclass(frozen=True)
class FetchSettings:
    """How the safe fetcher may run (``LIBRARY_FETCH_*`` settings)."""

    timeout: float = fetch.DEFAULT_TIMEOUT
    max_bytes: int = fetch.DEFAULT_MAX_BYTES
    allow_loopback: bool = False  # for the tests' local servers only
    previews_per_hour: int = 60  # per person: the preview must not become a way to make hub fetch en masse

    @classmethod
    def from_config(cls, config: Any) -> FetchSettings:
        return cls(float(config.get("LIBRARY_FETCH_TIMEOUT_SECONDS", fetch.DEFAULT_TIMEOUT)),
                   int(config.get("LIBRARY_FETCH_MAX_BYTES", fetch.DEFAULT_MAX_BYTES)),
                   bool(config.get("LIBRARY_FETCH_ALLOW_LOOPBACK", False)),
                   int(config.get("LIBRARY_PREVIEWS_PER_HOUR", 60)))


def normalize_url(url: str | None, field: str = "url") -> str:
    """``url`` as the library keeps it (an absolute http(s) address, fragment dropped), or a
    ValidationError that says what is wrong with it."""
    url = (url or "").strip()
    if not url:
        raise ValidationError(field, _("Paste the address of the article (https://…)."))
    if "://" not in url and "." in url.split("/")[0]:
        url = f"https://{url}"
    if len(url) > URL_MAX or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValidationError(field, _("This is not a web address hub can keep (too long, or with spaces)."))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValidationError(field, _("This web address is not valid.")) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(field, _("Only http:// and https:// addresses can go into the library."))
    if not parts.hostname:
        raise ValidationError(field, _("This web address has no host name."))
    if parts.username is not None or parts.password is not None:
        raise ValidationError(field, _("Leave the user name and password out of the address."))
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme.lower(), netloc.lower(), parts.path or "/", parts.query, ""))


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _too_long(what: str, limit: int, length: int) -> str:
    """"Keep the title under 300 characters (this has 312).", one whole sentence per ``what``."""
    values = {"limit": f"{limit:,}", "length": f"{length:,}"}
    if what == "title":
        return str(_("Keep the title under %(limit)s characters (this has %(length)s).", **values))
    if what == "description":
        return str(_("Keep the description under %(limit)s characters (this has %(length)s).", **values))
    if what == "language":
        return str(_("Keep the language under %(limit)s characters (this has %(length)s).", **values))
    if what == "site name":
        return str(_("Keep the site name under %(limit)s characters (this has %(length)s).", **values))
    return str(_("Keep the name under %(limit)s characters (this has %(length)s).", **values))


def _clean(text: str | None, limit: int, field: str, what: str) -> str:
    """``text`` on one line; ``what`` (title, description, language, site name, name) names it if too long."""
    text = " ".join((text or "").split())
    if len(text) > limit:
        raise ValidationError(field, _too_long(what, limit, len(text)))
    return text


def _image(url: str | None) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.hostname and len(url) <= URL_MAX else ""


@dataclass(frozen=True)
class Preview:
    """What a page says about itself, read by the safe fetcher for the person adding it."""

    url: str
    title: str
    description: str
    image: str
    language: str
    site_name: str


def preview(url: str, settings: FetchSettings, *, actor: User | None = None) -> Preview:
    """Read ``url`` (the address a person just pasted) with the safe fetcher and return its card.
    The one fetch that happens inside a request: bounded by ``settings.timeout``, and at most
    ``settings.previews_per_hour`` per ``actor``. A page that cannot be read raises
    ValidationError("url", why): the person can still type a title."""
    url = normalize_url(url)
    if actor is not None and not throttle.hit(f"library-preview:{actor.id}", settings.previews_per_hour, 3600).allowed:
        raise ValidationError("url", _("You fetched many previews in the last hour. Add the link with a title you "
                                       "type, or fetch its preview a little later."))
    try:
        page = fetch.fetch(url, timeout=settings.timeout, max_bytes=settings.max_bytes,
                           allow_loopback=settings.allow_loopback)
    except fetch.FetchError as exc:
        raise ValidationError("url", _("%(why)s You can still add it with a title you type.", why=str(exc))) from None
    if page.content_type and "html" not in page.content_type:
        raise ValidationError("url", _("This address is not a web page (it is %(type)s). You can still add it with "
                                       "a title you type.", type=page.content_type))
    found = meta.parse_meta(meta.decode(page.body, page.charset), page.url)
    return Preview(url, found.title, found.description, found.image, found.language, found.site_name)


@dataclass
class ItemInput:
    url: str
    title: str
    comment: str = ""
    description: str = ""
    image_url: str = ""
    language: str = ""
    site_name: str = ""
    topic_id: int | None = None
    use_utm: bool = False
    fetched: bool = False


def _topic(session: Session, topic_id: int | None) -> int | None:
    if topic_id is None:
        return None
    if session.get(Topic, topic_id) is None:
        raise ValidationError("topic_id", _("This topic does not exist any more."))
    return topic_id


def _require_person(actor: User) -> None:
    if not actor.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot add to the library."))


def find_by_url(session: Session, url: str) -> LibraryItem | None:
    return session.scalar(sa.select(LibraryItem).where(LibraryItem.url_key == url_key(url)))


def add_item(session: Session, actor: User, data: ItemInput) -> LibraryItem:
    """Put an outside article into the library (anyone signed in). An address already there from
    a feed is picked (made active); one already in the library is refused, naming it."""
    _require_person(actor)
    url = normalize_url(data.url)
    title = _clean(data.title, TITLE_MAX, "title", "title")
    if not title:
        raise ValidationError("title", _("Give the article a title (fetch the preview, or type it)."))
    comment = (data.comment or "").replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError("comment", _("Keep your comment under %(max)s characters.", max=number(COMMENT_MAX)))
    values = dict(
        title=title, comment=comment, description=_clean(data.description, DESCRIPTION_MAX * 2, "description",
                                                         "description")[:DESCRIPTION_MAX],
        image_url=_image(data.image_url), language=_clean(data.language, 8, "language", "language").lower(),
        site_name=_clean(data.site_name, 200, "site_name", "site name"), topic_id=_topic(session, data.topic_id),
        use_utm=bool(data.use_utm), fetched=bool(data.fetched),
    )
    existing = find_by_url(session, url)
    if existing is not None:
        if existing.state == ItemState.ACTIVE:
            raise ValidationError("url", _("“%(title)s” is already in the library.", title=existing.title))
        for key, value in values.items():
            setattr(existing, key, value)
        existing.state = ItemState.ACTIVE
        existing.added_by_id = existing.added_by_id or actor.id
        existing.picked_by_id = actor.id
        existing.updated_at = utcnow()
        session.flush()
        return existing
    item = add_or_get(session, LibraryItem(url=url, url_key=url_key(url), added_by_id=actor.id,
                                           state=ItemState.ACTIVE, **values), lambda: find_by_url(session, url))
    if item.added_by_id != actor.id or item.title != title:  # someone added it a moment earlier
        raise ValidationError("url", _("“%(title)s” is already in the library.", title=item.title))
    session.flush()
    return item


def can_edit(actor: User, item: LibraryItem) -> bool:
    return actor.is_active and (actor.is_comms or (item.added_by_id is not None and item.added_by_id == actor.id))


def update_item(session: Session, actor: User, item: LibraryItem, *, title: str, comment: str,
                topic_id: int | None, use_utm: bool) -> LibraryItem:
    """The adder or comms correct an item's title, comment, topic and UTM choice."""
    if not can_edit(actor, item):
        raise PermissionDenied(_("Only the person who added this article, or comms, can change it."))
    title = _clean(title, TITLE_MAX, "title", "title")
    if not title:
        raise ValidationError("title", _("An article needs a title."))
    comment = (comment or "").replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError("comment", _("Keep your comment under %(max)s characters.", max=number(COMMENT_MAX)))
    item.title, item.comment, item.topic_id = title, comment, _topic(session, topic_id)
    item.use_utm = bool(use_utm)
    item.updated_at = utcnow()
    session.flush()
    return item


def remove_item(session: Session, actor: User, item: LibraryItem) -> None:
    """Take an item out of the library: its links stop redirecting (404), its figures stay."""
    if not can_edit(actor, item):
        raise PermissionDenied(_("Only the person who added this article, or comms, can remove it."))
    item.state = ItemState.REMOVED
    item.updated_at = utcnow()
    session.flush()


def pick_item(session: Session, actor: User, item: LibraryItem, comment: str = "") -> LibraryItem:
    """Comms take a feed's item into the library, with their own comment if they like."""
    if not actor.is_comms:
        raise PermissionDenied(_("Only comms pick articles from the feeds."))
    if item.state not in (ItemState.SUGGESTED, ItemState.DISMISSED):
        raise ValidationError(None, _("This article is not waiting to be picked."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError("comment", _("Keep your comment under %(max)s characters.", max=number(COMMENT_MAX)))
    item.state = ItemState.ACTIVE
    item.picked_by_id = actor.id
    item.added_by_id = item.added_by_id or actor.id
    if comment:
        item.comment = comment
    item.updated_at = utcnow()
    session.flush()
    return item


def dismiss_item(session: Session, actor: User, item: LibraryItem) -> None:
    if not actor.is_comms:
        raise PermissionDenied(_("Only comms decide on the feeds' articles."))
    if item.state != ItemState.SUGGESTED:
        raise ValidationError(None, _("This article is not waiting to be picked."))
    item.state = ItemState.DISMISSED
    item.updated_at = utcnow()
    session.flush()


# --- feeds ---------------------------------------------------------------------------------------


def find_feed(session: Session, url: str) -> LibraryFeed | None:
    return session.scalar(sa.select(LibraryFeed).where(LibraryFeed.url_key == url_key(url)))


def add_feed(session: Session, actor: User, url: str, title: str = "") -> LibraryFeed:
    """Comms subscribe to an RSS or Atom feed; ``hub library poll-feeds`` reads it (never a request)."""
    if not actor.is_comms:
        raise PermissionDenied(_("Only comms subscribe to feeds."))
    url = normalize_url(url)
    title = _clean(title, 300, "title", "name")
    existing = find_feed(session, url)
    if existing is not None:
        if existing.is_active:
            raise ValidationError("url", _("The library already follows this feed (%(name)s).", name=existing.name))
        existing.is_active = True
        existing.title = title or existing.title
        session.flush()
        return existing
    feed = add_or_get(session, LibraryFeed(url=url, url_key=url_key(url), title=title, added_by_id=actor.id),
                      lambda: find_feed(session, url))
    session.flush()
    return feed


def remove_feed(session: Session, actor: User, feed: LibraryFeed) -> None:
    """Stop following a feed; what it brought stays (its waiting items are left for comms)."""
    if not actor.is_comms:
        raise PermissionDenied(_("Only comms manage the feeds."))
    feed.is_active = False
    session.flush()


# --- sharing an item -----------------------------------------------------------------------------


def require_shareable(item: LibraryItem) -> None:
    if item.state != ItemState.ACTIVE:
        raise NotFound(_("Only articles in the library can be shared."))


def links_for(session: Session, item: LibraryItem, user: User) -> dict[str, ShareLink]:
    require_shareable(item)
    return sharing.item_links_for(session, item.id, user)


def record_share_event(session: Session, item: LibraryItem, user: User, platform: str, kind: str) -> ShareEvent:
    require_shareable(item)
    return sharing.record_item_share_event(session, item.id, user, platform, kind)


def save_share_text(session: Session, item: LibraryItem, user: User, platform: str, text: str,
                    subject: str | None = None, *, link: str | None = None) -> ShareText:
    require_shareable(item)
    return sharing.save_item_share_text(session, item.id, user, platform, text, subject, link=link)


def reset_share_text(session: Session, item: LibraryItem, user: User, platform: str) -> None:
    require_shareable(item)
    sharing.reset_item_share_text(session, item.id, user, platform)


def save_own_words(session: Session, item: LibraryItem, user: User, words: str) -> OwnWords:
    require_shareable(item)
    return sharing.save_item_own_words(session, item.id, user, words)
