"""CSV files that are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as text a spreadsheet will not run: a cell starting with ``= + - @``, a tab or
    a carriage return gets a leading ``'`` (OWASP's advice against CSV formula injection).
    Dates are ISO 8601; aware datetimes are given in UTC; None is empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if value.tzinfo else value.isoformat()
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV document (RFC 4180, CRLF line ends) with every cell passed through ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
