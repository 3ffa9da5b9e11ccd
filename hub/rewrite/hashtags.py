"""Hashtags from free-form tags in any language, and finding hashtags in text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ugrapheme import grapheme_len

from hub.platforms import hashtag_spans

MAX_HASHTAG_GRAPHEMES = 50
_ZWNJ = "\u200c"
_APOSTROPHES_RE = re.compile("['’ʼ`´]")


def _words(text: str) -> list[str]:
    words: list[str] = []
    current: list[str] = []
    for char in text:
        if unicodedata.category(char)[0] in "LMN" or (char == _ZWNJ and current):
            current.append(char)
        elif current:
            words.append("".join(current).rstrip(_ZWNJ))
            current = []
    if current:
        words.append("".join(current).rstrip(_ZWNJ))
    return [w for w in words if w]


def _capitalize(word: str) -> str:
    if word != word.lower():
        return word
    first = word[0].upper()
    return (first if len(first) == 1 else word[0]) + word[1:]


def make_hashtag(tag: str) -> str | None:
    """Turn a tag into a hashtag that every platform accepts, or None if it cannot be one.

    Words are joined in CamelCase ("employee advocacy" -> "#EmployeeAdvocacy"; words that
    already mix cases are kept, "iOS tips" -> "#iOSTips"). Apostrophes vanish, other
    punctuation, symbols and emoji separate words. Letters, marks and digits of any script
    are kept ("#Göteborg", "#東京"). None when no letter is left (so never only digits) or
    the result is longer than ``MAX_HASHTAG_GRAPHEMES``.
    """
    text = _APOSTROPHES_RE.sub("", unicodedata.normalize("NFC", tag))
    name = "".join(_capitalize(word) for word in _words(text))
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        return None
    if grapheme_len(name) > MAX_HASHTAG_GRAPHEMES:
        return None
    return "#" + name


def merge_hashtags(*groups: Iterable[str]) -> tuple[str, ...]:
    """Hashtags from several groups of tags, in order, without duplicates (case-insensitive)."""
    seen: set[str] = set()
    merged: list[str] = []
    for group in groups:
        for tag in group:
            hashtag = make_hashtag(tag)
            if hashtag and hashtag.casefold() not in seen:
                seen.add(hashtag.casefold())
                merged.append(hashtag)
    return tuple(merged)


def find_hashtags(text: str) -> list[str]:
    """The hashtags in ``text`` with their ``#``, as platforms link them: the one rule of
    ``hub.platforms.hashtag_spans`` (``C#`` and ``#2024`` are not hashtags)."""
    return [text[start:end] for start, end in hashtag_spans(text)]


def split_camel_case(hashtag: str) -> str:
    """``#IWorkAtAcme`` -> ``I Work At Acme``: a hashtag as words, for places without hashtags."""
    name = hashtag.lstrip("#＃")
    words: list[str] = []
    current = ""
    for index, char in enumerate(name):
        next_char = name[index + 1] if index + 1 < len(name) else ""
        boundary = current and char.isupper() and (
            current[-1].islower() or current[-1].isdigit() or (next_char.islower() and current[-1].isupper())
        )
        if char == "_" or boundary:
            if current:
                words.append(current)
            current = "" if char == "_" else char
        else:
            current += char
    if current:
        words.append(current)
    return " ".join(words)


def dehashtag(text: str) -> str:
    """Replace every hashtag in ``text`` by its words (see ``split_camel_case``); a text of
    only hashtags becomes a list: ``"#ad #IWorkAtAcme"`` -> ``"Ad, I Work At Acme"``."""
    hashtags = find_hashtags(text)
    if hashtags and " ".join(hashtags) == " ".join(text.split()):
        words = (split_camel_case(tag) for tag in hashtags)
        return ", ".join(w[:1].upper() + w[1:] for w in words)
    for hashtag in sorted(set(hashtags), key=len, reverse=True):
        text = text.replace(hashtag, split_camel_case(hashtag))
    return text
