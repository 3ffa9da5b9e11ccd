"""The input boundary: what a request may carry before it reaches a view, a service or the database.

- Integers in a URL go through ``BoundedIntConverter``, registered as the app's ``int`` converter, so
  every ``<int:...>`` route answers 404 to a number no id column could hold (SQLite refuses integers
  of 2**63 and more, PostgreSQL's INTEGER those of 2**31 and more).
- Query arguments are read with ``arg_int`` and ``arg_page``: a missing value is the default, anything
  unreadable or out of range is a 400 with a message that says what is allowed. Dates go through
  ``hub.lib.timeutil.parse_day``, which keeps them where a day more or less still exists.
- Text the databases refuse (NUL, which PostgreSQL cannot store, and lone surrogates, which no UTF-8
  database can) is refused in path segments (404) and query arguments (400) here, and in form fields
  by ``hub.forms.FlaskForm`` (an error on the field, keeping what was typed).
"""

from __future__ import annotations

from flask import Flask, Response, abort, g, request
from werkzeug.routing import IntegerConverter, Map

#: The largest integer accepted in a URL, a query argument or an id field: the limit of an INTEGER
#: column on PostgreSQL (every id and number hub looks up is one), far below SQLite's 2**63 - 1.
MAX_INT = 2**31 - 1
#: The last page of a paged list anyone may ask for (far beyond any real list, far below an overflow).
MAX_PAGE = 100_000


class BoundedIntConverter(IntegerConverter):
    """``<int:...>``: a non-negative integer a database can hold; any other number does not match (404)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_INT if max is None else max,
                         signed=signed)


def unstorable(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (NUL, a lone surrogate), or None when it can."""
    if "\x00" in value:
        return "contains a NUL character, which cannot be stored; remove it and try again."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a character that is not valid Unicode text; remove it and try again."
    return None


def arg_int(name: str, default: int, *, min: int = 0, max: int = MAX_INT) -> int:
    """The query argument ``name`` as an integer in ``[min, max]``; ``default`` when it is missing or
    empty; 400 with a clear message when it is not a whole number or out of range."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if raw.lstrip("+-").isdecimal() and len(raw) <= 40 else None
    except ValueError:
        value = None
    if value is None or not min <= value <= max:
        abort(400, f"“{name}” must be a whole number from {min:,} to {max:,}.")
    return value


def arg_page() -> int:
    """``?page=``: 1 when missing, 400 unless it is a whole number from 1 to ``MAX_PAGE``."""
    return arg_int("page", 1, min=1, max=MAX_PAGE)


def _refuse_unstorable_url() -> None:
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and unstorable(value):
            abort(404)
    for name, value in request.args.items(multi=True):
        reason = unstorable(name) or unstorable(value)
        if reason:
            abort(400, f"The address {reason}")


def _unprocessable_form(response: Response) -> Response:
    # A form that refused unstorable text is shown again with the error on its field, as a 422.
    if g.get("unstorable_input") and response.status_code == 200:
        response.status_code = 422
    return response


def init_app(app: Flask) -> None:
    """Register the bounded ``int`` converter (before any blueprint adds a rule) and the checks."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_refuse_unstorable_url)
    app.after_request(_unprocessable_form)
