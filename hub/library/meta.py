"""What a page says about itself: title, description, image and language from its Open Graph,
Twitter card and plain meta tags. Pure Python (html.parser): no Flask, no database, no network."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TITLE_MAX = 300
DESCRIPTION_MAX = 1000
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class PageMeta:
    title: str = ""
    description: str = ""
    image: str = ""  # absolute http(s) URL, or ""
    language: str = ""  # e.g. "en", "de"
    site_name: str = ""
    canonical: str = ""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.lang = ""
        self.title_parts: list[str] = []
        self.canonical = ""
        self._in_title = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and not self.lang:
            self.lang = values.get("lang", "") or values.get("xml:lang", "")
        elif tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").strip().lower()
            if key and "content" in values and key not in self.meta:
                self.meta[key] = values["content"]
            equiv = values.get("http-equiv", "").lower()
            if equiv == "content-language" and "content-language" not in self.meta:
                self.meta["content-language"] = values.get("content", "")
        elif tag == "title" and not self.title_parts:
            self._in_title = True
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split() and not self.canonical:
            self.canonical = values.get("href", "")
        elif tag == "body":
            self._done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self._done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)


def _clean(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def decode(body: bytes, charset: str | None) -> str:
    """The page as text: the header's charset, else a ``<meta charset>``, else UTF-8."""
    names = [charset] if charset else []
    found = _META_CHARSET.search(body[:4096])
    if found:
        names.append(found.group(1).decode("ascii", "replace"))
    for name in [*names, "utf-8"]:
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


def _absolute(base: str, url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    full = urljoin(base, url)
    return full if urlsplit(full).scheme in ("http", "https") and len(full) <= 2000 else ""


def parse_meta(html: str, base_url: str) -> PageMeta:
    """The page's own description of itself (Open Graph first, then Twitter, then plain tags)."""
    parser = _Collector()
    try:
        parser.feed(html[:1_000_000])
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser on hostile markup: keep what was read
        pass
    m = parser.meta

    def first(*keys: str) -> str:
        for key in keys:
            if m.get(key, "").strip():
                return m[key]
        return ""

    language = (first("og:locale", "content-language") or parser.lang).strip().replace("_", "-")
    language = language.split(",")[0].strip()
    language = language.split("-")[0].lower() if _LANGUAGE.match(language) else ""
    return PageMeta(
        title=_clean(first("og:title", "twitter:title") or "".join(parser.title_parts), TITLE_MAX),
        description=_clean(first("og:description", "twitter:description", "description"), DESCRIPTION_MAX),
        image=_absolute(base_url, first("og:image:secure_url", "og:image", "twitter:image", "twitter:image:src")),
        language=language[:8],
        site_name=_clean(first("og:site_name", "application-name"), 200),
        canonical=_absolute(base_url, parser.canonical),
    )
