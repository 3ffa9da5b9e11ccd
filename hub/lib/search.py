"""Turning text into search terms, the same way for indexing and for queries."""

from __future__ import annotations

import re
import unicodedata

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERM = 64


def terms(text: str) -> list[str]:
    """Search terms of ``text``: case-folded, NFKC words; runs of CJK characters (written
    without spaces) become overlapping two-character terms, and single characters alone."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    out: list[str] = []
    for run in _CJK.findall(text):
        if len(run) == 1:
            out.append(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    for word in _WORD.findall(_CJK.sub(" ", text)):
        word = word.strip("_")
        if word:
            out.append(word[:MAX_TERM])
    return out


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (for range scans)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
