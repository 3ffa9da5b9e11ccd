"""What to do with something shared to hub from a phone's share sheet (the web app manifest's
``share_target``): a link to one of hub's own published posts opens that post's share page; anything
else (a link to an article, a few lines of text) opens the editor on a new draft that starts from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from hub.lib.text import clean_title
from hub.posts.models import Post
from hub.posts.services import BODY_MAX, TITLE_MAX

# What a share sheet sends is short; longer values are cut here rather than refused, so a share
# never ends on an error page. 2,000 characters is more than any share sheet sends for a link.
URL_MAX = 2000
TEXT_MAX = min(BODY_MAX, 20_000)

_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_POST_PATH = re.compile(r"^/p/(\d{1,18})(?:-[^/]*)?(?:/share)?/?$")


@dataclass(frozen=True)
class SharedItem:
    """Where a share lands: ``post`` (one of hub's own published posts: its share page), or a new
    draft with ``title`` and ``body`` (the editor, prefilled; nothing is saved until the author
    types or saves)."""

    post: Post | None = None
    title: str = ""
    body: str = ""


def _clean(value: str | None, limit: int) -> str:
    text = (value or "").replace("\x00", "").replace("\r\n", "\n").strip()
    return text[:limit]


def _links(url: str, text: str) -> list[str]:
    """The shared link first, then any link in the text (some apps send the link inside the text)."""
    found = [url] if url else []
    found += [m.group(0).rstrip(".,;:!?)]}") for m in _URL_IN_TEXT.finditer(text)]
    return found


def own_post_id(link: str, hosts: set[str]) -> int | None:
    """The id in ``link`` when it is a post page (``/p/<id>``, ``/p/<id>-<slug>``, its share page) on
    one of ``hosts`` (host[:port], lower case); else None."""
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or parts.netloc.lower() not in hosts:
        return None
    match = _POST_PATH.match(parts.path)
    return int(match.group(1)) if match else None


def interpret_share(
    db: Session, *, title: str | None, text: str | None, url: str | None, hosts: set[str]
) -> SharedItem:
    """What a share of (``title``, ``text``, ``url``) opens. ``hosts`` are the addresses hub answers
    on (its public BASE_URL's host, and the one the request came to)."""
    url = _clean(url, URL_MAX)
    text = _clean(text, TEXT_MAX)
    title = " ".join(clean_title(_clean(title, TITLE_MAX * 2)).split())[:TITLE_MAX]
    for link in _links(url, text):
        post_id = own_post_id(link, hosts)
        if post_id is not None:
            post = db.get(Post, post_id)
            if post is not None and post.is_public:
                return SharedItem(post=post)
    if url and url in text:
        url = ""  # already in the text: once is enough
    if title and (title == text or title == url):
        title = ""  # some apps send the text or link again as the title
    body = "\n\n".join(part for part in (text, url) if part)
    return SharedItem(title=title, body=body[:BODY_MAX])
