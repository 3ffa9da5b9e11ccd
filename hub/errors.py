"""Domain errors raised by services, and the generic error pages."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException


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


TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone",
    413: "Too large",
    422: "Cannot be processed",
    429: "Too many requests",
    500: "Something went wrong",
}


#: Paths whose every error is JSON, whatever the client accepts (the API).
JSON_PATHS = ("/api/",)


def _wants_json() -> bool:
    return (request.is_json or request.accept_mimetypes.best == "application/json"
            or request.path.startswith(JSON_PATHS))


def _render(status: int, message: str) -> tuple[Any, int]:
    if _wants_json():
        return jsonify(error=TITLES.get(status, "Error"), message=message), status
    return render_template(
        "errors/error.html", status=status, title=TITLES.get(status, "Error"), message=message
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
        response = make_response(_render(exc.code, message or ""))
        # Keep the headers the status needs (Allow on a 405, Retry-After on a 429...).
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError) -> tuple[Any, int]:
        # Two requests wrote the same thing at once (a unique key, a deleted row): nothing was saved.
        app.logger.warning("integrity error, nothing saved: %s", exc.orig)
        return _render(409, "Someone else changed this at the same moment, so nothing was saved. Please try again.")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Any, int]:
        app.logger.exception("Unhandled error")
        return _render(500, "The error was logged. Please try again in a moment.")
