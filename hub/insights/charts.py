"""Server-rendered SVG charts: clicks over time, clicks by platform, per-post sparklines.

Plain functions of numbers and labels (no Flask, no database) that return ``Markup``. Every
piece of text is escaped here; colours come from CSS classes (the CSP allows no inline styles),
and each chart names itself for screen readers (``role="img"`` with a title and description;
the dashboard also shows the same numbers as a table).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape


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
    """``3 May`` (day and month, the year is in the range shown above the chart)."""
    return f"{day.day} {day:%b}"


def plural(n: int, one: str, many: str) -> str:
    """``1 click``, ``2 clicks``."""
    return f"{n:,} {one if n == 1 else many}"


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

    span = f"{short_date(days[0])} {days[0].year} to {short_date(days[-1])} {days[-1].year}" if n else "no days"
    title = f"Clicks over time, {span}"
    desc = (f"{plural(total_h, 'human click', 'human clicks')} and {plural(total_p, 'link preview', 'link previews')} "
            f"by bots, per day. Peak: {max(human, default=0):,} human clicks on one day.")
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
        tip = (
            f"{short_date(day)} {day.year}: {plural(h, 'human click', 'human clicks')}, "
            f"{plural(p, 'link preview', 'link previews')}"
        )
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
    parts.append(
        f'<g class="chart-legend" transform="translate({left},14)">'
        f'<rect class="chart-human" x="0" y="-9" width="12" height="12"/>'
        f'<text x="18" y="1" class="chart-legend-human">Human clicks: {total_h:,}</text>'
        f'<line class="chart-preview" x1="190" x2="206" y1="-3" y2="-3"/>'
        f'<text x="212" y="1" class="chart-legend-preview">Link previews (bots): {total_p:,}</text></g>'
    )
    if not total_h and not total_p:
        parts.append(
            f'<text class="chart-empty" x="{left + plot_w / 2:.0f}" y="{upper + plot_h / 2:.0f}" text-anchor="middle">'
            f"No clicks in this range</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(
    labels: Sequence[str],
    human: Sequence[int],
    previews: Sequence[int],
    *,
    chart_id: str = "platforms",
    title: str = "Clicks by platform",
    width: int = 720,
) -> Markup:
    """Horizontal bars of human clicks per label, with the previews written after each bar."""
    rows = list(zip(labels, human, previews, strict=True))
    cid = _id(chart_id)
    label_w, value_w, row_h, pad = 120, 190, 28, 8
    height = max(len(rows), 1) * row_h + 2 * pad
    top = nice_ceiling(max([h for _l, h, _p in rows] or [1]))
    plot_w = width - label_w - value_w
    summary = "; ".join(
        f"{label}: {plural(h, 'human click', 'human clicks')}, {plural(p, 'preview', 'previews')}"
        for label, h, p in rows
    )
    parts = [
        f'<svg class="chart chart-bars" id="{cid}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(summary or "No clicks in this range.")}</desc>',
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
        value = f"{h:,}" + (f" · {plural(int(p), 'preview', 'previews')}" if p else "")
        parts.append(f'<text class="chart-value" x="{label_w + plot_w + 8}" y="{ty + 18}">{escape(value)}</text></g>')
    if not rows:
        parts.append(
            f'<text class="chart-empty" x="{width / 2:.0f}" y="{pad + 18}" text-anchor="middle">'
            "No clicks in this range</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: Sequence[int], *, width: int = 120, height: int = 28) -> Markup:
    """A small line of clicks per day, labelled with its total and its best day. Coordinates are
    integers in tenths of a pixel (the viewBox is ten times the drawn size)."""
    total = sum(values)
    label = (
        f"{plural(total, 'human click', 'human clicks')} over {plural(len(values), 'day', 'days')}; "
        f"best day {max(values, default=0):,}"
    )
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
