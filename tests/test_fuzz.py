"""Every route in the URL map, as every role, with hostile values: no answer may be a 500.

The values are the special ones that broke hub before (NUL, integers beyond 64 bits, the
calendar's first and last days, a signalling NaN, 100,000 characters, bytes that are not UTF-8,
an overlong encoding, an encoded lone surrogate) plus a fixed, deterministic sample of the Big
List of Naughty Strings. The routes come from ``app.url_map``, so a route added later is fuzzed
without anyone listing it; what each route reads is found by asking it:

1. A first request to each route records which query arguments (GET) or form fields (POST) the
   view actually reads (the request's ``args`` and ``form`` note every key looked up).
2. GET: each value goes into every query argument the route read. POST: the form starts from
   valid values (what the page's own form holds, or plain defaults), then each text value goes
   into every text field at once, and each number or date goes into one typed field at a time,
   so that one refused field never hides another.
3. Each path segment gets values built for its converter (huge integers; NUL, ``%ff``,
   overlong and surrogate encodings, long strings), as an admin (who reaches every view).

CSRF is off here. Roles: anonymous, employee, the post's owner, comms, admin. Admin gets every
special value; the others get a share of them; the naughty sample is split between the roles.
A failure lists the requests and the exception the app logged.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import AnyConverter, IntegerConverter, Rule
from wtforms import EmailField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

from hub.auth.models import Role
from tests.conftest import corpus
from tests.test_security import World, rule_values, world  # noqa: F401 - ``world`` is a fixture

# Already percent-encoded, ready to go into a path, a query string or a form body as they are.
TEXT_SPECIALS = [
    "a%00b",  # NUL: PostgreSQL cannot store it
    "%ff%fe%C0%AE%C0%AE%2F%ED%A0%80%EF%BF%BF",  # not UTF-8, overlong "../", a lone surrogate, U+FFFF
    "x" * 100_000,
]
TYPED_SPECIALS = [str(2**63), str(-(2**63) - 1), "sNaN", "0001-01-01", "9999-12-31", "9999-12-31T23:59"]
NAUGHTY_SAMPLE = 20  # every 25th of the 515 strings: always the same ones, four per role
ROLES = ["anonymous", "employee", "owner", "comms", "admin"]
TEXT_FIELDS = (StringField, TextAreaField, EmailField, PasswordField, HiddenField)
DEFAULTS = {"email": "fuzz@example.com", "password": "correct horse battery", "new_password": "a new long password",
            "current_password": "correct horse battery", "title": "Fuzz", "body": "Fuzz body", "text": "Fuzz text",
            "url": "https://example.com/", "link": "https://example.com/", "website": "https://example.com/",
            "target": "5", "on": "2026-01-01", "closed_on": "2026-01-01", "role": "employee", "reason": "Fuzz",
            "message": "Fuzz message", "name": "Fuzz", "platform": "linkedin", "handle": "@fuzz"}
_ARGUMENT = re.compile(r"<(?:([a-zA-Z_]+)(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


# --- what a view reads --------------------------------------------------------------------------


class _Reads:
    keys: set[str] = set()


class RecordingDict(ImmutableMultiDict):  # type: ignore[type-arg]
    """A request's ``args`` or ``form`` that notes every key a view (or WTForms) looks up."""

    def __contains__(self, key: object) -> bool:
        _Reads.keys.add(str(key))
        return super().__contains__(key)

    def __getitem__(self, key: Any) -> Any:
        _Reads.keys.add(str(key))
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # noqa: A002
        _Reads.keys.add(str(key))
        return super().get(key, default, type)

    def getlist(self, key: Any, type: Any = None) -> Any:  # noqa: A002
        _Reads.keys.add(str(key))
        return super().getlist(key, type)


class RecordingRequest(Request):
    parameter_storage_class = RecordingDict


# --- values ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def naughty_sample() -> list[str]:
    strings = json.loads(corpus("security", "naughty_strings", "blns.json").read_text(encoding="utf-8"))
    return [quote(s, safe="") for s in strings[:: len(strings) // NAUGHTY_SAMPLE]]


def field_kinds() -> dict[str, bool]:
    """Every field name of every form in hub, True when it takes free text in every form using it."""
    import hub.auth.forms
    import hub.channels.forms
    import hub.insights.forms
    import hub.posts.forms
    import hub.sharing.forms
    import hub.strategy.forms
    import hub.suggestions.forms
    import hub.topics.forms  # noqa: F401
    from hub.forms import FlaskForm

    kinds: dict[str, bool] = {"action": True, "done": True}  # read from request.form directly
    todo: list[type] = [FlaskForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        for klass in cls.__mro__:
            for name, value in vars(klass).items():
                if isinstance(value, UnboundField):
                    text = issubclass(value.field_class, TEXT_FIELDS) and name != "base_revision_id"
                    kinds[name] = kinds.get(name, True) and text
    kinds.pop("csrf_token", None)
    return kinds


class _FormValues(HTMLParser):
    """The values a page's forms hold, as a browser would submit them (first option when none is selected)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("checkbox", "radio", "submit", "file"):
            self.values.setdefault(name, a.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.values:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def fill(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with ``values`` (already encoded) put in as they are."""
    return _ARGUMENT.sub(lambda m: values[m.group(2)], rule.rule)


def path_specials(converter: Any) -> list[str]:
    if isinstance(converter, AnyConverter):
        return ["%00", "nope"]
    if isinstance(converter, IntegerConverter):
        return [str(2**63), str(10**30), str(2**63 - 1), str(2**31)]
    return ["%00", "a%00b", "%ff", "%C0%AE%C0%AE", "%ED%A0%80", "x" * 5_000, quote("<script>", safe="")]


def form_body(values: dict[str, str], encoded: dict[str, str]) -> str:
    """A form body: ``values`` plain (encoded here), ``encoded`` as they are."""
    plain = urlencode({k: v for k, v in values.items() if k not in encoded})
    return "&".join(p for p in [plain, *(f"{k}={v}" for k, v in encoded.items())] if p)


# --- the run --------------------------------------------------------------------------------------


class Recorder(logging.Handler):
    """Keeps the exceptions the app logs, to name them in a failure."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            self.seen.append(f"{type(exc).__name__}: {str(exc)[:200]}")


@dataclasses.dataclass
class Fuzzer:
    client: Any
    auth: Any
    user: Any
    recorder: Recorder
    failures: list[str] = dataclasses.field(default_factory=list)
    count: int = 0

    def send(self, method: str, url: str, body: str = "") -> tuple[int, bytes]:
        if self.user is None:
            self.auth.logout()
        else:
            self.auth.login(self.user)  # again each time: a fuzzed POST may have signed out
        self.count += 1
        seen = len(self.recorder.seen)
        if method == "GET":
            response = self.client.get(url)
        else:
            response = self.client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        data = response.get_data()
        response.close()
        if response.status_code >= 500 or b"Traceback (most recent call last)" in data:
            error = self.recorder.seen[-1] if len(self.recorder.seen) > seen else ""
            self.failures.append(f"{method} {url[:150]} {body[:150]!r}: {response.status_code} {error}")
        return response.status_code, data

    def reads(self, method: str, url: str, body: str = "") -> set[str]:
        _Reads.keys = set()
        self.send(method, url, body)
        return _Reads.keys - {"csrf_token", "_method"}


def targets(app: Any, w: World) -> Iterator[tuple[Rule, str, str, dict[str, str]]]:
    """(rule, method, url, encoded arguments) for every rule but static files, for GET and POST."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for base in rule_values(rule, w):
            good = {k: quote(str(v), safe="") for k, v in base.items()}
            for method in ("GET", "POST"):
                if method in (rule.methods or set()):
                    yield rule, method, fill(rule, good), good


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_500_to_hostile_input(app, client, auth, world, make_user, naughty_sample, role):
    w = world
    user = {"anonymous": None, "employee": w.other, "admin": w.admin}.get(role)
    if role == "owner":
        user, w = w.other, dataclasses.replace(w, post=w.others_post)
    elif role == "comms":
        user = make_user(role=Role.COMMS, name="Cora Comms")
    i = ROLES.index(role)
    everything = role == "admin"
    text_values = (TEXT_SPECIALS if everything else TEXT_SPECIALS[i % 3 : i % 3 + 1]) + naughty_sample[i :: len(ROLES)]
    typed_values = TYPED_SPECIALS if everything else TYPED_SPECIALS[i % 3 :: 3]
    kinds = field_kinds()
    app.request_class = RecordingRequest
    recorder = Recorder()
    app.logger.addHandler(recorder)
    fuzz = Fuzzer(client, auth, user, recorder)
    try:
        for rule, method, url, good in targets(app, w):
            if method == "GET":
                names = sorted(fuzz.reads("GET", url))
                for value in text_values + typed_values if names else []:
                    fuzz.send("GET", url + "?" + "&".join(f"{n}={value}" for n in names))
            else:
                baseline = dict(DEFAULTS)
                if "GET" in (rule.methods or set()):
                    status, page = fuzz.send("GET", url)
                    parser = _FormValues()
                    parser.feed(page.decode("utf-8", "replace"))
                    baseline.update(parser.values)
                baseline.pop("csrf_token", None)
                names = sorted(fuzz.reads("POST", url, form_body(baseline, {})))
                text = [n for n in names if kinds.get(n, True)]
                for value in text_values if text else []:
                    fuzz.send("POST", url, form_body(baseline, {n: value for n in text}))
                for name in (n for n in names if not kinds.get(n, True)):
                    for value in typed_values:
                        fuzz.send("POST", url, form_body(baseline, {name: value}))
            if everything and method == sorted(rule.methods & {"GET", "POST"})[0]:  # once a rule, as admin
                for name in [n for n in rule.arguments if n not in (rule.defaults or {})]:
                    for special in path_specials(rule._converters[name]):
                        fuzz.send(method, fill(rule, {**good, name: special}))
    finally:
        app.logger.removeHandler(recorder)
    assert fuzz.count > 200
    assert not fuzz.failures, f"{len(fuzz.failures)} of {fuzz.count} requests failed:\n" + "\n".join(fuzz.failures[:40])
