"""Assemble a share text from parts so that it fits a length test.

A draft is a list of ``Part``s in reading order. Parts are kept or lost in this order:

1. Required parts (fixed phrases, the URL, the disclosure) must fit together. If they do
   not, the disclosure is skipped, then the phrases, then the URL (each noted).
2. The shrinkable part (at most one per draft, the main line) is cut at safe boundaries,
   but keeps at least its ``min_keep`` graphemes.
3. Droppable parts go, lowest ``drop_rank`` first, and step 2 is tried again each time.
4. Finally the shrinkable part may be cut down to nothing.

So the disclosure is dropped only when it cannot fit even alone with the URL and phrases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from hub.rewrite.text import Shortener, is_no_space_char

Role = Literal["content", "own", "phrase", "url", "hashtag", "disclosure"]
"""``own``: the person's own words, kept whole unless they cannot fit with the link at all."""


@dataclass(frozen=True)
class Part:
    """A piece of a share text.

    ``sep`` goes before the part (ignored for the first part kept); parts of the same
    ``group`` that end up next to each other share a line, joined by one space.
    """

    text: str
    role: Role = "content"
    sep: str = "\n\n"
    group: str | None = None
    drop_rank: int | None = None
    shrink: bool = False
    min_keep: int = 0


@dataclass(frozen=True)
class Fitted:
    """The assembled text, the parts it kept, and notes on what had to be left out."""

    text: str
    parts: tuple[Part, ...]
    notes: tuple[str, ...]

    def has(self, role: Role) -> bool:
        """True if a part with ``role`` made it into the text."""
        return any(part.role == role for part in self.parts)


def join_parts(parts: Sequence[Part]) -> str:
    """The text of ``parts`` with their separators."""
    pieces: list[str] = []
    previous: Part | None = None
    for part in parts:
        if not part.text:
            continue
        if previous is not None:
            same_line = part.group is not None and part.group == previous.group
            sep = " " if same_line else part.sep
            if sep == " " and is_no_space_char(previous.text[-1]) and is_no_space_char(part.text[0]):
                sep = ""  # "東京に来ました。" + "雨でした。": no space between sentences of CJK scripts
            elif sep == " " and part.role == previous.role == "content" and not _ends_sentence(previous.text):
                sep = "\n"  # after a quote's attribution or a heading, the next sentence starts a line
            pieces.append(sep)
        pieces.append(part.text)
        previous = part
    return "".join(pieces)


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"'”’»)]」』）")[-1:] in ".!?…。！？؟:"


def fit(parts: Sequence[Part], fits: Callable[[str], bool]) -> Fitted:
    """Assemble ``parts`` into the longest text ``fits`` accepts, following the module's order.

    ``fits`` must be monotonic enough: adding text never makes a refused text acceptable.
    """
    active = [part for part in parts if part.text]
    active, cut_own = _own_words_first(active, fits)
    active, notes = _fit_required(active, fits)
    notes = (["own_words_cut"] if cut_own else []) + notes
    while True:
        found = _shrink(active, fits, use_min_keep=True)
        if found is not None:
            return Fitted(join_parts(found), tuple(found), tuple(notes))
        droppable = [(p.drop_rank, -i) for i, p in enumerate(active) if p.drop_rank is not None]
        if not droppable:
            break
        _, minus_position = min(droppable)  # lowest rank; the later part among equals
        del active[-minus_position]
    found = _shrink(active, fits, use_min_keep=False)
    if found is None:
        found = [part for part in active if not part.shrink]
    return Fitted(join_parts(found), tuple(found), tuple(notes))


def _own_words_first(parts: list[Part], fits: Callable[[str], bool]) -> tuple[list[Part], bool]:
    """The person's own words are never cut while they fit with the link and the fixed
    phrases. When they do not (words longer than a platform allows), they become the part
    that is cut, and the key point becomes droppable."""
    own = next((i for i, p in enumerate(parts) if p.role == "own"), None)
    if own is None:
        return parts, False
    required = [p for p in parts if p.role in ("own", "phrase", "url")]
    if fits(join_parts(required)):
        return parts, False
    changed = [
        replace(p, shrink=True, min_keep=0) if i == own
        else replace(p, shrink=False, drop_rank=50) if p.shrink
        else p
        for i, p in enumerate(parts)
    ]
    return changed, True


def _fit_required(parts: list[Part], fits: Callable[[str], bool]) -> tuple[list[Part], list[str]]:
    notes: list[str] = []
    for role, note in (("disclosure", "disclosure_skipped"), ("phrase", "phrases_skipped"), ("url", "url_too_long")):
        required = [p for p in parts if p.drop_rank is None and not p.shrink]
        if fits(join_parts(required)):
            break
        if any(p.role == role for p in required):
            parts = [p for p in parts if p.role != role]
            notes.append(note)
    return parts, notes


def _shrink(parts: list[Part], fits: Callable[[str], bool], *, use_min_keep: bool) -> list[Part] | None:
    if fits(join_parts(parts)):
        return parts
    index = next((i for i, part in enumerate(parts) if part.shrink), None)
    if index is None:
        return None
    part = parts[index]

    def with_text(text: str) -> list[Part]:
        return parts[:index] + [replace(part, text=text)] + parts[index + 1 :]

    min_keep = part.min_keep if use_min_keep else 0
    text = Shortener(part.text).longest(lambda t: fits(join_parts(with_text(t))), min_keep)
    if text is not None:
        return with_text(text)
    if not use_min_keep:
        without = parts[:index] + parts[index + 1 :]
        return without if fits(join_parts(without)) else None
    return None
