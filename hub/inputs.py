"""The input boundary: what a request may carry before it reaches a view, a service or the database.

- Integers in a URL go through ``BoundedIntConverter``, registered as the app's ``int`` converter, so
  every ``<int:...>`` route answers 404 to a number no id column could hold (SQLite refuses integers
  of 2**63 and more, PostgreSQL's INTEGER those of 2**31 and more).
- Query arguments are read with ``arg_int`` and ``arg_page``: a missing value is the default, anything
  unreadable or out of range is a 400 with a message that says what is allowed. Dates go through
  ``hub.lib.timeutil.parse_day``, which keeps them where a day more or less still exists.
- JSON bodies (the API) are read with ``json_object`` (400 unless the body is one JSON object) and
  their fields with ``json_text`` / ``json_strings`` (422 naming the field when a value has the wrong
  type, is too long or cannot be stored).
- Text the databases refuse (NUL, which PostgreSQL cannot store, and lone surrogates, which no UTF-8
  database can) is refused in path segments (404) and query arguments (400) here, and in form fields
  by ``hub.forms.FlaskForm`` (an error on the field, keeping what was typed).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import Flask, Response, abort, g, request
from werkzeug.routing import IntegerConverter, Map

from hub.errors import ValidationError
from hub.i18n import _

#: The largest integer accepted in a URL, a query argument or an id field: the limit of an INTEGER
#: column on PostgreSQL (every id and number hub looks up is one), far below SQLite's 2**63 - 1.
MAX_INT = 2**31 - 1
#: The last page of a paged list anyone may ask for (far beyond any real list, far below an overflow).
MAX_PAGE = 100_000
#: The longest search (``?q=``) looked up: the search boxes say so (maxlength), and a longer one
#: typed into the address is cut here with a message on the page, never silently.
SEARCH_MAX = 200


class BoundedIntConverter(IntegerConverter):
    """``<int:...>``: a non-negative integer a database can hold; any other number does not match (404)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_INT if max is None else max,
                         signed=signed)


def unstorable_kind(value: str) -> str | None:
    """``"nul"`` or ``"surrogate"`` when ``value`` cannot be stored as text, else None (pages say
    why in whole sentences of their own, translated; see ``unstorable`` for the API's words)."""
    if "\x00" in value:
        return "nul"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate"
    return None


def unstorable(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (NUL, a lone surrogate), or None when it can (in
    English: the JSON API's messages are not translated)."""
    kind = unstorable_kind(value)
    if kind == "nul":
        return "contains a NUL character, which cannot be stored; remove it and try again."
    if kind == "surrogate":
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
        abort(400, _("“%(name)s” must be a whole number from %(min)s to %(max)s.",
                     name=name, min=format(min, ","), max=format(max, ",")))
    return value


def arg_page() -> int:
    """``?page=``: 1 when missing, 400 unless it is a whole number from 1 to ``MAX_PAGE``."""
    return arg_int("page", 1, min=1, max=MAX_PAGE)


def json_object(allowed: Collection[str]) -> dict[str, Any]:
    """The request's body as a JSON object: 400 when it is not JSON or not an object, 422 when it
    names a field outside ``allowed`` (a typo would otherwise be ignored without a word)."""
    if not request.is_json:
        abort(400, "Send a JSON object with Content-Type: application/json.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # "[[[[...": nested deeper than the parser goes
        data = None
    if not isinstance(data, dict):
        abort(400, "The body must be one JSON object.")
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        shown = ", ".join(f"“{(unstorable(k) and '?') or k[:40]}”" for k in unknown[:5])
        raise ValidationError(unknown[0] if not unstorable(unknown[0]) else None,
                              f"Unknown field {shown}; the fields are: {', '.join(sorted(allowed))}.")
    return data


def json_text(data: dict[str, Any], name: str, *, max_length: int, required: bool = False,
              default: str | None = "") -> str | None:
    """The string field ``name`` of a JSON object: ``default`` when it is missing or null (422 when
    ``required``); 422 when it is not a string, longer than ``max_length`` or cannot be stored."""
    value = data.get(name)
    if value is None:
        if required:
            raise ValidationError(name, f"“{name}” is required.")
        return default
    if not isinstance(value, str):
        raise ValidationError(name, f"“{name}” must be a string.")
    if reason := unstorable(value):
        raise ValidationError(name, f"“{name}” {reason}")
    if required and not value.strip():
        raise ValidationError(name, f"“{name}” must not be empty.")
    if len(value) > max_length:
        raise ValidationError(name, f"“{name}” must be at most {max_length:,} characters.")
    return value


def json_strings(data: dict[str, Any], name: str, *, max_items: int, max_length: int) -> list[str]:
    """The field ``name`` as a list of strings (a missing or null field is an empty list); 422 naming
    the field when it is not a list of strings within the bounds."""
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(name, f"“{name}” must be a list of strings.")
    if len(value) > max_items:
        raise ValidationError(name, f"“{name}” takes at most {max_items} items.")
    for item in value:
        if reason := unstorable(item):
            raise ValidationError(name, f"An item of “{name}” {reason}")
        if len(item) > max_length:
            raise ValidationError(name, f"Each item of “{name}” must be at most {max_length} characters.")
    return value


def arg_search(name: str = "q") -> tuple[str, str | None]:
    """``?q=``: the search, and a message when it was longer than SEARCH_MAX and was cut."""
    q = request.args.get(name, "")
    if len(q) <= SEARCH_MAX:
        return q, None
    return q[:SEARCH_MAX], _("A search is at most %(max)s characters: yours had %(length)s, "
                             "so hub searched for its first %(max)s.", max=SEARCH_MAX, length=format(len(q), ","))


def _refuse_unstorable_url() -> None:
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and unstorable(value):
            abort(404)
    for name, value in request.args.items(multi=True):
        kind = unstorable_kind(name) or unstorable_kind(value)
        if kind == "nul":
            abort(400, _("The address contains a NUL character, which cannot be stored; remove it and try again."))
        if kind:
            abort(400, _("The address contains a character that is not valid Unicode text; "
                         "remove it and try again."))


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
