"""The near-duplicate guard: how alike two share texts are, ignoring links, tags and styling.

Measure
    Both texts are normalized: Unicode NFKC, case-folded, URLs (``scheme://``, ``www.``
    and bare ``domain.tld/path``), hashtags and @mentions (also ``@user@domain``) removed,
    punctuation, symbols and emoji turned into spaces. The rest is split into tokens: words
    for scripts that use spaces, single characters for scripts that do not (Chinese,
    Japanese, Thai...), so CJK text is compared as character n-grams. Each text becomes
    the set of its token 3-shingles (runs of three consecutive tokens), and the score is
    the Jaccard index of the two sets: shared shingles / all distinct shingles, in [0, 1].

    Short texts use shorter shingles (2 or 1 tokens) when either text has fewer than three
    tokens. Two texts with no tokens at all (only links, tags, emoji) count as identical
    (1.0); one empty and one non-empty text score 0.0.

Identical and near
    1.0 means the same runs of words (in practice the same words in the same order): the
    texts differ at most in links, hashtags, mentions, case, punctuation, emoji or spacing.
    ``NEAR_DUPLICATE_THRESHOLD`` (0.5) and above means near-identical.

Why 0.5
    Changing one word removes up to three shingles and adds up to three. A copied text of
    30 words with one word changed scores 0.81, with three words changed 0.51, with a
    sentence a third as long appended 0.74: copies with light edits stay at or above 0.5,
    while four or more scattered changes per 30 words (0.40) count as the person's own.
    Two rewrites that share only the post's title, a quoted sentence or a fixed phrase,
    but otherwise use their own words, score well below (typically 0.1-0.35). Jaccard,
    not containment, is used so a short text that quotes the title of a long one is not
    flagged: quoting is fine, copying is not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TypeVar

from hub.rewrite.hashtags import find_hashtags
from hub.rewrite.text import has_no_space_chars, is_no_space_char, remove_urls

NEAR_DUPLICATE_THRESHOLD = 0.5
SHINGLE_SIZE = 3

_BARE_LINK_RE = re.compile(r"\b[\w-]+(?:\.[\w-]+)+/\S*")
_MENTION_RE = re.compile(r"(?<!\w)@\w+(?:@[\w.-]+)?")


def normalize(text: str) -> str:
    """The text as compared: NFKC, case-folded, without URLs, hashtags, mentions,
    punctuation, symbols or emoji, with single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = remove_urls(text)
    text = _BARE_LINK_RE.sub(" ", text)
    for hashtag in sorted(set(find_hashtags(text)), key=len, reverse=True):
        text = text.replace(hashtag, " ")
    text = _MENTION_RE.sub(" ", text)
    return " ".join("".join(map(_letter_or_space, text)).split())


@lru_cache(maxsize=4096)
def _letter_or_space(char: str) -> str:
    """Letters, marks and digits stay; punctuation, symbols, emoji, controls become spaces."""
    return char if unicodedata.category(char)[0] in "LMN" else " "


def tokens(text: str) -> list[str]:
    """Tokens of the normalized text: words, and single characters of no-space scripts."""
    result: list[str] = []
    for word in normalize(text).split():
        if not has_no_space_chars(word):
            result.append(word)
            continue
        run = ""
        for char in word:
            if is_no_space_char(char):
                if run:
                    result.append(run)
                    run = ""
                result.append(char)
            elif unicodedata.category(char).startswith("M") and result and not run:
                result[-1] += char
            else:
                run += char
        if run:
            result.append(run)
    return result


def _shingles(items: Sequence[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(items[i : i + size]) for i in range(len(items) - size + 1)}


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0.0 (nothing in common) to 1.0 (same words, same order).

    Jaccard index of token 3-shingles after normalization (see the module docstring):
    links, hashtags, mentions, case, punctuation and emoji do not count. Symmetric;
    ``similarity(a, a) == 1.0``.
    """
    return token_similarity(tokens(a), tokens(b))


def is_near_duplicate(a: str, b: str, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> bool:
    """True if ``similarity(a, b)`` reaches ``threshold``."""
    return similarity(a, b) >= threshold


def without(text: str, ignore: Iterable[str]) -> str:
    """``text`` with every occurrence of each string in ``ignore`` removed (longest first)."""
    for fixed in sorted({i for i in ignore if i}, key=len, reverse=True):
        text = text.replace(fixed, " ")
    return text


K = TypeVar("K")  # what names a text: a platform id, a person's id...


def similar_pairs(
    texts: Mapping[K, str],
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
    *,
    ignore: Iterable[str] = (),
) -> list[tuple[K, K, float]]:
    """Every pair of keys whose texts score at least ``threshold``, as ``(key1, key2, score)``.

    ``key1`` comes before ``key2`` in the mapping's order; pairs are sorted by score, highest
    first, then by that order; scores are rounded to 4 decimals. Strings in ``ignore`` (e.g.
    the company disclosure, the same everywhere by design) are removed before comparing.
    """
    ignore = tuple(ignore)
    keys = list(texts)
    token_lists = {key: tokens(without(texts[key], ignore)) for key in keys}
    pairs: list[tuple[int, int, float]] = []
    for i, first in enumerate(keys):
        for j in range(i + 1, len(keys)):
            score = token_similarity(token_lists[first], token_lists[keys[j]])
            if score >= threshold:
                pairs.append((i, j, round(score, 4)))
    pairs.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return [(keys[i], keys[j], score) for i, j, score in pairs]


class Compared:
    """A text made ready for many comparisons: its tokens and its 3-shingles, computed once
    (``compared(text)`` keeps the last few thousand in this process, so colleagues' saved texts
    are not tokenized again on every share page)."""

    __slots__ = ("tokens", "shingles")

    def __init__(self, text: str) -> None:
        self.tokens = tuple(tokens(text))
        self.shingles = frozenset(_shingles(self.tokens, SHINGLE_SIZE))

    def similarity(self, other: Compared) -> float:
        """``similarity`` of the two texts (the same figure, without tokenizing again)."""
        if len(self.tokens) < SHINGLE_SIZE or len(other.tokens) < SHINGLE_SIZE:
            return token_similarity(self.tokens, other.tokens)
        shared = len(self.shingles & other.shingles)
        return shared / (len(self.shingles) + len(other.shingles) - shared)  # |A & B| / |A | B|


@lru_cache(maxsize=2048)
def compared(text: str) -> Compared:
    """``Compared(text)``, cached in this process (texts are immutable, so the key says it all)."""
    return Compared(text)


def token_similarity(tokens_a: Sequence[str], tokens_b: Sequence[str]) -> float:
    """``similarity`` on already tokenized texts (see ``tokens``)."""
    if not tokens_a or not tokens_b:
        return 1.0 if list(tokens_a) == list(tokens_b) else 0.0
    size = min(SHINGLE_SIZE, len(tokens_a), len(tokens_b))
    shingles_a, shingles_b = _shingles(tokens_a, size), _shingles(tokens_b, size)
    return len(shingles_a & shingles_b) / len(shingles_a | shingles_b)
