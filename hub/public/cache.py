"""Public pages kept whole in the process for anonymous readers, answered before Flask.

A public page, the feed or a sitemap answered to a reader without any cookie is the same for every
such reader: hub.public.views marks it ``Cache-Control: public`` with an ETag. This shortcut
(in hub.web.FastLane, so outside Flask: no request context, session, hooks or template) keeps
such an answer, as Flask made it, and serves it again, or a 304 when the reader's
``If-None-Match`` matches, to a request for the same method-independent key:

    (path, query string, Host, scheme, Accept-Language)

An entry is served only while

- the machine's content counter (hub.lib.generation, bumped by hub.db after every commit that
  writes a table a public page may show) still has the value read *before* the page was built:
  a takedown, a withdrawal, a new live revision or a reader's answered feedback is seen by
  every worker of the machine on the next request; and
- it is younger than ``PUBLIC_PAGE_CACHE_SECONDS`` (60 s, as long as a proxy may keep the page
  anyway: ``PUBLIC_MAX_AGE``), which bounds what depends on the clock (today's date, posts
  scheduled to appear, another machine's writes).

Only requests without a Cookie or Authorization header are answered here, so a signed-in person,
someone with a flashed message or any future per-reader cookie always reaches Flask. Only a 200
with ``public`` in Cache-Control, no Set-Cookie and no Vary beyond Cookie and Accept-Language is
kept. Entries are bounded in bytes (``PUBLIC_PAGE_CACHE_BYTES``), oldest out first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.http import parse_etags, unquote_etag

from hub.web import WSGIApp, fast_lane

Key = tuple[str, str, str, str, str]
_VARY_KEYED = frozenset({"cookie", "accept-language"})  # cookie: never answered here; the other is in the key
_NOT_IN_304 = frozenset({"content-length", "content-type"})


@dataclass(frozen=True)
class Page:
    expires: float
    generation: int
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None  # unquoted

    @property
    def not_modified_headers(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.headers if k.lower() not in _NOT_IN_304]


class PageCache:
    """Pages by key, each with the content counter's value it was built under."""

    def __init__(self, generation: Callable[[], int], max_bytes: int, ttl: float) -> None:
        self.generation, self.max_bytes, self.ttl = generation, max_bytes, ttl
        self._pages: dict[Key, Page] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Key) -> Page | None:
        page = self._pages.get(key)
        if page is None or page.generation != self.generation() or page.expires <= time.monotonic():
            return None
        return page

    def put(self, key: Key, page: Page) -> None:
        size = len(page.body)
        if size > self.max_bytes // 8:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            while self._pages and self._bytes + size > self.max_bytes:
                self._bytes -= len(self._pages.pop(next(iter(self._pages))).body)
            self._pages[key] = page
            self._bytes += size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


def init_app(app: Flask) -> None:
    """Put the page shortcut in the app's fast lane, unless ``PUBLIC_PAGE_CACHE`` is off (default:
    on, off under ``TESTING``: tests that want it switch it on)."""
    enabled = app.config.get("PUBLIC_PAGE_CACHE")
    if not (enabled if enabled is not None else not app.testing):
        return
    cache = PageCache(app.extensions["hub.generation"].value, int(app.config["PUBLIC_PAGE_CACHE_BYTES"]),
                      float(app.config["PUBLIC_PAGE_CACHE_SECONDS"]))
    app.extensions["hub.public.pages"] = cache
    fast_lane(app).add(lambda next_app: _shortcut(cache, next_app))


def _key(environ: dict[str, Any]) -> Key:
    return (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), environ.get("HTTP_HOST", ""),
            environ.get("wsgi.url_scheme", ""), environ.get("HTTP_ACCEPT_LANGUAGE", ""))


def _keepable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200 "):
        return False
    public = False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "cache-control":
            directives = {d.strip().split("=")[0] for d in value.lower().split(",")}
            if "public" not in directives or "no-store" in directives or "private" in directives:
                return False
            public = True
        elif lowered == "vary" and not {v.strip().lower() for v in value.split(",")} <= _VARY_KEYED:
            return False
    return public


def _shortcut(cache: PageCache, next_app: WSGIApp) -> WSGIApp:
    def pages(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (method not in ("GET", "HEAD") or "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ
                or "HTTP_RANGE" in environ):
            return next_app(environ, start_response)
        key = _key(environ)
        page = cache.get(key)
        if page is not None:
            match = environ.get("HTTP_IF_NONE_MATCH")
            if match and page.etag is not None and parse_etags(match).contains_weak(page.etag):
                start_response("304 NOT MODIFIED", page.not_modified_headers)
                return []
            start_response(page.status, page.headers)
            return [page.body] if method == "GET" else []
        generation = cache.generation()  # before the page is built: a commit meanwhile makes it stale
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = next_app(environ, capture)
        if method != "GET" or not captured or not _keepable(captured[0], captured[1]):
            return body
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        status, headers = captured
        etag = next((unquote_etag(v)[0] for k, v in headers if k.lower() == "etag"), None)
        cache.put(key, Page(time.monotonic() + cache.ttl, generation, status, list(headers), data, etag))
        return [data]

    return pages
