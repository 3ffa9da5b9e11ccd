"""hub.platforms: each platform's counting (against public conformance data), limits, problems and share links."""

from __future__ import annotations

import ast
import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

from hub.platforms import (
    PLATFORMS,
    find_hashtags,
    find_links,
    fits,
    grapheme_count,
    intent_url,
    limit_for,
    measure,
    platforms_as_json,
    problems,
    share_text,
    x_weighted_length,
)
from tests.corpora import corpus

URL = "https://example.com/blog/2026/a-rather-long-article-title?utm_source=hub"  # X and Mastodon count 23
FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"  # 1 grapheme, 7 code points, 25 bytes


@lru_cache(maxsize=None)
def _yaml(*parts: str) -> Any:
    with corpus(*parts).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _twitter_config(name: str) -> dict[str, Any]:
    with corpus("twitter-text", "config", f"{name}.json").open(encoding="utf-8") as f:
        return json.load(f)


# --- X: twitter-text conformance -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "config"),
    [
        ("WeightedTweetsCounterTest", "v2"),
        ("WeightedTweetsWithDiscountedEmojiCounterTest", "v3"),
        ("UnicodeDirectionalMarkerCounterTest", "v2"),  # the suite names no config; both agree here
        ("UnicodeDirectionalMarkerCounterTest", "v3"),
    ],
)
def test_x_weighted_length_passes_twitter_text_conformance(section: str, config: str) -> None:
    cases = _yaml("twitter-text", "conformance", "validate.yml")["tests"][section]
    cfg = _twitter_config(config)
    assert cases
    failures = []
    for case in cases:
        expected = case["expected"]
        got = x_weighted_length(case["text"], cfg)
        if got != expected["weightedLength"]:
            failures.append((case["description"], got, expected["weightedLength"]))
        if config == "v3" and fits("x", case["text"]) != expected["valid"]:  # X itself counts with v3
            failures.append((case["description"], "valid", expected["valid"]))
    assert not failures


def test_measure_x_is_twitter_text_v3() -> None:
    v3 = _twitter_config("v3")
    for text in ["H\U0001F431\u263a" + FAMILY, "\U0001F64B\U0001F3FD\U0001F468\u200D\U0001F3A4", "1\u20e3", URL]:
        assert measure("x", text) == x_weighted_length(text, v3) == x_weighted_length(text)


@pytest.mark.parametrize("section", ["urls", "urls_with_indices", "urls_with_directional_markers", "tco_urls_with_params"])
def test_find_links_passes_twitter_text_url_extraction(section: str) -> None:
    failures = []
    for case in _yaml("twitter-text", "conformance", "extract.yml")["tests"][section]:
        spans = find_links(case["text"])
        expected = case["expected"]
        if expected and isinstance(expected[0], dict):
            if [list(span) for span in spans] != [e["indices"] for e in expected]:
                failures.append((case["description"], spans))
            expected = [e["url"] for e in expected]
        if [case["text"][a:b] for a, b in spans] != expected:
            failures.append((case["description"], spans))
    assert not failures


def test_find_links_knows_every_tld() -> None:
    tests = _yaml("twitter-text", "conformance", "tlds.yml")["tests"]
    failures = [
        case["text"]
        for cases in tests.values()
        for case in cases
        if [case["text"][a:b] for a, b in find_links(case["text"])] != case["expected"]
    ]
    assert not failures


@pytest.mark.parametrize(
    "text",
    [
        "a." * 10_000,  # the twitter-text regex takes minutes on these in Python
        "\u3042\u3042." * 7_000,
        "1.2." * 5_000,
        ("a." * 20 + " ") * 500,
        "\u3042" * 20_000 + " a.com",
        "\u00f1\u00f1." * 7_000,
        "http://a.com/" + "(a" * 10_000,
        "a." * 9_000 + "\u65e5\u672c.com",
    ],
    ids=["dots", "cjk-dots", "digits", "words", "cjk-run", "accents", "parens", "ascii-domain"],
)
def test_counting_hostile_text_gives_sane_counts(text: str) -> None:
    """These inputs made twitter-text's link regex take minutes in Python; hub's scanner is
    linear (bench/platforms_measure.py prints the timings, doubling the size each step).
    Here: every count is an honest length, whatever the input."""
    for platform_id in ("x", "mastodon", "threads"):
        count = measure(platform_id, text)
        assert 0 < count <= 2 * len(text) + 23
    assert isinstance(problems("threads", text), list)


# --- Graphemes: Unicode's GraphemeBreakTest --------------------------------------------------------------


@pytest.mark.parametrize("version", ["15.0.0", "13.0.0"])
def test_grapheme_count_passes_unicode_grapheme_break_test(version: str) -> None:
    path = corpus("unicode", f"GraphemeBreakTest-{version}.txt")
    failures, cases = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        rule = line.split("#", 1)[0].split()
        if not rule:
            continue
        text = "".join(chr(int(token, 16)) for token in rule if token not in ("÷", "×"))
        clusters = rule.count("÷") - 1
        cases += 1
        if grapheme_count(text) != clusters or measure("bluesky", text) != clusters:
            failures.append(line)
    assert cases > 600
    assert not failures


# --- Mastodon -------------------------------------------------------------------------------------------

_TERM = re.compile(r"\s*(?:(?P<literal>'(?:[^'\\]|\\.)*')|(?P<bare>[A-Za-z]+))(?:\s*\*\s*(?P<times>\d+))?\s*")


def expand(expression: str) -> str:
    """The string an expression of status_length_cases.yml stands for.

    The mini-language: terms joined by ``+``; a term is a quoted literal (Python escapes) or a bare
    word, optionally ``* n``. A bare ``a*520`` means ``'a'*520``. Anything else is a ValueError.
    """
    if not expression.strip():
        return ""
    parts, pos = [], 0
    while True:
        m = _TERM.match(expression, pos)
        if not m:
            raise ValueError(f"cannot read {expression!r} at {pos}")
        value = ast.literal_eval(m["literal"]) if m["literal"] else m["bare"]
        parts.append(value * int(m["times"] or 1))
        pos = m.end()
        if pos == len(expression):
            return "".join(parts)
        if expression[pos] != "+":
            raise ValueError(f"cannot read {expression!r} at {pos}")
        pos += 1


def test_expand_reads_the_case_language() -> None:
    assert expand("a*3 + ' ' + 'http://' + 'b'*2 + '.com'") == "aaa http://bb.com"
    assert expand("'\\u2728'*2") == "\u2728\u2728"
    assert expand("") == ""
    with pytest.raises(ValueError):
        expand("__import__('os')")


def test_mastodon_passes_status_length_cases() -> None:
    data = _yaml("mastodon", "status_length_cases.yml")
    assert data["max"] == PLATFORMS["mastodon"].limit
    failures = []
    for case in data["cases"]:
        text, spoiler = expand(case.get("text", "")), expand(case.get("spoiler", ""))
        length = measure("mastodon", text, spoiler=spoiler)
        if (length <= data["max"]) != case["valid"] or fits("mastodon", text, spoiler=spoiler) != case["valid"]:
            failures.append((case["desc"], length))
    assert not failures


def test_mastodon_counts_links_and_remote_mentions_like_mastodon() -> None:
    assert measure("mastodon", "Read " + URL) == 5 + 23
    assert measure("mastodon", "Read example.com/page") == len("Read example.com/page")  # not autolinked
    assert measure("mastodon", "hi @alice@example.social") == len("hi @alice")
    assert measure("mastodon", "mail alice@example.social") == len("mail alice@example.social")
    assert measure("mastodon", "   ") == 0  # Mastodon counts a blank text as empty
    assert measure("mastodon", "text", spoiler="CW: ") == 8


# --- Limits ---------------------------------------------------------------------------------------------


def _edge(unit: str, unit_size: int, limit: int, filler: str = "a") -> tuple[str, str]:
    """A text at exactly ``limit`` (``unit`` counting ``unit_size``), and the same plus one ``filler``."""
    count, rest = divmod(limit, unit_size)
    at_limit = unit * count + filler * rest
    return at_limit, at_limit + filler


LIMIT_EDGES = {
    "x-cjk": ("x", *_edge("\u65e5", 2, 280)),
    "x-emoji": ("x", *_edge(FAMILY, 2, 280)),
    "x-url": ("x", "a" * 256 + " " + URL, "a" * 257 + " " + URL),
    "linkedin": ("linkedin", *_edge("\U0001F600", 2, 3000)),
    "bluesky": ("bluesky", *_edge("\U0001F600", 1, 300)),
    "bluesky-bytes": ("bluesky", FAMILY * 120, FAMILY * 121),
    "mastodon": ("mastodon", "a" * 476 + " " + URL, "a" * 477 + " " + URL),
    "mastodon-emoji": ("mastodon", *_edge(FAMILY, 1, 500)),
    "threads": ("threads", *_edge("a", 1, 500)),
    "threads-emoji": ("threads", *_edge("\U0001F600", 4, 500)),
    "facebook": ("facebook", *_edge("a", 1, 63206)),
    "instagram": ("instagram", *_edge("\U0001F600", 2, 2200)),
    "reddit": ("reddit", *_edge("a", 1, 300)),
    "whatsapp": ("whatsapp", *_edge("\U0001F44D\U0001F3FD", 1, 700)),
    "email": ("email", *_edge("e\u0301", 1, 2000)),
}


@pytest.mark.parametrize(("platform_id", "at_limit", "over"), LIMIT_EDGES.values(), ids=LIMIT_EDGES.keys())
def test_text_at_the_limit_fits_and_one_more_does_not(platform_id: str, at_limit: str, over: str) -> None:
    platform = PLATFORMS[platform_id]
    assert fits(platform_id, at_limit)
    assert not fits(platform_id, over)
    if platform.byte_limit and len(over.encode("utf-8")) > platform.byte_limit:
        assert measure(platform_id, over) <= platform.limit
        assert any("bytes" in p for p in problems(platform_id, over))
    else:
        assert measure(platform_id, at_limit) == platform.limit
        assert measure(platform_id, over) == platform.limit + 1
        assert problems(platform_id, over)[0].startswith(f"Too long for {platform.name}: {platform.limit + 1:,}")


def test_every_platform_has_a_limit_edge_test() -> None:
    assert {platform_id for platform_id, _, _ in LIMIT_EDGES.values()} == set(PLATFORMS)


def test_a_servers_own_limit() -> None:
    assert fits("mastodon", "a" * 1000, limit=1000)
    assert not fits("mastodon", "a" * 1001, limit=1000)
    assert limit_for("mastodon") == 500
    assert limit_for("x", limit=25_000) == 25_000
    for bad in (0, -1, True, 1.5, "500"):
        with pytest.raises(ValueError):
            limit_for("mastodon", limit=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        measure("myspace", "hi")


def test_counting_sees_newlines_as_the_composer_does() -> None:
    for platform_id in PLATFORMS:
        assert measure(platform_id, "a\r\nb") == measure(platform_id, "a\nb") == 3


def test_threads_counts_emoji_by_utf8_bytes_and_others_by_characters() -> None:
    assert measure("threads", "\u2728") == 3
    assert measure("threads", FAMILY) == 25
    assert measure("threads", "\u65e5\u672c") == 2
    assert measure("threads", "e\u0301") == 2


# --- Problems -------------------------------------------------------------------------------------------


def test_no_problems_with_a_good_post() -> None:
    for platform_id in ("x", "linkedin", "bluesky", "mastodon", "threads", "facebook"):
        assert problems(platform_id, "Our new report is out #Research " + URL) == []


def test_problems_name_hashtags_links_and_titles() -> None:
    assert problems("instagram", "New post " + URL) == [
        "Links are not clickable on Instagram: say “link in bio” instead."
    ]
    assert "Use at most 5 hashtags on Instagram; this has 6." in problems("instagram", "#a #b #c #d #e #f")
    assert problems("threads", "#one #two") == ["Threads takes one topic tag per post; this has 2 hashtags."]
    links = " ".join(f"https://example.com/{n}" for n in range(6))
    assert problems("threads", links) == ["Threads takes at most 5 links; this has 6."]
    assert problems("reddit", "Good read #news") == ["Hashtags do nothing on Reddit: remove 1 hashtag."]
    assert problems("reddit", "ok", subject="t" * 301) == ["The title is too long: 301 of 300 characters."]
    assert problems("email", "hi", subject="s" * 79) == ["The subject is too long: 79 of 78 characters."]
    assert problems("x", "hi \ufeff") == [
        "X refuses posts with the invisible characters U+FEFF, U+FFFE or U+FFFF: remove them."
    ]


def test_find_hashtags() -> None:
    assert find_hashtags("#One two #Three, C# &#39; #1 https://e.com/#frag ＃four") == ["One", "Three", "four"]
    # marks belong to the word (Devanagari vowel signs); a tag needs a letter
    assert find_hashtags("#हिन्दी #_1 #a_1 #2024") == ["हिन्दी", "a_1"]


# --- Share links ----------------------------------------------------------------------------------------


def _parse(link: str | None) -> tuple[str, str, str, dict[str, str]]:
    assert link is not None
    parts = urlsplit(link)
    assert "+" not in parts.query  # spaces are %20
    params = {key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    return parts.scheme, parts.netloc, parts.path, params


TEXT = "Proud of the team & our report: 100% worth it?"


def test_intent_x_passes_text_and_url() -> None:
    assert _parse(intent_url("x", TEXT, URL)) == ("https", "x.com", "/intent/tweet", {"text": TEXT, "url": URL})
    assert _parse(intent_url("x", f"{TEXT} {URL}", URL))[3] == {"text": f"{TEXT} {URL}"}  # not twice
    assert share_text("x", TEXT, URL) == f"{TEXT} {URL}"


def test_intent_threads_attaches_the_link() -> None:
    assert _parse(intent_url("threads", TEXT, URL)) == (
        "https", "www.threads.com", "/intent/post", {"text": TEXT, "url": URL}
    )


def test_intent_text_only_screens_get_the_link_in_the_text() -> None:
    expected = f"{TEXT}\n\n{URL}"
    assert _parse(intent_url("bluesky", TEXT, URL)) == ("https", "bsky.app", "/intent/compose", {"text": expected})
    assert _parse(intent_url("whatsapp", TEXT, URL)) == ("https", "wa.me", "/", {"text": expected})
    assert _parse(intent_url("mastodon", TEXT, URL)) == ("https", "mastodon.social", "/share", {"text": expected})
    assert _parse(intent_url("bluesky", f"{URL} {TEXT}", URL))[3] == {"text": f"{URL} {TEXT}"}
    assert share_text("bluesky", TEXT, URL) == expected
    assert share_text("bluesky", "", URL) == URL


def test_intent_mastodon_on_another_server() -> None:
    assert urlsplit(intent_url("mastodon", TEXT, URL, instance="Fosstodon.org")).netloc == "fosstodon.org"
    assert urlsplit(intent_url("mastodon", TEXT, instance="b\u00fccher.example")).netloc == "xn--bcher-kva.example"


@pytest.mark.parametrize(
    "instance",
    [
        "evil.com/path?x=", "javascript:alert(1)", "https://mastodon.social", "mastodon.social:443",
        "mastodon.social/", "user@mastodon.social", "evil.com#", "evil.com%2f", "evil.com\uff0fpath",
        "localhost", "127.0.0.1", "", "exa mple.com", "-evil.com", "evil..com", "a" * 64 + ".com",
    ],
)
def test_intent_mastodon_refuses_anything_but_a_host_name(instance: str) -> None:
    with pytest.raises(ValueError):
        intent_url("mastodon", TEXT, URL, instance=instance)


def test_intent_email_uses_percent_20_and_crlf() -> None:
    link = intent_url("email", "Hello there\nSee this", URL, subject="A good read")
    assert link is not None and link.startswith("mailto:?subject=A%20good%20read&body=Hello%20there%0D%0A")
    scheme, netloc, path, params = _parse(link)
    assert (scheme, netloc, path) == ("mailto", "", "")
    assert params == {"subject": "A good read", "body": f"Hello there\r\nSee this\r\n\r\n{URL}"}
    assert _parse(intent_url("email", "hi"))[3] == {"body": "hi"}


def test_intent_reddit_title_and_link() -> None:
    assert _parse(intent_url("reddit", TEXT, URL)) == (
        "https", "www.reddit.com", "/submit", {"url": URL, "title": TEXT}
    )
    assert _parse(intent_url("reddit", TEXT, URL, subject="Title"))[3]["title"] == "Title"


def test_intent_link_only_screens() -> None:
    assert _parse(intent_url("linkedin", TEXT, URL)) == (
        "https", "www.linkedin.com", "/sharing/share-offsite/", {"url": URL}
    )
    assert _parse(intent_url("facebook", TEXT, URL)) == ("https", "www.facebook.com", "/sharer/sharer.php", {"u": URL})
    assert intent_url("linkedin", TEXT) is None
    assert intent_url("facebook", TEXT) is None
    assert intent_url("instagram", TEXT, URL) is None
    assert share_text("linkedin", TEXT, URL) == TEXT


def test_intent_refuses_a_link_that_is_not_http() -> None:
    for bad in ("javascript:alert(1)", "example.com", "https://", "https://e.com/a b", "data:text/html,x"):
        with pytest.raises(ValueError):
            intent_url("x", TEXT, bad)


def test_intent_encodes_every_reserved_character() -> None:
    text = "a&b=c#d?e/f+g%h\u00e9"
    link = intent_url("whatsapp", text)
    assert link == "https://wa.me/?text=" + "a%26b%3Dc%23d%3Fe%2Ff%2Bg%25h%C3%A9"
    assert unquote(link.split("=", 1)[1]) == text


# --- Descriptions ---------------------------------------------------------------------------------------


def test_platforms_describe_themselves_as_json() -> None:
    data = platforms_as_json()
    assert list(data) == list(PLATFORMS) == [
        "x", "linkedin", "bluesky", "mastodon", "threads", "facebook", "instagram", "reddit", "whatsapp", "email"
    ]
    assert json.loads(json.dumps(data)) == data
    assert data["x"]["url_weight"] == 23 and data["mastodon"]["url_weight"] == 23
    assert data["bluesky"]["url_weight"] is None and data["bluesky"]["byte_limit"] == 3000
    for pid, entry in data.items():
        assert entry["id"] == pid and entry["name"] and entry["limit"] > 0 and entry["notes"]
        assert entry["counting"] in {"twitter-text", "graphemes", "mastodon", "threads", "utf16"}
    assert PLATFORMS["linkedin"].notes.startswith("LinkedIn's share screen takes only the link")
    with pytest.raises(AttributeError):
        PLATFORMS["x"].limit = 1  # type: ignore[misc]


def test_extended_pictographic_table_matches_ugrapheme() -> None:
    ugrapheme = pytest.importorskip("ugrapheme.ugrapheme")
    is_xpicto = getattr(ugrapheme, "is_xpicto_uint32", None)
    if is_xpicto is None:
        pytest.skip("this ugrapheme has no is_xpicto_uint32 to compare with")
    from hub.platforms import _is_extended_pictographic

    assert [cp for cp in range(0x110000) if is_xpicto(cp) != _is_extended_pictographic(cp)] == []
