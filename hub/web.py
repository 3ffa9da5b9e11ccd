"""Small helpers shared by the views of every domain."""

from __future__ import annotations

from flask import Response, flash, request
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
