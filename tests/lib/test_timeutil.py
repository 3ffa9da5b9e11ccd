"""Local date-times in a named zone: each date gets its own offset across daylight-saving changes.

Dates are in 2098 so that they stay in the future; in 2098 Europe/Stockholm changes on Sunday
30 March (02:00 -> 03:00) and Sunday 26 October (03:00 -> 02:00), America/New_York on Sunday
9 March (02:00 -> 03:00) and Sunday 2 November (02:00 -> 01:00)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hub.lib.timeutil import UTC_ZONE, NonexistentLocalTime, parse_local, zone_named

STOCKHOLM = zone_named("Europe/Stockholm")
NEW_YORK = zone_named("America/New_York")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("local", "zone", "expected"),
    [
        # either side of a change: each date's own offset, not the offset of the day it was typed
        ("2098-03-29T09:00", STOCKHOLM, "2098-03-29T08:00"),  # CET, +1
        ("2098-03-30T09:00", STOCKHOLM, "2098-03-30T07:00"),  # CEST, +2 (the change was at 02:00)
        ("2098-03-30T01:59", STOCKHOLM, "2098-03-30T00:59"),  # the last minute before the change
        ("2098-03-30T03:00", STOCKHOLM, "2098-03-30T01:00"),  # the first minute after it
        ("2098-10-25T09:00", STOCKHOLM, "2098-10-25T07:00"),  # CEST
        ("2098-10-27T09:00", STOCKHOLM, "2098-10-27T08:00"),  # CET again
        ("2098-03-08T09:00", NEW_YORK, "2098-03-08T14:00"),  # EST, -5
        ("2098-03-09T09:00", NEW_YORK, "2098-03-09T13:00"),  # EDT, -4
        ("2098-11-03T09:00", NEW_YORK, "2098-11-03T14:00"),  # EST again
        ("2098-07-01T12:00", UTC_ZONE, "2098-07-01T12:00"),
    ],
)
def test_local_time_uses_the_offset_of_its_own_date(local, zone, expected):
    assert parse_local(local, zone) == utc(expected)


@pytest.mark.parametrize(
    ("local", "zone", "expected"),
    [
        ("2098-10-26T02:30", STOCKHOLM, "2098-10-26T00:30"),  # 02:30 happens twice: the first, still CEST
        ("2098-11-02T01:30", NEW_YORK, "2098-11-02T05:30"),  # 01:30 happens twice: the first, still EDT
    ],
)
def test_a_time_that_happens_twice_is_its_first_occurrence(local, zone, expected):
    assert parse_local(local, zone) == utc(expected)


@pytest.mark.parametrize(
    ("local", "zone"),
    [
        ("2098-03-30T02:30", STOCKHOLM),  # clocks jump from 02:00 to 03:00
        ("2098-03-30T02:00", STOCKHOLM),
        ("2098-03-09T02:15", NEW_YORK),
    ],
)
def test_a_time_the_clocks_skip_is_refused(local, zone):
    with pytest.raises(NonexistentLocalTime):
        parse_local(local, zone)


@pytest.mark.parametrize("value", ["", "tomorrow", "2098-13-01T09:00", "2098-02-30T09:00"])
def test_unreadable_values_give_none(value):
    assert parse_local(value, STOCKHOLM) is None


def test_a_value_with_its_own_offset_is_taken_as_it_is():
    assert parse_local("2098-03-30T09:00+05:00", STOCKHOLM) == utc("2098-03-30T04:00")


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "Mars/Olympus_Mons",
        "../../etc/passwd",
        "/etc/localtime",
        "europe/stockholm",
        "Europe/Stockholm\x00",
        "x" * 200,
    ],
)
def test_zone_named_refuses_what_is_no_iana_zone(name):
    assert zone_named(name) is None


@pytest.mark.parametrize("name", ["Europe/Stockholm", "America/New_York", "Asia/Kolkata", "UTC"])
def test_zone_named_knows_iana_zones(name):
    zone = zone_named(name)
    assert zone is not None and zone.key == name
