"""Three-way merge: one-sided changes are taken, overlapping different changes conflict."""

from __future__ import annotations

import pytest

from hub.lib.merge import MARK_OURS, MARK_SEP, MARK_THEIRS, has_markers, merge_text, merge_words

BASE = "Intro line.\n\nMiddle paragraph.\n\nClosing line.\n"


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        (BASE, BASE, BASE),  # nobody changed anything
        (BASE, BASE.replace("Middle", "Central"), BASE.replace("Middle", "Central")),  # only the suggestion
        (BASE.replace("Intro", "Opening"), BASE, BASE.replace("Intro", "Opening")),  # only the author
        # both, in different places
        (BASE.replace("Intro", "Opening"), BASE.replace("Closing", "Final"), "Opening line.\n\nMiddle paragraph.\n\nFinal line.\n"),
        # both made the same change
        (BASE.replace("Middle", "Central"), BASE.replace("Middle", "Central"), BASE.replace("Middle", "Central")),
        # the author added a paragraph at the top, the suggestion fixed the end
        ("New first.\n\n" + BASE, BASE.replace("Closing", "Final"), "New first.\n\n" + BASE.replace("Closing", "Final")),
        # one deleted a paragraph, the other changed another one
        (BASE.replace("Middle paragraph.\n\n", ""), BASE.replace("Intro", "Opening"), "Opening line.\n\nClosing line.\n"),
    ],
)
def test_clean_merges(ours, theirs, expected):
    result = merge_text(BASE, ours, theirs)
    assert result.clean and result.text == expected


def test_adjacent_lines_merge_word_by_word():
    base = "alpha\nbeta\n"
    assert merge_text(base, "alpha one\nbeta\n", "alpha\nbeta two\n").text == "alpha one\nbeta two\n"


def test_different_sentences_of_one_long_paragraph_merge():
    base = "We ship on Fridy. Our team is small. Tests run for ten minutes.\n"
    ours = "We ship on Fridy. Our team is small and calm. Tests run for ten minutes.\n"
    theirs = "We ship on Friday. Our team is small. Tests run for ten minutes.\n"
    result = merge_text(base, ours, theirs)
    assert result.clean
    assert result.text == "We ship on Friday. Our team is small and calm. Tests run for ten minutes.\n"


def test_same_region_changed_differently_is_a_conflict_with_markers():
    ours = BASE.replace("Middle paragraph.", "The author's middle.")
    theirs = BASE.replace("Middle paragraph.", "The colleague's middle.")
    result = merge_text(BASE, ours, theirs)
    assert result.conflicts == 1 and not result.clean
    assert result.text == (
        "Intro line.\n\n"
        f"{MARK_OURS}\nThe author's middle.\n{MARK_SEP}\nThe colleague's middle.\n{MARK_THEIRS}\n"
        "\nClosing line.\n"
    )
    assert has_markers(result.text)
    assert not has_markers(BASE) and not has_markers("a ======= b")


def test_two_separate_conflicts_are_counted():
    base = "one\n\ntwo\n\nthree\n"
    result = merge_text(base, "uno\n\ntwo\n\ntres\n", "eins\n\ntwo\n\ndrei\n")
    assert result.conflicts == 2
    assert result.text.count(MARK_OURS) == 2


def test_edit_against_deleted_region_conflicts():
    result = merge_text(BASE, BASE.replace("Middle paragraph.\n\n", ""), BASE.replace("Middle", "Central"))
    assert result.conflicts == 1
    assert "Central paragraph." in result.text


def test_missing_final_newline_and_empty_texts():
    assert merge_text("", "", "new text").text == "new text"
    assert merge_text("a\nb", "a\nb", "a\nc").text == "a\nc"
    assert merge_text("a\nb", "z\nb", "a\nc").text == "z\nc"
    assert merge_text("same", "", "").text == ""


@pytest.mark.parametrize(
    ("ours", "theirs", "expected", "conflicts"),
    [
        ("What we learned", "What we learnt", "What we learnt", 0),
        ("What I learned", "What we learnt", "What I learnt", 0),
        ("What they learned", "What you learned", "What they learned", 1),  # keeps the current title
    ],
)
def test_merge_words_for_titles(ours, theirs, expected, conflicts):
    result = merge_words("What we learned", ours, theirs)
    assert (result.text, result.conflicts) == (expected, conflicts)


def test_unicode_words():
    base = "Grüße aus Köln, wir sind da."
    result = merge_words(base, "Grüße aus Köln, wir sind hier.", "Viele Grüße aus Köln, wir sind da.")
    assert result.text == "Viele Grüße aus Köln, wir sind hier."
