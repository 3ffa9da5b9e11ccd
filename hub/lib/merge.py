"""Three-way merge of texts (diff3), for applying a suggestion written on an older revision.

``base`` is the text both sides started from, ``ours`` the text as it is now, ``theirs`` the
suggested text. Changes made on only one side are taken; identical changes on both sides are
taken once; different changes to the same region are a conflict. Multi-line texts are merged
line by line, and a conflicting run of lines is merged again word by word, so that edits to
different sentences of one Markdown paragraph (often one long line) still merge cleanly.
Single-line texts (titles) are merged word by word.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from hub.lib.textdiff import TOKEN

MARK_OURS = "<<<<<<< current text"
MARK_SEP = "======="
MARK_THEIRS = ">>>>>>> suggestion"


@dataclass(frozen=True)
class Merge:
    """The merged text; when ``conflicts`` is above zero, ``text`` carries conflict markers
    around each conflicting region (current text first, then the suggestion)."""

    text: str
    conflicts: int

    @property
    def clean(self) -> bool:
        return self.conflicts == 0


def has_markers(text: str) -> bool:
    """True when ``text`` still holds a conflict marker line written by :func:`merge_text`."""
    return any(line.startswith((MARK_OURS, MARK_THEIRS)) or line == MARK_SEP for line in (text or "").splitlines())


def _sync_regions(base: Sequence[str], a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int, int, int, int]]:
    """Regions of ``base`` that both ``a`` and ``b`` kept unchanged, as
    ``(base_start, base_end, a_start, a_end, b_start, b_end)``, ending with an empty sentinel."""
    amatches = difflib.SequenceMatcher(None, base, a, autojunk=False).get_matching_blocks()
    bmatches = difflib.SequenceMatcher(None, base, b, autojunk=False).get_matching_blocks()
    regions = []
    ia = ib = 0
    while ia < len(amatches) and ib < len(bmatches):
        abase, amatch, alen = amatches[ia]
        bbase, bmatch, blen = bmatches[ib]
        start, end = max(abase, bbase), min(abase + alen, bbase + blen)
        if start < end:
            asub, bsub = amatch + (start - abase), bmatch + (start - bbase)
            regions.append((start, end, asub, asub + (end - start), bsub, bsub + (end - start)))
        if abase + alen < bbase + blen:
            ia += 1
        else:
            ib += 1
    regions.append((len(base), len(base), len(a), len(a), len(b), len(b)))
    return regions


Chunk = tuple[str, Sequence[str], Sequence[str], Sequence[str]]


def _chunks(base: Sequence[str], a: Sequence[str], b: Sequence[str]) -> Iterator[Chunk]:
    """``("same", items, ...)`` for settled runs and ``("conflict", base, a, b)`` for runs both
    sides changed differently."""
    iz = ia = ib = 0
    for zstart, zend, astart, aend, bstart, bend in _sync_regions(base, a, b):
        zpart, apart, bpart = base[iz:zstart], a[ia:astart], b[ib:bstart]
        if apart or bpart:
            if apart == bpart:
                yield "same", apart, (), ()
            elif apart == zpart:
                yield "same", bpart, (), ()
            elif bpart == zpart:
                yield "same", apart, (), ()
            else:
                yield "conflict", zpart, apart, bpart
        if zend > zstart:
            yield "same", base[zstart:zend], (), ()
        iz, ia, ib = zend, aend, bend


def merge_words(base: str, ours: str, theirs: str) -> Merge:
    """Merge single-line texts word by word. A conflict keeps the current text as the result
    (there is no good place for markers inside a title) and counts the conflict."""
    split = TOKEN.findall
    out: list[str] = []
    conflicts = 0
    for kind, first, second, _third in _chunks(split(base or ""), split(ours or ""), split(theirs or "")):
        if kind == "same":
            out.extend(first)
        else:
            conflicts += 1
            out.extend(second)
    return Merge(ours if conflicts else "".join(out), conflicts)


def merge_text(base: str, ours: str, theirs: str) -> Merge:
    """Merge multi-line texts: by line, then by word inside each conflicting run of lines.
    What still conflicts is written between marker lines for a person to settle."""
    if ours == theirs or theirs == base:
        return Merge(ours, 0)
    if ours == base:
        return Merge(theirs, 0)
    split = lambda s: (s or "").splitlines(keepends=True)  # noqa: E731
    out: list[str] = []
    conflicts = 0
    for kind, zpart, apart, bpart in _chunks(split(base), split(ours), split(theirs)):
        if kind == "same":
            out.extend(zpart)
            continue
        words = merge_words("".join(zpart), "".join(apart), "".join(bpart))
        if words.clean:
            out.append(words.text)
            continue
        conflicts += 1
        out.append(_block(MARK_OURS, apart))
        out.append(_block(MARK_SEP, bpart))
        out.append(MARK_THEIRS + "\n")
    return Merge("".join(out), conflicts)


def _block(marker: str, lines: Sequence[str]) -> str:
    text = "".join(lines)
    if text and not text.endswith("\n"):
        text += "\n"
    return marker + "\n" + text
