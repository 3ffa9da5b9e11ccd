"""Plain-text helpers: graphemes, sentences, URLs, emoji and cutting at safe boundaries.

Everything here works on Unicode text in any script. Cuts happen only at grapheme
boundaries, and only where a reader would accept a break: after a sentence, between
words, between graphemes of scripts written without spaces (Chinese, Japanese, Thai...)
and, as a last resort, inside a "word" longer than ``LONG_WORD`` graphemes (which in
practice is a run of code, an identifier or garbage, never a real word).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ugrapheme import grapheme_len, grapheme_offsets, grapheme_split

ELLIPSIS = "\u2026"
LONG_WORD = 40
SENTENCE_PREFERENCE = 0.6

_URL_RE = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"»”’…)]}>。、，！？"
_HASH_MARK_RE = re.compile(r"[#＃](?=\w)")
_SPACES_RE = re.compile(r"[^\S\n]+")
_SENTENCE_END_RE = re.compile(
    r"(?:[.!?…؟۔।‼⁇⁈⁉]+[\"'”’»)\]」』）]*(?=\s|$)|[。！？]+[」』）\"”’]*)"
)
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "prof", "st", "vs", "nr", "no", "ca", "jr", "sr"})
_MONTHS = frozenset(
    "januar februar märz april mai juni juli august september oktober november dezember "
    "jan feb mär apr jun jul aug sep sept okt nov dez".split()
)
_CUT_STRIP = " \t\n\r\u00a0\u3000,;:-–—/([{「『（、，·"

_NO_SPACE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # full-width forms
    (0x20000, 0x3134F),  # CJK extensions B-G
)

_EMOJI_RANGES: tuple[tuple[int, int], ...] = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0x2300, 0x23FF),
    (0xE0020, 0xE007F),
)
_EMOJI_SINGLES = frozenset({0x3030, 0x303D, 0x3297, 0x3299, 0xFE0F, 0x20E3, 0x200D})


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, so accents are single code points where possible."""
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces and tabs to one space and strip every line; keep line breaks."""
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def one_line(text: str) -> str:
    """Return ``text`` on a single line with single spaces."""
    return " ".join(text.split())


def find_urls(text: str) -> list[str]:
    """Return the URLs (``scheme://...`` or ``www....``) in ``text``, without trailing punctuation."""
    return [_trim_url(match.group()) for match in _URL_RE.finditer(text)]


def remove_urls(text: str) -> str:
    """Remove every URL from ``text`` (punctuation that followed a URL stays)."""

    def keep_trailing(match: re.Match[str]) -> str:
        url = match.group()
        return url[len(_trim_url(url)) :]

    return _URL_RE.sub(keep_trailing, text)


def _trim_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def strip_hash_marks(text: str) -> str:
    """Turn ``#word`` into ``word`` so running text never carries hashtags of its own."""
    return _HASH_MARK_RE.sub("", text)


def tidy_inline(text: str) -> str:
    """NFC, no hashtag marks, single line, single spaces (URLs are kept)."""
    return one_line(strip_hash_marks(nfc(text)))


def clean_inline(text: str) -> str:
    """Like ``tidy_inline`` but also without URLs: text fit to reuse in a post."""
    text = tidy_inline(remove_urls(nfc(text)))
    text = re.sub(r" +([,.;:])(?=\s|$)", r"\1", text)
    return text.strip(" -–—:|")


def has_url(text: str) -> bool:
    """True if ``text`` contains a URL."""
    return _URL_RE.search(text) is not None


_NO_SPACE_RE = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _NO_SPACE_RANGES) + "]")


def is_no_space_char(char: str) -> bool:
    """True for characters of scripts written without spaces between words (CJK, Thai...)."""
    return _NO_SPACE_RE.match(char) is not None


def has_no_space_chars(text: str) -> bool:
    """True if ``text`` contains characters of a script written without spaces."""
    return _NO_SPACE_RE.search(text) is not None


def is_emoji(grapheme: str) -> bool:
    """True if the grapheme is (or contains) an emoji, a flag, a keycap or an emoji sequence."""
    for char in grapheme:
        code = ord(char)
        if code in _EMOJI_SINGLES or 0x1F1E6 <= code <= 0x1F1FF:
            return True
        if any(low <= code <= high for low, high in _EMOJI_RANGES):
            return True
    return False


def remove_emoji(text: str) -> str:
    """Remove every emoji grapheme from ``text`` and tidy the spaces left behind."""
    kept = [g for g in grapheme_split(text) if not is_emoji(g)]
    return collapse_spaces("".join(kept))


def neutral(text: str) -> str:
    """Tone ``text`` down for places that dislike marketing: no emoji, no ``!``, no hashtags."""
    text = strip_hash_marks(remove_emoji(text))
    text = re.sub(r"\?[!！]+|[!！]+\?", "?", text)
    text = re.sub(r"[!！]+(\s*)$", r"\1", text)
    text = re.sub(r"！+", "。", text)
    text = re.sub(r"!+", ".", text)
    text = text.replace("¡", "")
    return collapse_spaces(text)


def join_sentences(sentences: Iterable[str]) -> str:
    """Join sentences with a space, or with nothing between sentences of no-space scripts
    ("東京です。" + "雨です。" -> "東京です。雨です。")."""
    text = ""
    for sentence in sentences:
        if text and not (is_no_space_char(text[-1]) and is_no_space_char(sentence[0])):
            text += " "
        text += sentence
    return text


def space_after(text: str) -> str:
    """The separator to put after ``text`` on the same line: "" after full-width (CJK)
    punctuation such as "：", else a space."""
    return "" if text and is_no_space_char(text[-1]) else " "


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at ``. ! ? …`` (followed by a space), ``。！？`` and ``؟ ۔ ।``.

    Common abbreviations ("e.g.", "Dr.", "z.B.") do not end a sentence. Line breaks do.
    """
    sentences: list[str] = []
    for line in text.split("\n"):
        start = 0
        for match in _SENTENCE_END_RE.finditer(line):
            if _is_abbreviation(line, match.start()):
                continue
            sentences.append(line[start : match.end()])
            start = match.end()
        sentences.append(line[start:])
    return [s.strip() for s in sentences if s.strip()]


def _is_abbreviation(line: str, dot: int) -> bool:
    if line[dot] != ".":
        return False
    word = line[:dot].rsplit(None, 1)[-1] if line[:dot].strip() else ""
    if word.isdigit():  # "to 6. So ..." ends a sentence; "am 15. März" (a German date) does not
        following = line[dot + 1 :].split(None, 1)
        return bool(following) and following[0].casefold().strip(",.") in _MONTHS
    return (len(word) == 1 and word.isalpha()) or "." in word or word.casefold() in _ABBREVIATIONS


@dataclass(frozen=True)
class Cut:
    """A place where ``text`` may be cut: keep ``text[:offset]``, add an ellipsis if ``ellipsis``."""

    offset: int
    ellipsis: bool


def cut_points(text: str) -> list[Cut]:
    """All safe places to cut ``text``, shortest first, the full text last.

    A cut is at a grapheme boundary and at one of: the end of a sentence (no ellipsis
    needed), the start of a run of whitespace, a boundary next to a no-space-script
    character, or inside a word longer than ``LONG_WORD`` graphemes.
    """
    offsets = list(grapheme_offsets(text))
    boundaries = set(offsets)
    cuts: dict[int, bool] = {}

    def add(offset: int, ellipsis: bool) -> None:
        if 0 < offset < len(text) and offset in boundaries:
            cuts[offset] = cuts.get(offset, True) and ellipsis

    for match in _SENTENCE_END_RE.finditer(text):
        if not _is_abbreviation(text, match.start()):
            add(match.end(), False)
    for index in range(1, len(text)):
        if text[index].isspace() and not text[index - 1].isspace():
            add(index, True)
    if has_no_space_chars(text):
        for offset in offsets[1:-1]:
            if is_no_space_char(text[offset - 1]) or is_no_space_char(text[offset]):
                add(offset, True)
    for start, end in _long_words(text):
        for offset in offsets[bisect_right(offsets, start) : bisect_left(offsets, end)]:
            add(offset, True)
    result = [Cut(offset, cuts[offset]) for offset in sorted(cuts)]
    result.append(Cut(len(text), False))
    return result


def _long_words(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"\S+", text):
        if grapheme_len(match.group()) > LONG_WORD:
            spans.append((match.start(), match.end()))
    return spans


def apply_cut(text: str, cut: Cut) -> str:
    """The text kept by ``cut``: the prefix without dangling separators, plus an ellipsis."""
    if cut.offset >= len(text):
        return text
    kept = text[: cut.offset].rstrip(_CUT_STRIP)
    if not any(unicodedata.category(ch)[0] not in "PZC" for ch in kept):
        return ""
    return kept + ELLIPSIS if cut.ellipsis else kept


class Shortener:
    """Cut one text at safe boundaries; find the longest cut that satisfies a test."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cuts = cut_points(text)
        self._offsets = list(grapheme_offsets(text))

    def graphemes_kept(self, cut: Cut) -> int:
        """How many graphemes of the original text ``cut`` keeps."""
        return bisect_left(self._offsets, cut.offset)

    def longest(self, accept: Callable[[str], bool], min_graphemes: int = 0) -> str | None:
        """The longest non-empty cut keeping at least ``min_graphemes`` that ``accept`` allows,
        or a shorter cut at a sentence end if that keeps ``SENTENCE_PREFERENCE`` of it.

        Assumes that a longer cut is never accepted when a shorter one is refused (binary
        search); the returned text was checked with ``accept``. None if no cut is accepted.
        """
        candidates = [c for c in self.cuts if self.graphemes_kept(c) >= min_graphemes]
        low, high, best = 0, len(candidates) - 1, -1
        while low <= high:
            middle = (low + high) // 2
            candidate = apply_cut(self.text, candidates[middle])
            if not candidate or accept(candidate):
                best = middle if candidate else best
                low = middle + 1
            else:
                high = middle - 1
        if best < 0:
            return None
        return self._prefer_sentence_end(candidates, best, accept)

    def _prefer_sentence_end(self, candidates: list[Cut], best: int, accept: Callable[[str], bool]) -> str:
        found = candidates[best]
        if found.ellipsis:
            enough = self.graphemes_kept(found) * SENTENCE_PREFERENCE
            for cut in reversed(candidates[:best]):
                if self.graphemes_kept(cut) < enough:
                    break
                text = apply_cut(self.text, cut)
                if not cut.ellipsis and text and accept(text):
                    return text
        return apply_cut(self.text, found)


def shorten(text: str, max_graphemes: int) -> str:
    """Return ``text`` if it has at most ``max_graphemes`` graphemes, else its longest safe cut
    that does (the ellipsis included); empty if no safe cut is short enough."""
    if grapheme_len(text) <= max_graphemes:
        return text
    found = Shortener(text).longest(lambda t: grapheme_len(t) <= max_graphemes)
    return found or ""
