"""Security headers on every response, proxy trust, and safe redirect targets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import get_host

# Endpoints that take files: they may send up to UPLOAD_MAX_CONTENT_LENGTH bytes; every other
# request stops at MAX_CONTENT_LENGTH (413) before its body is read.
UPLOAD_ENDPOINTS = frozenset({"posts.upload_image"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=()"
HSTS = "max-age=31536000"
# Every response carries these; a view may set its own Content-Security-Policy or Permissions-Policy.
OVERRIDABLE = (("Content-Security-Policy", CSP), ("Permissions-Policy", PERMISSIONS))
FIXED = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "strict-origin-when-cross-origin"),
         ("X-Frame-Options", "DENY"))


def headers(secure: bool) -> list[tuple[str, str]]:
    """The security headers of a response to a request over HTTPS (``secure``) or not: what
    answers built outside Flask (hub.web.FastLane) carry too."""
    return [*OVERRIDABLE, *FIXED, *((("Strict-Transport-Security", HSTS),) if secure else ())]


def init_app(app: Flask) -> None:
    """Headers that every page carries; only trusted Host names answered; ProxyFix when
    PROXY_COUNT says hub sits behind proxies."""
    app.wsgi_app = TrustedHosts(app.wsgi_app, app.config["TRUSTED_HOSTS"])  # type: ignore[method-assign]  # Flask's middleware hook
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]  # Flask's middleware hook

    @app.url_value_preprocessor  # runs before every before_request hook, CSRF's included
    def _upload_limit(endpoint: str | None, _values: dict[str, Any] | None) -> None:
        if endpoint in UPLOAD_ENDPOINTS:
            request.max_content_length = int(app.config["UPLOAD_MAX_CONTENT_LENGTH"])

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in OVERRIDABLE:
            response.headers.setdefault(name, value)
        for name, value in FIXED:
            response.headers[name] = value
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        return response


class TrustedHosts:
    """WSGI middleware: a request for a Host outside ``hosts`` gets a plain 400 before Flask
    sees it, so no redirect, link or error page is ever built from a forged Host header.
    It sits inside ProxyFix, so a forwarded host is checked the same way."""

    def __init__(self, wsgi_app: Any, hosts: Iterable[str]) -> None:
        self.wsgi_app = wsgi_app
        self.hosts = list(hosts)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        try:
            get_host(environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST"),
                     (environ.get("SERVER_NAME", ""), int(environ.get("SERVER_PORT") or 0)), self.hosts)
        except SecurityError:
            body = b"Bad request: this site does not answer to that host name.\n"
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                               ("Content-Length", str(len(body)))])
            return [body]
        return self.wsgi_app(environ, start_response)


def safe_next_url(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``.

    Only relative paths starting with a single ``/`` are accepted; anything with a scheme, a
    host, a backslash, or a control character is refused, because browsers read
    ``/\\evil.com`` and ``\\t//evil.com`` as other sites.
    """
    if not target or not isinstance(target, str) or len(target) > 2000:
        return fallback
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
