"""What hub knows about each platform: its limit, how it counts, its hashtag and link rules, its share link.

Pure Python: no Flask, no database. The public interface:

- ``PLATFORMS``: platform id -> :class:`Platform` (a frozen description).
- ``measure(platform_id, text)``: the length as that platform counts it; ``fits`` and ``problems`` build on it.
- ``share_text(platform_id, text, url)``: what lands in the platform's composer; ``intent_url`` opens it.
- ``platforms_as_json()``: the descriptions for the browser-side counter.

Counting rules, and where they come from:

- ``twitter-text`` (X): twitter-text v3 weighted length (NFC first; every link counts 23; code points weigh 1
  or 2 by range; an emoji sequence counts 2). Passes twitter-text's conformance suite.
- ``graphemes`` (Bluesky; WhatsApp and email, whose limits are ours): user-perceived characters (Unicode 16).
- ``mastodon``: graphemes of content warning + text, where each link Mastodon autolinks counts 23 and
  ``@user@domain`` counts as ``@user`` (Mastodon's StatusLengthValidator).
- ``threads``: characters, except that an emoji counts its UTF-8 bytes (Threads API documentation).
- ``utf16`` (LinkedIn, Facebook, Instagram, Reddit): UTF-16 code units, as their web composers count
  (``String.length``); an emoji counts 2. Where a platform does not say, we pick the stricter count.

Every count first turns CR LF (as browsers submit a textarea) and lone CR into LF.
"""

from __future__ import annotations

import bisect
import re
import sys
import types
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ugrapheme import grapheme_len, grapheme_split

__all__ = [
    "PLATFORMS",
    "Platform",
    "find_hashtags",
    "hashtag_spans",
    "find_links",
    "fits",
    "grapheme_count",
    "intent_url",
    "limit_for",
    "measure",
    "platforms_as_json",
    "problems",
    "share_text",
    "x_weighted_length",
]


@dataclass(frozen=True)
class Platform:
    """One platform: its limits, how it counts and how to share to it. Every field is JSON-able."""

    id: str
    name: str
    limit: int  # the most the platform takes, as `counting` counts
    counting: str  # "twitter-text", "graphemes", "mastodon", "threads" or "utf16"
    counting_note: str  # the same, for people
    url_weight: int | None = None  # what one link counts, where the platform counts links flat
    byte_limit: int | None = None  # UTF-8 bytes, where the platform also limits those
    subject_limit: int | None = None  # email subject or Reddit title (the `subject` option)
    max_hashtags: int | None = None  # the platform's rule or guidance; None: no cap
    hashtag_style: str = "plain"  # "plain", "camelcase", "topic" (one topic tag) or "none"
    max_links: int | None = None
    links_clickable: bool = True
    intent_takes_text: bool = True  # does the share screen take our text?
    url_in_text: bool = True  # does the link go into the text (else: its own parameter, or none)?
    notes: str = ""  # for the share page


def N_(text: str) -> str:
    """Marks a string for the translators (``notes``): it stays English here, and the share page
    shows it translated (``_(spec.notes)``)."""
    return text


_GRAPHEMES = "Counts user-perceived characters: an emoji, however it is built, counts 1."
_UTF16 = "Counts as the web composer does (UTF-16 units): most characters count 1, an emoji counts 2."

PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        Platform(
            "x", "X", 280, "twitter-text",
            "Weighted: Latin text counts 1 a character; CJK characters and emoji count 2; every link counts 23.",
            url_weight=23, max_hashtags=2, url_in_text=False,
            notes=N_("The link counts as 23 characters, however long it is. X advises at most 2 hashtags."),
        ),
        Platform(
            "linkedin", "LinkedIn", 3000, "utf16", _UTF16,
            max_hashtags=5, intent_takes_text=False, url_in_text=False,
            notes=N_("LinkedIn's share screen takes only the link: copy the text first, then paste it into the post."),
        ),
        Platform(
            "bluesky", "Bluesky", 300, "graphemes", _GRAPHEMES + " Also at most 3,000 bytes.",
            byte_limit=3000,
            notes=N_("The link goes into the text; Bluesky shows it shortened, so a post with a long link has a "
            "little more room than counted here."),
        ),
        Platform(
            "mastodon", "Mastodon", 500, "mastodon",
            _GRAPHEMES + " Content warning and text count together; a link counts 23; @user@server counts as @user.",
            url_weight=23, hashtag_style="camelcase",
            notes=N_("Opens the share page of your own server, whose limit may differ from 500. Write hashtags in "
            "CamelCase (#EmployeeAdvocacy) so screen readers can say them."),
        ),
        Platform(
            "threads", "Threads", 500, "threads",
            "Counts characters; an emoji counts its UTF-8 bytes (2 to 4, more for a sequence).",
            max_hashtags=1, hashtag_style="topic", max_links=5, url_in_text=False,
            notes=N_("Threads turns one hashtag into the post's topic tag and takes at most 5 links. The link is "
            "attached as a preview."),
        ),
        Platform(
            "facebook", "Facebook", 63206, "utf16", _UTF16,
            intent_takes_text=False, url_in_text=False,
            notes=N_("Facebook's share screen takes only the link: copy the text first, then paste it into the post."),
        ),
        Platform(
            "instagram", "Instagram", 2200, "utf16", _UTF16,
            max_hashtags=5, links_clickable=False, intent_takes_text=False, url_in_text=False,
            notes=N_("Instagram has no share link and links in captions are not clickable: copy the text, post from "
            "the app and point to the link in your bio."),
        ),
        Platform(
            "reddit", "Reddit", 300, "utf16", _UTF16 + " The text is the post's title.",
            subject_limit=300, max_hashtags=0, hashtag_style="none", url_in_text=False,
            notes=N_("The text becomes the title of a link post; Reddit has no hashtags. Check the community's rules "
            "before posting. (A text post's body may have up to 40,000 characters.)"),
        ),
        Platform(
            "whatsapp", "WhatsApp", 700, "graphemes", _GRAPHEMES,
            max_hashtags=0, hashtag_style="none",
            notes=N_("A short personal message reads on one phone screen; ours is capped at 700 characters though "
            "WhatsApp takes 65,536. Pick a contact or group in WhatsApp."),
        ),
        Platform(
            "email", "Email", 2000, "graphemes", _GRAPHEMES,
            subject_limit=78, max_hashtags=0, hashtag_style="none",
            notes=N_("Opens your mail program with subject and message filled in. The message is capped at 2,000 "
            "characters because some mail programs cut long mailto: links; subjects over 78 characters get cut "
            "off in inboxes."),
        ),
    )
}

_DEFAULT_MASTODON_INSTANCE = "mastodon.social"
_URL_PLACEHOLDER = "x" * 23


# --- twitter-text-parser, loaded without pkg_resources --------------------------------------------------


@contextmanager
def _pkg_resources_stand_in() -> Iterator[None]:
    """While importing twitter-text-parser 3.0.0: a minimal ``pkg_resources`` for its one call.

    The package reads its bundled emoji list with ``pkg_resources.resource_string`` at import time.
    setuptools 82 removed pkg_resources and 80.9+ warns on importing it; we only use the package's
    link rules and TLD lists, so its import gets this stand-in and ``sys.modules`` is restored after.
    """

    def resource_string(module_name: str, resource: str) -> bytes:
        return Path(sys.modules[module_name].__file__ or "").with_name(resource).read_bytes()

    stand_in = types.ModuleType("pkg_resources")
    stand_in.resource_string = resource_string  # type: ignore[attr-defined]  # a bare module given an attribute
    saved = sys.modules.get("pkg_resources")
    sys.modules["pkg_resources"] = stand_in
    try:
        yield
    finally:
        if saved is None:
            del sys.modules["pkg_resources"]
        else:
            sys.modules["pkg_resources"] = saved


if "twitter_text" not in sys.modules:
    with _pkg_resources_stand_in():
        import twitter_text  # noqa: F401

from twitter_text.extract_urls import is_valid_url as _tt_is_valid_url  # noqa: E402
from twitter_text.extract_urls import max_tco_slug_length as _TCO_MAX_SLUG  # noqa: E402
from twitter_text.regexp.invalid_chars_group import invalid_chars_group as _INVALID_CHARS  # noqa: E402
from twitter_text.regexp.latin_accent_chars import latin_accent_chars as _LATIN_ACCENTS  # noqa: E402
from twitter_text.regexp.spaces_group import spaces_group as _SPACES  # noqa: E402
from twitter_text.regexp.valid_cctld import valid_cctld as _CCTLD  # noqa: E402
from twitter_text.regexp.valid_domain_chars import valid_domain_chars as _DOMAIN_CHAR  # noqa: E402
from twitter_text.regexp.valid_gtld import valid_gtld as _GTLD  # noqa: E402
from twitter_text.regexp.valid_tco_url import valid_tco_url as _TCO_URL  # noqa: E402
from twitter_text.regexp.valid_url_path import valid_url_path as _URL_PATH  # noqa: E402
from twitter_text.regexp.valid_url_preceding_chars import valid_url_preceding_chars as _PRECEDING  # noqa: E402
from twitter_text.regexp.valid_url_query_chars import valid_url_query_chars as _QUERY_CHARS  # noqa: E402
from twitter_text.regexp.valid_url_query_ending_chars import valid_url_query_ending_chars as _QUERY_END  # noqa: E402

# --- Links: twitter-text's URL rules, in linear time -------------------------------------------------------
#
# twitter-text finds links with one large regular expression. Python's backtracking engine takes quadratic
# time (with a large factor: 1,500 TLDs are tried one by one) on dotted or CJK text: 3,000 characters of
# "a.a.a." took minutes. That is a denial of service on an endpoint called at each keystroke. So we keep the
# package's character classes, TLD lists and path/query expressions, and replace the scan over the domain
# with an equivalent one over labels; tested against twitter-text's extract.yml and tlds.yml.


def _tld_alternatives(pattern: re.Pattern[str]) -> list[str]:
    body = pattern.pattern
    return body[body.index("(?:(?:") + 6 : body.rindex(")(?=")].split("|")


def _tld_ranks() -> dict[str, int]:
    ranks: dict[str, int] = {}
    for tld in _tld_alternatives(_GTLD) + _tld_alternatives(_CCTLD):  # the regex tries them in this order
        ranks.setdefault(tld.lower(), len(ranks))
    return ranks


_TLD_RANK = _tld_ranks()
_TLD_LENGTHS = sorted({len(t) for t in _TLD_RANK})
_TLD_BOUNDARY = re.compile(r"(?=[^0-9a-zA-Z@+-]|$)", re.IGNORECASE)
_PUNYCODE_TLD = re.compile(r"xn--[\-0-9a-z]+", re.IGNORECASE)
_WORD = re.compile(f"[^{_SPACES}]+")  # links never contain twitter-text's spaces
_URL_TAIL = re.compile(  # port, path and query after the domain, as in twitter-text's valid_url
    rf"(?::[0-9]+)?(/{_URL_PATH.pattern}*)?(\?{_QUERY_CHARS.pattern}*{_QUERY_END.pattern})?", re.IGNORECASE
)
_ASCII_LABEL_CHAR = re.compile(f"[-a-z0-9{_LATIN_ACCENTS.pattern}]", re.IGNORECASE)
_PROTOCOL = re.compile(r"https?://", re.IGNORECASE)
_NO_BARE_DOMAIN_AFTER = "-_./"  # twitter-text's invalid_url_without_protocol_preceding_chars


@lru_cache(maxsize=4096)
def _is_domain_char(ch: str) -> bool:
    return _DOMAIN_CHAR.fullmatch(ch) is not None


_PRECEDING_CHAR = re.compile(_PRECEDING.pattern, re.IGNORECASE)


@lru_cache(maxsize=4096)
def _may_precede_url(ch: str) -> bool:
    return _PRECEDING_CHAR.fullmatch(ch) is not None


@lru_cache(maxsize=4096)
def _is_ascii_label_char(ch: str) -> bool:
    return _ASCII_LABEL_CHAR.fullmatch(ch) is not None


def _tld_end(s: str, pos: int) -> int | None:
    """End of the TLD twitter-text's regex takes at ``pos`` (its first alternative that fits), or None."""
    best_rank, best_end = len(_TLD_RANK), None
    for length in _TLD_LENGTHS:
        rank = _TLD_RANK.get(s[pos : pos + length].lower())
        if rank is not None and rank < best_rank and _TLD_BOUNDARY.match(s, pos + length):
            best_rank, best_end = rank, pos + length
    if best_end is None and (m := _PUNYCODE_TLD.match(s, pos)):
        best_end = m.end()
    return best_end


@dataclass
class _Label:
    start: int
    end: int
    next_in_run: bool  # followed by "." and another label of the same run
    sub_ok: bool = False  # a whole label that may be a subdomain and is followed by "."
    last_underscore: int = -1
    tld_end: int | None = None  # a TLD starting here (only after a ".")
    best: int | None = None  # the domain-name label a domain starting here ends on (greedy), or None


def _labels(word: str) -> tuple[list[_Label], list[int]]:
    """Runs of domain characters and ``-_.`` split into labels; and each position's label (or -1).

    ``best`` is the regex's choice when a domain starts at a label: subdomains are taken greedily, then it
    backs off to the last label that is a valid domain name followed by a TLD.
    """
    labels: list[_Label] = []
    owner = [-1] * len(word)
    i, n = 0, len(word)
    while i < n:
        if not (_is_domain_char(word[i]) or word[i] in "-_."):
            i += 1
            continue
        start = i
        while i < n and (_is_domain_char(word[i]) or word[i] in "-_."):
            i += 1
        run_labels = []
        pos = start
        for part in word[start:i].split("."):
            run_labels.append(_Label(pos, pos + len(part), False))
            pos += len(part) + 1
        for a, b in zip(run_labels, run_labels[1:], strict=False):
            a.next_in_run = True
            b.tld_end = _tld_end(word, b.start)
        for label in run_labels:
            text = word[label.start : label.end]
            label.sub_ok = (
                label.next_in_run and bool(text) and _is_domain_char(text[0]) and _is_domain_char(text[-1])
            )
            label.last_underscore = label.start + text.rfind("_") if "_" in text else -1
            for p in range(label.start, label.end):
                owner[p] = len(labels)
            labels.append(label)
        for k in range(len(labels) - 1, len(labels) - len(run_labels) - 1, -1):
            label = labels[k]
            if label.sub_ok:
                after = labels[k + 1].best if label.next_in_run else None
                pair = label.last_underscore < 0 and labels[k + 1].tld_end is not None
                label.best = after if after is not None else (k if pair else None)
    return labels, owner


def _domain_end(word: str, labels: list[_Label], owner: list[int], d: int) -> int | None:
    """End of the domain twitter-text matches from ``d`` (a label's start or inside one), or None."""
    if d >= len(word) or owner[d] < 0 or not _is_domain_char(word[d]):
        return None
    k = owner[d]
    label = labels[k]
    if not (label.next_in_run and _is_domain_char(word[label.end - 1])):
        return None
    j = labels[k + 1].best
    if j is None and d > label.last_underscore and labels[k + 1].tld_end is not None:
        j = k
    return None if j is None else labels[j + 1].tld_end


def _ascii_domains(domain: str) -> Iterator[tuple[int, int]]:
    """twitter-text's valid_ascii_domain matches in ``domain``: ``(label.)+TLD`` of ASCII-ish labels."""
    labels: list[tuple[int, int]] = []  # ASCII labels followed by "."
    i, n = 0, len(domain)
    while i < n:
        if _is_ascii_label_char(domain[i]):
            start = i
            while i < n and _is_ascii_label_char(domain[i]):
                i += 1
            if i < n and domain[i] == ".":
                labels.append((start, i + 1))
        else:
            i += 1
    # best[k]: end of the match that starts in label k, taking labels greedily then backing off to a TLD.
    best: list[int | None] = [None] * len(labels)
    for k in range(len(labels) - 1, -1, -1):
        chained = k + 1 < len(labels) and labels[k + 1][0] == labels[k][1]
        best[k] = (best[k + 1] if chained else None) or _tld_end(domain, labels[k][1])
    pos = 0  # finditer resumes at a match's end, possibly inside a label
    for k, (start, dot_end) in enumerate(labels):
        begin = max(start, pos)
        if begin >= dot_end - 1 or best[k] is None:
            continue
        end = best[k]
        assert end is not None
        yield begin, end
        pos = end


def _urls_in_word(word: str, at_text_start: bool, bare_domains: bool) -> Iterator[tuple[int, int]]:
    """Link spans in one space-free word, as twitter-text's extract_urls_with_indices finds them."""
    labels, owner = _labels(word)
    n = len(word)

    def match_at(s: int) -> tuple[int, int, str | None, int, int, bool] | None:
        proto = _PROTOCOL.match(word, s)
        d = proto.end() if proto else s
        end = _domain_end(word, labels, owner, d)
        if end is None:
            return None
        tail = _URL_TAIL.match(word, end)
        assert tail is not None  # every part of the tail is optional
        return s, tail.end(), proto.group() if proto else None, d, end, bool(tail.group(1))

    # The regex scans on from each failed position, and from a match's end: it takes one character
    # before the link (or, at the very start of the text, none: tried second).
    first = [1, 0] if at_text_start else [0, 1]
    resume = 0  # the preceding character may not overlap the previous match
    for s in first + list(range(2, n)):
        if s >= n or (s == 0 and resume > 0) or (s > 0 and (s - 1 < resume or not _may_precede_url(word[s - 1]))):
            continue
        found = match_at(s)
        if found is None:
            continue
        start, end, protocol, d, domain_end, has_path = found
        resume = end
        url, domain = word[start:end], word[d:domain_end]
        if not _tt_is_valid_url(url, protocol or "https://", domain):
            continue
        if protocol is None:
            before = word[s - 1] if s > 0 else ("" if at_text_start else " ")
            if not bare_domains or (before and before in _NO_BARE_DOMAIN_AFTER):
                continue
            spans = [(start + a, start + b) for a, b in _ascii_domains(domain)]
            if spans and has_path:
                spans[-1] = (spans[-1][0], end)
            yield from spans
        else:
            tco = _TCO_URL.search(url)
            if tco:
                if tco.group(1) and len(tco.group(1)) > _TCO_MAX_SLUG:
                    continue
                end = start + len(tco.group(0))
            yield start, end


def find_links(text: str, *, bare_domains: bool = True) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the links in ``text``, by twitter-text's rules, in linear time.

    ``bare_domains=False`` keeps only links with ``http://`` or ``https://`` (how Mastodon autolinks).
    """
    if not text or ("." not in text if bare_domains else ":" not in text):
        return []
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        if "." in m.group():
            offset = m.start()
            spans += [(offset + a, offset + b) for a, b in _urls_in_word(m.group(), offset == 0, bare_domains)]
    return spans


# --- Emoji ------------------------------------------------------------------------------------------------

# Extended_Pictographic (Unicode 16 emoji-data.txt): a grapheme cluster that starts with one of these, a
# regional-indicator flag or a keycap is an emoji. Ranges as first-last, hexadecimal.
_EXTENDED_PICTOGRAPHIC = """
A9 AE 203C 2049 2122 2139 2194-2199 21A9-21AA 231A-231B 2328 2388 23CF 23E9-23F3 23F8-23FA 24C2 25AA-25AB
25B6 25C0 25FB-25FE 2600-2605 2607-2612 2614-2685 2690-2705 2708-2712 2714 2716 271D 2721 2728 2733-2734
2744 2747 274C 274E 2753-2755 2757 2763-2767 2795-2797 27A1 27B0 27BF 2934-2935 2B05-2B07 2B1B-2B1C 2B50
2B55 3030 303D 3297 3299 1F000-1F0FF 1F10D-1F10F 1F12F 1F16C-1F171 1F17E-1F17F 1F18E 1F191-1F19A
1F1AD-1F1E5 1F201-1F20F 1F21A 1F22F 1F232-1F23A 1F23C-1F23F 1F249-1F3FA 1F400-1F53D 1F546-1F64F
1F680-1F6FF 1F774-1F77F 1F7D5-1F7FF 1F80C-1F80F 1F848-1F84F 1F85A-1F85F 1F888-1F88F 1F8AE-1F8FF
1F90C-1F93A 1F93C-1F945 1F947-1FAFF 1FC00-1FFFD
"""


def _hex_ranges(spec: str) -> list[tuple[int, int]]:
    ranges = []
    for item in spec.split():
        first, _, last = item.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return ranges


_PICTO_RANGES = _hex_ranges(_EXTENDED_PICTOGRAPHIC)
_PICTO_STARTS = [first for first, _last in _PICTO_RANGES]
_KEYCAP = re.compile("[0-9#*]\ufe0f?\u20e3")


def _is_extended_pictographic(cp: int) -> bool:
    i = bisect.bisect_right(_PICTO_STARTS, cp) - 1
    return i >= 0 and cp <= _PICTO_RANGES[i][1]


def _is_emoji(cluster: str) -> bool:
    """Whether a grapheme cluster is an emoji: a pictograph (with whatever follows), a flag or a keycap."""
    first = ord(cluster[0])
    return _is_extended_pictographic(first) or 0x1F1E6 <= first <= 0x1F1FF or _KEYCAP.fullmatch(cluster) is not None


# --- Counting ---------------------------------------------------------------------------------------------


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def grapheme_count(text: str) -> int:
    """The number of user-perceived characters (extended grapheme clusters, Unicode 16) in ``text``."""
    return grapheme_len(text)


@dataclass(frozen=True)
class _XConfig:
    """A twitter-text configuration (config/v2.json, v3.json) with weights pre-scaled."""

    max_length: int
    scale: int
    default_weight: int
    url_length: int
    emoji_parsing: bool
    ranges: tuple[tuple[int, int, int], ...]

    @classmethod
    def from_json(cls, config: Mapping[str, Any]) -> _XConfig:
        """From twitter-text's JSON configuration format."""
        return cls(
            max_length=config["maxWeightedTweetLength"],
            scale=config["scale"],
            default_weight=config["defaultWeight"],
            url_length=config.get("transformedURLLength", 23),
            emoji_parsing=bool(config.get("emojiParsingEnabled", False)),
            ranges=tuple((r["start"], r["end"], r["weight"]) for r in config["ranges"]),
        )

    def weight(self, cp: int) -> int:
        """The weight of one code point, before dividing by ``scale``."""
        for start, end, weight in self.ranges:
            if start <= cp <= end:
                return weight
        return self.default_weight

    @property
    def ascii_weight(self) -> int | None:
        """The one weight every ASCII character has, or None where they differ."""
        return _ascii_weight(self)


@lru_cache(maxsize=16)
def _ascii_weight(config: _XConfig) -> int | None:
    weights = {config.weight(cp) for cp in range(128)}
    return weights.pop() if len(weights) == 1 else None


_X_RANGES = [
    {"start": 0, "end": 4351, "weight": 100},
    {"start": 8192, "end": 8205, "weight": 100},
    {"start": 8208, "end": 8223, "weight": 100},
    {"start": 8242, "end": 8247, "weight": 100},
]
_X_V3 = _XConfig.from_json(  # twitter-text's config/v3.json
    {"maxWeightedTweetLength": 280, "scale": 100, "defaultWeight": 200, "emojiParsingEnabled": True,
     "transformedURLLength": 23, "ranges": _X_RANGES}
)


def x_weighted_length(text: str, config: Mapping[str, Any] | None = None) -> int:
    """twitter-text's ``weightedLength`` of ``text``, under ``config`` in twitter-text's JSON configuration
    format (config/v2.json, v3.json); by default v3, which X uses.

    NFC-normalises, counts each link as ``transformedURLLength``, each emoji sequence as the default
    weight (when ``emojiParsingEnabled``) and every other code point by its range. Linear time.
    """
    cfg = _X_V3 if config is None else _XConfig.from_json(config)
    text = unicodedata.normalize("NFC", _newlines(text))
    total, pos = 0, 0
    for start, end in find_links(text):
        total += _x_plain_weight(text[pos:start], cfg) + cfg.url_length * cfg.scale
        pos = end
    total += _x_plain_weight(text[pos:], cfg)
    return total // cfg.scale


def _x_plain_weight(text: str, config: _XConfig) -> int:
    if text.isascii() and config.ascii_weight is not None:
        return len(text) * config.ascii_weight
    if not config.emoji_parsing:
        return sum(config.weight(ord(ch)) for ch in text)
    weigh = _x_v3_cluster_weight if config == _X_V3 else partial(_x_cluster_weight, config=config)
    return sum(map(weigh, grapheme_split(text)))


def _x_cluster_weight(cluster: str, config: _XConfig) -> int:
    if _is_emoji(cluster):
        return config.default_weight
    return sum(config.weight(ord(ch)) for ch in cluster)


_x_v3_cluster_weight = lru_cache(maxsize=8192)(partial(_x_cluster_weight, config=_X_V3))


_MENTION = re.compile(r"(?<![=/\w])@([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)(?:@(\w+(?:[.-]+\w+)*))?")
_AFTER_MENTION = re.compile(f"[@＠{_LATIN_ACCENTS.pattern}]|://")
_MAX_DOMAIN_LENGTH = 253


def _mastodon_countable(text: str) -> str:
    """Mastodon's countable text: autolinked URLs as 23 characters, ``@user@domain`` as ``@user``.

    Mastodon finds links with twitter-text's rules, http(s) only, widened to any non-space path
    characters; we use twitter-text's own paths, so an unusual path may count in part, never less.
    """
    if not text or text.isspace():
        return ""
    entities: list[tuple[int, int, str]] = [(a, b, _URL_PLACEHOLDER) for a, b in find_links(text, bare_domains=False)]
    if "@" in text:
        for m in _MENTION.finditer(text):
            if _AFTER_MENTION.match(text, m.end()):
                continue
            if m.group(2) and len(m.group(2)) > _MAX_DOMAIN_LENGTH:
                continue
            entities.append((m.start(), m.end(), "@" + m.group(1)))
    out, pos = [], 0
    for start, end, replacement in sorted(entities):
        if start < pos:  # overlapping entities: the first one wins
            continue
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)


@lru_cache(maxsize=8192)
def _threads_cluster_length(cluster: str) -> int:
    return len(cluster.encode("utf-8")) if _is_emoji(cluster) else len(cluster)


def _threads_length(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(map(_threads_cluster_length, grapheme_split(text)))


def _utf16_length(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _platform(platform_id: str) -> Platform:
    try:
        return PLATFORMS[platform_id]
    except KeyError:
        raise ValueError(f"unknown platform {platform_id!r}") from None


def measure(platform_id: str, text: str, *, spoiler: str = "") -> int:
    """The length of ``text`` as platform ``platform_id`` counts it, to compare with ``limit_for``.

    ``spoiler`` is Mastodon's content warning, counted with the text there and ignored elsewhere.
    Raises ValueError for an unknown platform. Linear in the length of the text.
    """
    counting = _platform(platform_id).counting
    text = _newlines(text)
    if counting == "twitter-text":
        return x_weighted_length(text)
    if counting == "graphemes":
        return grapheme_len(text)
    if counting == "mastodon":
        return grapheme_len(_newlines(spoiler) + _mastodon_countable(text))
    if counting == "threads":
        return _threads_length(text)
    return _utf16_length(text)


def limit_for(platform_id: str, *, limit: int | None = None) -> int:
    """The limit to hold ``measure`` to: ``limit`` where given (a Mastodon server's own, X Premium's), else the
    platform's. Raises ValueError for an unknown platform or a limit that is not a positive integer."""
    platform = _platform(platform_id)
    if limit is None:
        return platform.limit
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        raise ValueError(f"limit must be a positive integer, not {limit!r}")
    return limit


_X_INVALID_CHARS = re.compile(f"[{_INVALID_CHARS}]")  # X refuses a post containing these


def fits(platform_id: str, text: str, *, spoiler: str = "", limit: int | None = None) -> bool:
    """Whether ``text`` is within the platform's length limit (and, for Bluesky, its byte limit; for X,
    free of the characters X refuses: U+FFFE, U+FEFF, U+FFFF)."""
    platform = _platform(platform_id)
    if measure(platform_id, text, spoiler=spoiler) > limit_for(platform_id, limit=limit):
        return False
    if platform_id == "x" and _X_INVALID_CHARS.search(text):
        return False
    return platform.byte_limit is None or len(_newlines(text).encode("utf-8")) <= platform.byte_limit


# --- Hashtags, links and problems -------------------------------------------------------------------------

_HASH_MARK = re.compile("[#＃]")
_ZWNJ = "\u200c"


def _hashtag_char(char: str) -> bool:
    # Letters, marks and digits of any script (Devanagari's vowel signs are marks), "_" and ZWNJ.
    return unicodedata.category(char)[0] in "LMN" or char in ("_", _ZWNJ)


def hashtag_spans(text: str) -> list[tuple[int, int]]:
    """Where the hashtags of ``text`` are (``#`` included), in order: ``#`` not after a word
    character, ``&``, ``/`` or another ``#`` (so not ``C#``, ``&#39;`` or a URL's ``/#part``),
    then word characters with at least one letter (``#2024`` is not a hashtag)."""
    spans: list[tuple[int, int]] = []
    for mark in _HASH_MARK.finditer(text):
        start = mark.start()
        if start > 0 and (_hashtag_char(text[start - 1]) or text[start - 1] in "&#/＃"):
            continue
        end = start + 1
        while end < len(text) and _hashtag_char(text[end]):
            end += 1
        if any(unicodedata.category(ch).startswith("L") for ch in text[start + 1 : end]):
            spans.append((start, end))
    return spans


def find_hashtags(text: str) -> list[str]:
    """The hashtags in ``text``, without ``#``, in order (see ``hashtag_spans``)."""
    return [text[start + 1 : end] for start, end in hashtag_spans(text)]


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}" if n == 1 else f"{n:,} {what}s"


def problems(
    platform_id: str, text: str, *, spoiler: str = "", subject: str | None = None, limit: int | None = None
) -> list[str]:
    """Human-readable problems with posting ``text`` on the platform; an empty list when there are none.

    Checks the length limit, Bluesky's byte limit, the subject (email) or title (Reddit) limit, the number
    of hashtags and links, links on Instagram (not clickable) and hashtags where they do nothing.
    """
    platform = _platform(platform_id)
    found: list[str] = []
    length, most = measure(platform_id, text, spoiler=spoiler), limit_for(platform_id, limit=limit)
    if length > most:
        found.append(f"Too long for {platform.name}: {length:,} of {most:,} characters ({length - most:,} over).")
    if platform_id == "x" and _X_INVALID_CHARS.search(text):
        found.append("X refuses posts with the invisible characters U+FEFF, U+FFFE or U+FFFF: remove them.")
    if platform.byte_limit is not None and (size := len(_newlines(text).encode("utf-8"))) > platform.byte_limit:
        found.append(f"Too long for {platform.name}: {size:,} of {platform.byte_limit:,} bytes.")
    if subject is not None and platform.subject_limit is not None:
        if (n := grapheme_len(subject)) > platform.subject_limit:
            what = "title" if platform_id == "reddit" else "subject"
            found.append(f"The {what} is too long: {n:,} of {platform.subject_limit:,} characters.")
    tags = find_hashtags(text)
    if tags and platform.max_hashtags is not None and len(tags) > platform.max_hashtags:
        if platform.hashtag_style == "none":
            found.append(f"Hashtags do nothing on {platform.name}: remove {_count(len(tags), 'hashtag')}.")
        elif platform.hashtag_style == "topic":
            found.append(f"{platform.name} takes one topic tag per post; this has {_count(len(tags), 'hashtag')}.")
        else:
            found.append(f"Use at most {platform.max_hashtags} hashtags on {platform.name}; this has {len(tags):,}.")
    links = {text[a:b] for a, b in find_links(text)}
    if platform.max_links is not None and len(links) > platform.max_links:
        found.append(f"{platform.name} takes at most {platform.max_links} links; this has {len(links):,}.")
    if links and not platform.links_clickable:
        found.append(f"Links are not clickable on {platform.name}: say “link in bio” instead.")
    return found


# --- Share screens ----------------------------------------------------------------------------------------

_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _mastodon_host(instance: str) -> str:
    """``instance`` as a bare lower-case hostname (IDN to punycode), or ValueError: no scheme, port, path."""
    name = instance.strip().lower()
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"not a server name: {instance!r}") from None
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(_HOST_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError(f"not a server name: {instance!r} (give a bare host name such as mastodon.social)")
    return name


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in url):
        raise ValueError(f"not an http(s) link: {url!r}")


def share_text(platform_id: str, text: str, url: str | None = None) -> str:
    """What lands in the platform's composer when shared with ``intent_url``: measure this.

    Where the link goes into the text (Bluesky, Mastodon, WhatsApp, email) it is appended on its own
    paragraph unless ``text`` already contains it; X appends a separate link after a space. Elsewhere the
    text is returned as is (LinkedIn, Facebook and Instagram: the text the person pastes).
    """
    platform = _platform(platform_id)
    if not url or url in text:
        return text
    if platform.url_in_text:
        return f"{text.rstrip()}\n\n{url}" if text.strip() else url
    if platform_id == "x":
        return f"{text} {url}" if text else url
    return text


def _query(params: dict[str, str]) -> str:
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in params.items())


def intent_url(
    platform_id: str, text: str, url: str | None = None, *, instance: str | None = None, subject: str | None = None
) -> str | None:
    """The link that opens the platform's compose or share screen with ``text`` (and ``url``), or None.

    None for Instagram (no share link), and for LinkedIn and Facebook without ``url`` (their share screens
    take only a link). ``instance`` is the Mastodon server (default mastodon.social) and must be a bare
    host name; ``subject`` is the email subject or the Reddit title (default: ``text``). Text-only share
    screens get ``share_text``; X and Threads get ``url`` as a parameter unless ``text`` contains it.
    Values are percent-encoded (spaces as %20). Raises ValueError for a bad instance or a non-http(s) url.
    """
    platform = _platform(platform_id)
    if url:
        _check_url(url)
    separate_url = url if url and url not in text else None
    if platform_id == "x":
        params = {"text": text} | ({"url": separate_url} if separate_url else {})
        return "https://x.com/intent/tweet?" + _query(params)
    if platform_id == "threads":
        params = {"text": text} | ({"url": separate_url} if separate_url else {})
        return "https://www.threads.com/intent/post?" + _query(params)
    if platform_id == "bluesky":
        return "https://bsky.app/intent/compose?" + _query({"text": share_text(platform_id, text, url)})
    if platform_id == "mastodon":
        host = _mastodon_host(_DEFAULT_MASTODON_INSTANCE if instance is None else instance)
        return f"https://{host}/share?" + _query({"text": share_text(platform_id, text, url)})
    if platform_id == "whatsapp":
        return "https://wa.me/?" + _query({"text": share_text(platform_id, text, url)})
    if platform_id == "email":
        body = share_text(platform_id, text, url).replace("\r\n", "\n").replace("\n", "\r\n")  # RFC 6068
        params = ({"subject": subject} if subject else {}) | {"body": body}
        return "mailto:?" + _query(params)
    if platform_id == "reddit":
        params = ({"url": url} if url else {}) | {"title": subject if subject is not None else text}
        return "https://www.reddit.com/submit?" + _query(params)
    if platform_id == "linkedin":
        return "https://www.linkedin.com/sharing/share-offsite/?" + _query({"url": url}) if url else None
    if platform_id == "facebook":
        return "https://www.facebook.com/sharer/sharer.php?" + _query({"u": url}) if url else None
    assert not platform.intent_takes_text  # Instagram
    return None


def platforms_as_json() -> dict[str, dict[str, Any]]:
    """Every platform's description as plain JSON-able data, keyed by id, in ``PLATFORMS`` order.

    The browser-side counter mirrors ``counting`` (and ``url_weight``) and asks the server for exact counts.
    """
    return {pid: asdict(platform) for pid, platform in PLATFORMS.items()}
