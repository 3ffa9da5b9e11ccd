"""Time helpers: local date-times in a named IANA zone, and RFC 3339 output."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

UTC_ZONE = ZoneInfo("UTC")

#: The calendar hub accepts from people: wide enough for any real date, narrow enough that a day
#: more, a day less or a year's range around it never leaves Python's calendar (0001-01-01 to
#: 9999-12-31), where ``day + timedelta(days=1)`` would raise OverflowError.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)


def parse_day(value: str | None) -> date | None:
    """``YYYY-MM-DD`` as a date from ``FIRST_DAY`` to ``LAST_DAY``; None if unreadable or outside."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


class NonexistentLocalTime(ValueError):
    """A wall-clock time the zone skips (clocks go forward over it), e.g. 02:30 in Stockholm on
    the last Sunday of March."""


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_named(name: str | None) -> ZoneInfo | None:
    """The IANA zone called ``name`` (``"Europe/Stockholm"``), or None when it is no known zone."""
    name = (name or "").strip()
    if not name or name not in _known_zones():
        return None
    return ZoneInfo(name)


def parse_local(value: str, zone: ZoneInfo) -> datetime | None:
    """An aware UTC datetime from a browser's ``datetime-local`` value, read as wall-clock time
    in ``zone`` on that date (so a date across a daylight-saving change gets that date's offset).

    None if the value is unreadable. A time that happens twice (clocks go back) is its first
    occurrence (``fold=0``); a time that never happens raises NonexistentLocalTime. A value
    that carries its own offset is taken as it is."""
    try:
        naive = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    local = naive.replace(tzinfo=zone, fold=0)
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.key}")
    return utc


def iso(dt: datetime) -> str:
    """RFC 3339 in UTC, for feeds and machine-readable dates."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
