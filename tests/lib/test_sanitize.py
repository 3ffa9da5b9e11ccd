"""The sanitizer and the Markdown renderer against public XSS corpora.

Every payload goes through ``sanitize_html`` and through ``render_markdown``; the output is parsed
with ``html.parser`` (never grepped as text, since "onload=" may rightly appear as escaped text)
and must hold no script, no event handler, no style, no dangerous element and no URL with a
scheme other than http, https or mailto. Sanitizing the output again must change nothing.
"""

from __future__ import annotations

import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hub.lib.markdown import render_markdown
from hub.lib.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html
from tests.conftest import CORPORA, corpus

XSS = CORPORA / "security" / "xss"

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "form", "input", "button", "textarea", "select", "base", "meta", "link", "template", "noscript",
}
# ammonia keeps these two harmless attributes on every allowed element; hub adds rel to links.
GENERIC_ATTRIBUTES = {"lang", "title"}
SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def url_scheme(value: str) -> str | None:
    """The scheme a URL would have if every whitespace and control character were skipped
    (stricter than browsers, which only skip tab and newline inside the scheme)."""
    squeezed = _CONTROL_OR_SPACE.sub("", value).lower()
    match = _SCHEME.match(squeezed)
    return match.group(1) if match else None


def problems(html: str) -> list[str]:
    """What is unsafe in ``html``; empty when it is safe to serve."""
    found = []
    if "<script" in html.lower():
        found.append("'<script' in the output")
    for tag, attrs in elements(html):
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}> element")
        if tag not in ALLOWED_TAGS:
            found.append(f"<{tag}> is not on the allow-list")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | GENERIC_ATTRIBUTES | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                found.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                found.append(f"style attribute on <{tag}>")
            if name not in allowed:
                found.append(f"attribute {name}= on <{tag}> is not on the allow-list")
            if name in {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "data"}:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{scheme}: URL in {name}={value!r}")
            if tag == "img" and name == "src" and not value.startswith("/img/"):
                found.append(f"<img src={value!r}> is not one of hub's uploads")
    return found


def check(payload: str) -> list[str]:
    """Problems of both outputs of ``payload`` (empty when all is well)."""
    failures = []
    for name, render in (("sanitize_html", sanitize_html), ("render_markdown", render_markdown)):
        out = render(payload)
        failures += [f"{name}: {p}" for p in problems(out)]
        again = sanitize_html(out)
        if again != out:
            failures.append(f"{name}: sanitizing the output again changed it: {out!r} -> {again!r}")
    return failures


def assert_all_safe(payloads: list[str]) -> None:
    failures = [(p, f) for p in payloads for f in check(p)]
    shown = "\n".join(f"  {p!r:.200} -> {f:.300}" for p, f in failures[:8])
    assert not failures, f"{len(failures)} problems in {len(payloads)} payloads, the first ones:\n{shown}"


# --- the corpora -------------------------------------------------------------------------------


def _load_json(*parts: str):  # type: ignore[no-untyped-def]
    path = XSS.joinpath(*parts)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _ids(values: list[str]) -> list[str]:
    return [f"{i}:{v[:40]!r}" for i, v in enumerate(values)]


_OWASP = [p["payload"] for p in (_load_json("owasp_xss_filter_evasion_payloads.json") or {"payloads": []})["payloads"]]
_HTML5LIB = _load_json("html5lib", "sanitizer_tests1.dat.json") or []
_MARKDOWN = _load_json("markdown_xss_vectors.json") or {}
_MARKDOWN_VECTORS = _MARKDOWN.get("vectors", []) + _MARKDOWN.get("added_here_not_from_a_source", [])
_KSES = (_load_json("wordpress_kses_bad_protocol_hrefs.json") or {}).get("href_values_must_not_execute", [])
_BLEACH = sorted(XSS.glob("bleach_regressions/*.test"), key=lambda p: int(p.stem)) if XSS.exists() else []
_PATT = sorted(XSS.glob("payloadsallthethings/*.txt")) if XSS.exists() else []


def test_corpora_are_complete():
    corpus("security", "xss")
    assert len(_OWASP) == 110
    assert len(_HTML5LIB) == 72
    assert len(_MARKDOWN_VECTORS) == 19
    assert len(_KSES) == 51
    assert len(_BLEACH) == 20
    assert len(_PATT) == 13


@pytest.mark.parametrize("payload", _OWASP, ids=_ids(_OWASP))
def test_owasp_filter_evasion_payload(payload):
    corpus("security", "xss", "owasp_xss_filter_evasion_payloads.json")
    assert check(payload) == []


@pytest.mark.parametrize("case", _HTML5LIB, ids=[c["name"] for c in _HTML5LIB])
def test_html5lib_sanitizer_case(case):
    corpus("security", "xss", "html5lib")
    assert check(case["input"]) == []


@pytest.mark.parametrize("path", _BLEACH, ids=[p.name for p in _BLEACH])
def test_bleach_regression(path):
    corpus("security", "xss", "bleach_regressions")
    payload = path.read_text(encoding="utf-8").split("\n--\n")[0]
    assert check(payload) == []


@pytest.mark.parametrize("path", _PATT, ids=[p.name for p in _PATT])
def test_payloadsallthethings_list(path: Path):
    corpus("security", "xss", "payloadsallthethings")
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    assert lines
    assert_all_safe(lines)


@pytest.mark.parametrize("vector", _MARKDOWN_VECTORS, ids=_ids(_MARKDOWN_VECTORS))
def test_markdown_vector_makes_no_dangerous_link(vector):
    corpus("security", "xss", "markdown_xss_vectors.json")
    html = render_markdown(vector)
    assert problems(html) == []
    for _tag, attrs in elements(html):
        for name, value in attrs:
            if name in {"href", "src"}:
                assert url_scheme(value or "") in {None, "http", "https", "mailto"}, html
    assert check(vector) == []


@pytest.mark.parametrize("href", _KSES, ids=_ids(_KSES))
def test_wordpress_bad_protocol_href_is_dropped(href):
    corpus("security", "xss", "wordpress_kses_bad_protocol_hrefs.json")
    quoted = href.replace('"', "&quot;")
    payloads = [f'<a href="{quoted}">x</a>', f"<a href='{href}'>x</a>", f'<img src="{quoted}">', f"[x]({href})",
                f"[x](<{href}>)", f"![x]({href})", f"<{href}>"]
    failures = [(p, f) for p in payloads for f in check(p)]
    assert failures == []


# --- what must survive, and pinned cases ------------------------------------------------------


def test_safe_markup_survives():
    html = sanitize_html('<p>Hi <a href="https://example.com/a?b=1&amp;c=2" title="t">link</a> '
                         '<strong>b</strong> <em>i</em> <code>x</code></p><img src="/img/abc.png" alt="A cat">')
    assert '<a href="https://example.com/a?b=1&amp;c=2" title="t" rel="noopener noreferrer nofollow ugc">link</a>' in html
    assert "<strong>b</strong>" in html and "<em>i</em>" in html and "<code>x</code>" in html
    assert '<img src="/img/abc.png" alt="A cat">' in html


def test_markdown_keeps_ordinary_links_and_shows_html_as_text():
    html = render_markdown("[site](https://example.com) [mail](mailto:a@example.com) [local](/p/1)\n\n<script>alert(1)</script>")
    assert 'href="https://example.com"' in html
    assert 'href="mailto:a@example.com"' in html
    assert 'href="/p/1"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("payload, expected", [
    ('<p onclick="alert(1)" style="color:red">x</p>', "<p>x</p>"),
    ("<a href=\"javascript:alert(1)\">x</a>", '<a rel="noopener noreferrer nofollow ugc">x</a>'),
    ('<img src="https://tracker.example/p.gif" onerror="alert(1)">', ""),  # an image without its src: dropped whole
    ('<img src="data:image/png;base64,AAAA">', ""),
    ("<svg><script>alert(1)</script></svg>x", "x"),
    ("<style>body{}</style>x", "x"),
])
def test_pinned_outputs(payload, expected):
    assert sanitize_html(payload) == expected


def test_link_with_control_characters_in_its_scheme_is_dropped():
    # "java&#1;...&#12;script:" is a relative URL to today's browsers but not to older ones.
    html = sanitize_html("<a href=java&#1&#2&#3&#4&#5&#6&#7&#8&#11&#12script:javascript:alert(1)>XXX</a>")
    assert "href" not in html
    assert "XXX" in html


@pytest.mark.parametrize("payload", ["a&#13;b", '<p title="a&#13;b">x</p>', "[x](jav&#x0D;ascript:alert(1);)",
                                     "<pre>\n\nindented</pre>", "<pre>\n\n\nx</pre>"])
def test_carriage_returns_and_pre_newlines_survive_a_second_pass(payload):
    once = sanitize_html(payload)
    assert sanitize_html(once) == once
    assert render_markdown(payload) == sanitize_html(render_markdown(payload))


def test_sanitizing_is_a_fixed_point_for_mis_nested_markup():
    # Removed elements such as <caption> or <select> shape how the parser nests the rest; a
    # single pass of the cleaner is then not stable. Random soups of such markup, seeded.
    atoms = ["<", ">", "&", "#", ";", "\r", "\n", "\x00", "a", " ", "=", '"', "/", "<pre>", "</pre>", "<p>", "<b>",
             "<a href=", "<img src=", "<table>", "<td>", "<tr>", "<li>", "<ul>", "&#13;", "<!--", "-->", "<script>",
             "<style>", "<svg>", "<math>", "<template>", "<textarea>", "<select>", "<option>", "<title>", "<caption>",
             "<colgroup>", "<col>", "<form>", "<foreignObject>", "<noembed>", "<iframe>", "<html>", "<body>", "x"]
    rnd = random.Random(20260605)
    failures = []
    for _ in range(4000):
        soup = "".join(rnd.choice(atoms) for _ in range(rnd.randint(1, 14)))
        once = sanitize_html(soup)
        if sanitize_html(once) != once or problems(once):
            failures.append(soup)
    assert failures == [], failures[:5]
