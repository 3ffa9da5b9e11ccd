"""Server-rendered SVG charts: clicks over time, clicks by platform, per-post sparklines.

Plain functions of numbers and labels (no database) that return ``Markup``, their words and
dates in the person's language (hub.i18n; English outside a request). Every
piece of text is escaped here; colours come from CSS classes (the CSP allows no inline styles),
and each chart names itself for screen readers (``role="img"`` with a title and description;
the dashboard also shows the same numbers as a table).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date

from babel.dates import format_skeleton
from flask_babel import get_locale
from markupsafe import Markup, escape

from hub.i18n import _, _n


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that is at least ``value`` (and at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def short_date(day: date) -> str:
    """``3 May`` (day and month, the year is in the range shown above the chart); ``3 maj``,
    ``3. Mai`` in Swedish and German."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return f"{day.day} {day:%b}"
    return format_skeleton("dMMM", day, locale=locale)


def long_date(day: date) -> str:
    """``3 May 2026``; ``3 maj 2026``, ``3. Mai 2026`` in Swedish and German."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return f"{short_date(day)} {day.year}"
    return format_skeleton("yMMMd", day, locale=locale)


def _human_clicks(n: int) -> str:
    return _n("%(count)s human click", "%(count)s human clicks", n, count=format(n, ","))


def _link_previews(n: int) -> str:
    return _n("%(count)s link preview", "%(count)s link previews", n, count=format(n, ","))


def _previews(n: int) -> str:
    return _n("%(count)s preview", "%(count)s previews", n, count=format(n, ","))


def _id(value: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", value.lower())[:40] or "chart"


def _fmt(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def timeline(days: Sequence[date], human: Sequence[int], previews: Sequence[int], *, chart_id: str = "timeline",
             width: int = 720, height: int = 240) -> Markup:
    """Human clicks per day as bars and link previews as a line, with totals in the legend."""
    cid = _id(chart_id)
    n = len(days)
    total_h, total_p = sum(human), sum(previews)
    top = nice_ceiling(max([*human, *previews, 1]))
    left, right, upper, lower = 44, 10, 34, 26
    plot_w, plot_h = width - left - right, height - upper - lower
    slot = plot_w / max(n, 1)
    bar_w = max(slot * 0.7, 0.5)

    def y(v: float) -> float:
        return upper + plot_h - (v / top) * plot_h

    title = (_("Clicks over time, %(start)s to %(end)s", start=long_date(days[0]), end=long_date(days[-1])) if n
             else _("Clicks over time, no days"))
    desc = _("%(clicks)s and %(previews)s by bots, per day. Peak: %(peak)s human clicks on one day.",
             clicks=_human_clicks(total_h), previews=_link_previews(total_p), peak=format(max(human, default=0), ","))
    parts = [
        f'<svg class="chart chart-timeline" id="{cid}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]
    for tick in (0, top / 2, top):
        ty = y(tick)
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{width - right}" y1="{_fmt(ty)}" y2="{_fmt(ty)}"/>')
        parts.append(
            f'<text class="chart-tick" x="{left - 6}" y="{_fmt(ty + 4)}" text-anchor="end">{escape(_fmt(tick))}</text>'
        )
    points = []
    for i, day in enumerate(days):
        h, p = int(human[i]), int(previews[i])
        x = left + i * slot + (slot - bar_w) / 2
        tip = f"{long_date(day)}: {_human_clicks(h)}, {_link_previews(p)}"
        parts.append(
            f'<g class="chart-day" data-day="{day.isoformat()}" data-clicks="{h}" data-previews="{p}">'
            f"<title>{escape(tip)}</title>"
        )
        if h:
            parts.append(
                f'<rect class="chart-human" x="{_fmt(x)}" y="{_fmt(y(h))}" width="{_fmt(bar_w)}" '
                f'height="{_fmt(y(0) - y(h))}"/>'
            )
        # a transparent full-height target so the day's tooltip shows anywhere in its column
        parts.append(
            f'<rect class="chart-hit" x="{_fmt(left + i * slot)}" y="{upper}" width="{_fmt(slot)}" '
            f'height="{plot_h}"/></g>'
        )
        points.append(f"{_fmt(left + i * slot + slot / 2)},{_fmt(y(p))}")
    if total_p and points:
        parts.append(f'<polyline class="chart-preview" points="{" ".join(points)}"/>')
    label_every = max(1, math.ceil(n / 6))
    labelled = [i for i in range(0, n, label_every) if i == 0 or n - 1 - i >= label_every / 2]
    if n > 1:
        labelled.append(n - 1)
    for i in labelled:
        anchor = "end" if i == n - 1 and n > 1 else ("start" if i == 0 else "middle")
        parts.append(
            f'<text class="chart-tick" x="{_fmt(left + i * slot + slot / 2)}" y="{height - 8}" '
            f'text-anchor="{anchor}">{escape(short_date(days[i]))}</text>'
        )
    legend_human = _("Human clicks: %(num)s", num=format(total_h, ","))
    legend_previews = _("Link previews (bots): %(num)s", num=format(total_p, ","))
    parts.append(
        f'<g class="chart-legend" transform="translate({left},14)">'
        f'<rect class="chart-human" x="0" y="-9" width="12" height="12"/>'
        f'<text x="18" y="1" class="chart-legend-human">{escape(legend_human)}</text>'
        f'<line class="chart-preview" x1="190" x2="206" y1="-3" y2="-3"/>'
        f'<text x="212" y="1" class="chart-legend-preview">{escape(legend_previews)}</text></g>'
    )
    if not total_h and not total_p:
        empty = _("No clicks in this range")
        parts.append(
            f'<text class="chart-empty" x="{left + plot_w / 2:.0f}" y="{upper + plot_h / 2:.0f}" text-anchor="middle">'
            f"{escape(empty)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(
    labels: Sequence[str],
    human: Sequence[int],
    previews: Sequence[int],
    *,
    chart_id: str = "platforms",
    title: str | None = None,
    width: int = 720,
) -> Markup:
    """Horizontal bars of human clicks per label, with the previews written after each bar (``title``:
    "Clicks by platform" unless given)."""
    title = title or _("Clicks by platform")
    rows = list(zip(labels, human, previews, strict=True))
    cid = _id(chart_id)
    label_w, value_w, row_h, pad = 120, 190, 28, 8
    height = max(len(rows), 1) * row_h + 2 * pad
    top = nice_ceiling(max([h for _l, h, _p in rows] or [1]))
    plot_w = width - label_w - value_w
    summary = "; ".join(
        f"{label}: {_human_clicks(h)}, {_previews(p)}"
        for label, h, p in rows
    )
    no_clicks = _("No clicks in this range.")
    parts = [
        f'<svg class="chart chart-bars" id="{cid}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(summary or no_clicks)}</desc>',
    ]
    for i, (label, h, p) in enumerate(rows):
        ty = pad + i * row_h
        w = (h / top) * plot_w if top else 0
        parts.append(
            f'<g class="chart-row" data-label="{escape(label)}" data-clicks="{int(h)}" '
            f'data-previews="{int(p)}">'
        )
        parts.append(
            f'<text class="chart-label" x="{label_w - 8}" y="{ty + 18}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        parts.append(f'<rect class="chart-track" x="{label_w}" y="{ty + 5}" width="{plot_w}" height="{row_h - 10}"/>')
        if h:
            parts.append(
                f'<rect class="chart-human" x="{label_w}" y="{ty + 5}" width="{_fmt(max(w, 1))}" '
                f'height="{row_h - 10}"/>'
            )
        value = f"{h:,}" + (f" · {_previews(int(p))}" if p else "")
        parts.append(f'<text class="chart-value" x="{label_w + plot_w + 8}" y="{ty + 18}">{escape(value)}</text></g>')
    if not rows:
        empty = _("No clicks in this range")
        parts.append(
            f'<text class="chart-empty" x="{width / 2:.0f}" y="{pad + 18}" text-anchor="middle">{escape(empty)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: Sequence[int], *, width: int = 120, height: int = 28) -> Markup:
    """A small line of clicks per day, labelled with its total and its best day. Coordinates are
    integers in tenths of a pixel (the viewBox is ten times the drawn size)."""
    total = sum(values)
    label = _("%(clicks)s over %(days)s; best day %(best)s", clicks=_human_clicks(total),
              days=_n("%(count)s day", "%(count)s days", len(values), count=format(len(values), ",")),
              best=format(max(values, default=0), ","))
    top = max([*values, 1])
    n = len(values)
    w, h = width * 10, height * 10
    step = (w - 40) / max(n - 1, 1)
    base, k = h - 30, (h - 60) / top
    points = " ".join([f"{20 + int(i * step)},{int(base - v * k)}" for i, v in enumerate(values)])
    line = f'<polyline class="spark-line" points="{points}"/>' if n > 1 else ""
    return Markup(
        f'<svg class="spark" viewBox="0 0 {w} {h}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f'<line class="spark-base" x1="20" x2="{w - 20}" y1="{base}" y2="{base}"/>{line}</svg>'
    )
