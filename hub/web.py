"""Small helpers shared by the views of every domain."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, flash, request
from flask_wtf import FlaskForm

from hub.db import get_session
from hub.errors import ValidationError


def show_error(form: FlaskForm | None, exc: ValidationError) -> None:
    """Put a service's ValidationError on its form field (or flash it), keeping what was typed.

    It rolls the request's writes back first: the page that shows the error is a success (200 or a
    redirect) for the unit of work, which would otherwise commit what the service did before it
    refused (views never commit; ``hub.db`` commits after a successful response)."""
    get_session().rollback()
    field = getattr(form, exc.field, None) if (form is not None and exc.field) else None
    if field is not None:
        field.errors = [*getattr(field, "errors", []), exc.message]
    else:
        flash(exc.message, "error")


def client_address() -> str:
    """The client's address as seen after ProxyFix (used for rate limits, never stored raw)."""
    return request.remote_addr or "unknown"


def csv_download(text: str, filename: str) -> Response:
    """A CSV file the browser saves (never shows inline), not kept in any cache."""
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class FastLane:
    """WSGI middleware between hub's outer ones (ProxyFix, TrustedHosts) and Flask, where domains
    put shortcuts that answer from memory what needs no request context: the tracked redirect of
    a cached link (hub.sharing.views), a public page kept for anonymous readers (hub.public.cache).
    Each shortcut is a middleware around the next (``add``) that hands on what it cannot answer.

    create_app installs it before the security middleware, so a request reaches it with its Host
    checked and the forwarded address applied; answers built here carry hub.security.headers()."""

    def __init__(self, app: WSGIApp) -> None:
        self._inner = app

    def add(self, shortcut: Callable[[WSGIApp], WSGIApp]) -> None:
        self._inner = shortcut(self._inner)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self._inner(environ, start_response)


def fast_lane(app: Flask) -> FastLane:
    """The app's FastLane (installed by create_app)."""
    lane: FastLane = app.extensions["hub.fastlane"]
    return lane
