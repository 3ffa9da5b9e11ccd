"""Domain errors raised by services, and the generic error pages."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from hub.i18n import _


class DomainError(Exception):
    """Base of the errors services raise; views map them to forms, flashes or status codes."""

    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Input that breaks a rule; ``field`` names the form field it belongs to (or None)."""

    status = 422

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """A write based on stale state; ``current`` is what it would have overwritten."""

    status = 409

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class Gone(DomainError):
    status = 410


class TooManyRequests(DomainError):
    """A rate limit is used up; nothing was stored."""

    status = 429


def N_(text: str) -> str:
    """Mark ``text`` for translation without translating it (Babel extracts ``N_``): the JSON API
    answers in English, error pages in the reader's language (``_(TITLES[...])`` at render time)."""
    return text


TITLES = {
    400: N_("Bad request"),
    401: N_("Not signed in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    410: N_("Gone"),
    413: N_("Too large"),
    422: N_("Cannot be processed"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
}

# What a page says when werkzeug gave only its own (English) description of the status.
DEFAULT_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Sign in to see this page."),
    403: N_("You do not have permission to see this page."),
    404: N_("There is nothing at this address. Check it, or start again from the home page."),
    413: N_("What you sent is too large."),
    429: N_("Too many requests in a short time. Wait a moment and try again."),
}


#: Paths whose every error is JSON, whatever the client accepts (the API).
JSON_PATHS = ("/api/",)


def _wants_json() -> bool:
    return (request.is_json or request.accept_mimetypes.best == "application/json"
            or request.path.startswith(JSON_PATHS))


def _render(status: int, message: str, *, translate: bool = False) -> tuple[Any, int]:
    """The error as JSON (English) or as a page (in the reader's language; ``translate``: ``message``
    is an English msgid to translate here, for the page only)."""
    if _wants_json():
        return jsonify(error=TITLES.get(status, "Error"), message=message), status
    return render_template(
        "errors/error.html", status=status, title=_(TITLES[status]) if status in TITLES else _("Error"),
        message=_(message) if translate and message else message,
    ), status


def init_app(app: Flask) -> None:
    """Generic error pages that never show a traceback."""

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> tuple[Any, int]:
        return _render(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        if exc.code is None or exc.code < 400:
            return exc
        message = exc.description if exc.code in (400, 401, 403, 404, 410, 413, 429) else ""
        # werkzeug's own description (English, long) gives way to ours, which pages translate
        default = message and message == type(exc).description and exc.code in DEFAULT_MESSAGES
        response = make_response(_render(exc.code, DEFAULT_MESSAGES[exc.code] if default else message or "",
                                         translate=bool(default)))
        # Keep the headers the status needs (Allow on a 405, Retry-After on a 429...).
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError) -> tuple[Any, int]:
        # Two requests wrote the same thing at once (a unique key, a deleted row): nothing was saved.
        app.logger.warning("integrity error, nothing saved: %s", exc.orig)
        return _render(409, N_("Someone else changed this at the same moment, so nothing was saved. Please try again."),
                       translate=True)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Any, int]:
        app.logger.exception("Unhandled error")
        return _render(500, N_("The error was logged. Please try again in a moment."), translate=True)
