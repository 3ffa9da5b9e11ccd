"""Slugs, excerpts and title cleaning."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = {c for c in range(0x20) if c not in (0x09,)} | {0x7F}
_NOT_WORD = re.compile(r"[^\w]+", flags=re.UNICODE)
_HYPHENS = re.compile(r"-{2,}")


def slugify(value: str, max_length: int = 80) -> str:
    """A lowercase ASCII-ish slug; letters of any script are kept, everything else becomes ``-``.

    Never empty: falls back to ``post``.
    """
    value = value or ""
    if value.isascii():  # the common case, and the same result: NFKC, NFKD and casefold are lower() on ASCII
        ascii_try = value.lower()
    else:
        value = unicodedata.normalize("NFKC", value).casefold()
        decomposed = unicodedata.normalize("NFKD", value)
        ascii_try = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    slug = _NOT_WORD.sub("-", ascii_try).strip("-_")
    slug = slug.replace("_", "-")
    slug = _HYPHENS.sub("-", slug)[:max_length].strip("-")
    return slug or "post"


def clean_title(value: str) -> str:
    """A title as stored: control characters (C0 including tab, DEL, and the line and paragraph
    separators) become spaces, since a title is one line. This is the one documented rule that
    changes what a person typed into a title; every other character is kept exactly."""
    out = []
    for ch in value or "":
        code = ord(ch)
        if code in _CONTROL or code == 0x09 or ch in "\u2028\u2029\x85":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def excerpt(plain: str, length: int = 200) -> str:
    """The first ``length`` characters of ``plain`` cut at a word boundary, with an ellipsis."""
    plain = " ".join(plain.split())
    if len(plain) <= length:
        return plain
    cut = plain[: length + 1]
    space = cut.rfind(" ")
    if space > length * 0.6:
        cut = cut[:space]
    else:
        cut = cut[:length]
    return cut.rstrip(" ,;:.-") + "…"


def fold(text: str | None) -> str:
    """``text`` single-spaced and case-folded: for comparing what people typed ("Sales  Team"
    and "sales team" are the same audience; a quote matches the post whatever its spacing)."""
    return " ".join((text or "").split()).casefold()
