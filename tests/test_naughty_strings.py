"""The Big List of Naughty Strings through a post's title, summary and body.

Each of the 515 strings must come back exactly (titles by the one documented rule,
``clean_title``: control characters become spaces), through the service and through the
editor form, and every public page showing them must render without a 500 and without letting
markup in the string become markup of the page. One test per path loops over the whole list and
reports the first failures, rather than 515 tests per backend.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from hub.errors import ValidationError
from hub.lib.text import clean_title
from hub.posts import services
from hub.posts.models import Post, PostRevision
from hub.posts.services import PostInput
from tests.conftest import corpus


@pytest.fixture(scope="module")
def naughty() -> list[str]:
    strings = json.loads(corpus("security", "naughty_strings", "blns.json").read_text(encoding="utf-8"))
    assert len(strings) == 515
    return strings


def report(failures: list[str], total: int) -> str:
    return f"{len(failures)} of {total} strings failed; the first ones:\n" + "\n".join(f"  {f:.400}" for f in failures[:8])


class _Page(HTMLParser):
    """What the test needs from a page: the title input, the textareas, scripts and handlers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: dict[str, str] = {}
        self.textareas: dict[str, str] = {}
        self.scripts: list[dict[str, str | None]] = []
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            self.inputs[a["name"] or ""] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name") or ""
            self.textareas[self._textarea] = ""
        elif tag == "script":
            self.scripts.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.textareas[self._textarea] += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def textarea_value(raw: str) -> str:
    # As a browser reads it: a newline right after <textarea> is not part of the value.
    if raw.startswith("\r\n"):
        return raw[2:]
    return raw[1:] if raw.startswith("\n") else raw


def page_problems(html: str) -> list[str]:
    """Scripts or event handlers that the templates do not put there themselves."""
    found = []
    page = parse(html)
    for script in page.scripts:
        src = script.get("src")
        if src is None and script.get("type") != "application/ld+json":
            found.append("inline <script>")
        elif src is not None and not src.startswith("/static/"):
            found.append(f"<script src={src!r}>")
    for tag, attrs in page.elements:
        if tag in {"iframe", "object", "embed", "svg", "math", "base", "frame"}:
            found.append(f"<{tag}>")
        for name, _value in attrs:
            if name.startswith("on"):
                found.append(f"{name}= on <{tag}>")
            if name == "style":
                found.append(f"style= on <{tag}>")
    return found


def test_every_string_round_trips_through_the_services(app, session, make_user, naughty):
    author = make_user()
    ids = []
    blank = [s for s in naughty if not s.strip()]  # neither title nor text: no empty draft is kept
    kept = [s for s in naughty if s.strip()]
    for s in blank:
        with pytest.raises(ValidationError):
            services.create_draft(session, author, PostInput(title=s, summary=s, body=s))
    for s in kept:
        post = services.create_draft(session, author, PostInput(title=s, summary=s, body=s))
        ids.append(post.id)
    session.commit()
    session.expire_all()

    failures = []
    for s, post_id in zip(kept, ids, strict=True):
        revision = session.get(Post, post_id).current_revision
        assert isinstance(revision, PostRevision)
        if revision.title != clean_title(s):
            failures.append(f"title {s!r} came back as {revision.title!r}")
        if revision.summary != s:
            failures.append(f"summary {s!r} came back as {revision.summary!r}")
        if revision.body != s:
            failures.append(f"body {s!r} came back as {revision.body!r}")
    assert not failures, report(failures, len(naughty))


def test_clean_title_changes_only_control_characters(naughty):
    for s in naughty:
        cleaned = clean_title(s)
        assert len(cleaned) == len(s)
        for before, after in zip(s, cleaned):
            if before != after:
                assert after == " " and (ord(before) < 0x20 or before in "\x7f\x85\u2028\u2029"), (s, before)


def test_a_sample_round_trips_through_the_editor_form(app, client, auth, make_user, naughty):
    auth.login(make_user())
    # Every string with control characters, and every fourth other one (markup, quotes and
    # entities are in nearly half of them).
    control = {chr(c) for c in range(0x20)} | {"\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\ufffe"}
    sample = [s for i, s in enumerate(naughty) if (i % 4 == 0 or control & set(s)) and s.strip()]  # blank: nothing kept
    assert len(sample) >= 130
    assert sum("<" in s for s in sample) >= 50
    failures = []
    for s in sample:
        response = client.post("/write", data={"title": s, "summary": s, "body": s, "action": "save"})
        if response.status_code != 302 or "/edit" not in response.headers.get("Location", ""):
            failures.append(f"saving {s!r}: {response.status_code} {response.headers.get('Location')}")
            continue
        edit = client.get(response.headers["Location"])
        if edit.status_code != 200:
            failures.append(f"editing {s!r}: {edit.status_code}")
            continue
        html = edit.get_data(as_text=True)
        page = parse(html)
        if page.inputs.get("title") != clean_title(s):
            failures.append(f"title {s!r} shows as {page.inputs.get('title')!r}")
        for field in ("summary", "body"):
            shown = textarea_value(page.textareas.get(field, "<missing>"))
            if shown != s:
                failures.append(f"{field} {s!r} shows as {shown!r}")
        failures += [f"editor for {s!r}: {p}" for p in page_problems(html)]
    assert not failures, report(failures, len(sample))


def test_every_string_on_a_public_page(app, session, client, make_user, naughty):
    author = make_user(name="Naughty Author")
    baseline = services.create_draft(session, author, PostInput(title="Baseline", body="Baseline"))
    services.publish_post(session, baseline, author)
    paths = []
    for i, s in enumerate(naughty):
        title = s if clean_title(s).strip() else f"Untitled {i}"
        post = services.create_draft(session, author, PostInput(title=title, body=s))
        services.publish_post(session, post, author)
        paths.append(f"/p/{post.id}-{quote(post.slug)}")
    session.commit()

    base = client.get(f"/p/{baseline.id}", follow_redirects=True)
    assert base.status_code == 200
    base_html = base.get_data(as_text=True)

    failures = []
    for i, (s, path) in enumerate(zip(naughty, paths)):
        # The canonical address; every 25th through the redirect from the bare id, as links do.
        response = client.get(path.split("-", 1)[0] if i % 25 == 0 else path, follow_redirects=True)
        if response.status_code != 200:
            failures.append(f"{s!r}: page answered {response.status_code}")
            continue
        html = response.get_data(as_text=True)
        if "<" in s and html.count(s) > base_html.count(s):
            failures.append(f"{s!r} appears unescaped in its page")
        failures += [f"{s!r}: {p}" for p in page_problems(html)]
    assert not failures, report(failures, len(naughty))

    for path in ("/", "/?page=2", "/feed.xml", "/sitemap.xml", f"/a/{author.id}"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        if path.endswith(".xml"):
            ET.fromstring(response.data)


def _xml_char(ch: str) -> bool:
    code = ord(ch)
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000


def test_feed_stays_well_formed_xml(app, session, client, make_user, naughty):
    # XML 1.0 cannot carry C0 controls or U+FFFE even as references: the feed leaves them out
    # rather than break for every subscriber.
    author = make_user()
    strings = [s for s in naughty if not all(_xml_char(ch) for ch in s)]
    assert 5 <= len(strings) <= 30
    for s in strings:
        title = s if clean_title(s).strip() else "Untitled"
        post = services.create_draft(session, author, PostInput(title=title, summary=s, body=s))
        services.publish_post(session, post, author)
    session.commit()
    response = client.get("/feed.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len(strings)
    shown = sorted(e.findtext(f"{atom}title") for e in entries)
    expected = sorted("".join(ch for ch in (clean_title(s) if clean_title(s).strip() else "Untitled") if _xml_char(ch))
                      for s in strings)
    assert shown == expected
    assert ET.fromstring(client.get("/sitemap.xml").data) is not None
