"""CSV cells that a spreadsheet will not run as formulas."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from hub.lib.csvexport import safe_cell, to_csv


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), ("a=b", "a=b"), ("", ""), (None, ""), (42, "42"), (-3, "'-3"),
    (date(2025, 6, 1), "2025-06-01"),
    (datetime(2025, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))), "2025-06-01 10:00:00Z"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_to_csv_quotes_and_uses_crlf():
    assert to_csv(["a", "b"], [["x,y", 'say "hi"'], ["=cmd", None]]) == 'a,b\r\n"x,y","say ""hi"""\r\n\'=cmd,\r\n'
