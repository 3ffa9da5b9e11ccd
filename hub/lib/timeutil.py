"""Time helpers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def parse_local(value: str, offset_minutes: int | None) -> datetime | None:
    """An aware UTC datetime from a browser's ``datetime-local`` value and its
    ``Date.getTimezoneOffset()`` (minutes, UTC minus local); no offset means UTC. None if unreadable."""
    try:
        naive = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive.astimezone(timezone.utc)
    return (naive + timedelta(minutes=offset_minutes or 0)).replace(tzinfo=timezone.utc)


def iso(dt: datetime) -> str:
    """RFC 3339 in UTC, for feeds and machine-readable dates."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
