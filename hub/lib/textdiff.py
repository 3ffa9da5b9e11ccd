"""A readable side-by-side diff of two texts, with changed words marked inside changed lines."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# Runs of space, words, and single punctuation marks: the units of a word-level diff or merge.
TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclass(frozen=True)
class Row:
    kind: str  # "same", "changed", "added", "removed"
    old: list[Segment] | None
    new: list[Segment] | None
    old_no: int | None
    new_no: int | None


def _words(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            left.append(Segment("".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            right.append(Segment("".join(b[j1:j2]), tag != "equal"))
    return left, right


def diff(old: str, new: str, context: int | None = 3) -> list[Row]:
    """Rows comparing ``old`` and ``new`` line by line. With ``context``, unchanged runs longer
    than that are folded into a single ``fold`` row."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                rows.append(
                    Row("same", [Segment(a[i1 + k], False)], [Segment(b[j1 + k], False)], i1 + k + 1, j1 + k + 1)
                )
        elif tag == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                oi, nj = i1 + k, j1 + k
                if oi < i2 and nj < j2:
                    left, right = _words(a[oi], b[nj])
                    rows.append(Row("changed", left, right, oi + 1, nj + 1))
                elif oi < i2:
                    rows.append(Row("removed", [Segment(a[oi], True)], None, oi + 1, None))
                else:
                    rows.append(Row("added", None, [Segment(b[nj], True)], None, nj + 1))
        elif tag == "delete":
            rows.extend(Row("removed", [Segment(a[k], True)], None, k + 1, None) for k in range(i1, i2))
        else:
            rows.extend(Row("added", None, [Segment(b[k], True)], None, k + 1) for k in range(j1, j2))
    return _fold(rows, context) if context is not None else rows


def _fold(rows: list[Row], context: int) -> list[Row]:
    keep = [False] * len(rows)
    for i, row in enumerate(rows):
        if row.kind != "same":
            for k in range(max(0, i - context), min(len(rows), i + context + 1)):
                keep[k] = True
    out: list[Row] = []
    hidden = 0
    for row, k in zip(rows, keep, strict=True):
        if k:
            if hidden:
                out.append(Row("fold", [Segment(f"{hidden} unchanged lines", False)], None, None, None))
                hidden = 0
            out.append(row)
        else:
            hidden += 1
    if hidden and out:
        out.append(Row("fold", [Segment(f"{hidden} unchanged lines", False)], None, None, None))
    return out or rows[:0]


def has_changes(rows: list[Row]) -> bool:
    return any(r.kind not in {"same", "fold"} for r in rows)
