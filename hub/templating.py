"""Template filters and globals."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, current_app

from hub.lib.timeutil import iso


def _date(value: date | datetime | None, fmt: str = "%d %b %Y") -> str:
    """A date (or a datetime, shown in UTC) as e.g. 24 Nov 2026."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    return value.strftime(fmt) if value else ""


def _datetime(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC") if value else ""


def init_app(app: Flask) -> None:
    """Register ``date``, ``datetime`` and ``iso`` filters and the site globals."""
    app.add_template_filter(_date, "date")
    app.add_template_filter(_datetime, "datetime")
    app.add_template_filter(lambda v: iso(v) if v else "", "iso")

    @app.context_processor
    def _site() -> dict[str, object]:
        return {"site_name": current_app.config["SITE_NAME"], "site_tagline": current_app.config["SITE_TAGLINE"],
                "base_url": current_app.config["BASE_URL"]}
