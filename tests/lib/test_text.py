"""hub.lib.text."""

from __future__ import annotations

import re

import pytest

from hub.lib.text import fold, slugify


def test_fold_compares_what_people_typed():
    assert fold("  Sales\tTEAM \n") == fold("sales team") == "sales team"
    assert fold(None) == ""
    assert fold("Straße") == fold("STRASSE")


def _slow_slugify(value: str, max_length: int = 80) -> str:
    """slugify without its ASCII fast path: every title through the Unicode steps."""
    import unicodedata

    value = unicodedata.normalize("NFKC", value or "").casefold()
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_try = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    slug = re.sub(r"[^\w]+", "-", ascii_try, flags=re.UNICODE).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug.replace("_", "-"))[:max_length].strip("-")
    return slug or "post"


@pytest.mark.parametrize("title", ["Hello World", "  --Rust_notes__ 2026!! ", "A" * 120, "", "\x00\x1f\x7f tabs\tand\nlines",
                                   "C++ & Go: why?", "Åsa Öberg", "東京の開発者", "Straße ﬁne", "e\u0301cole"])
def test_slugify_ascii_fast_path_gives_the_same_slugs(title):
    assert slugify(title) == _slow_slugify(title)
    assert slugify(title, 10) == _slow_slugify(title, 10)
