"""hub.lib.text."""

from __future__ import annotations

from hub.lib.text import fold


def test_fold_compares_what_people_typed():
    assert fold("  Sales\tTEAM \n") == fold("sales team") == "sales team"
    assert fold(None) == ""
    assert fold("Straße") == fold("STRASSE")
