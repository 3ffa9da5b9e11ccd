"""Reads for the strategy: its sections, their revisions, the KPI targets, and writing guidance.

For other domains:

- ``kpi_targets(session)`` -> ``[Target(platform, platform_name, metric, metric_label, period, target)]``:
  what insights shows beside the actual figures (``platform`` is a platform id or ``"all"``).
- ``kpi_progress(session, dashboard)`` -> ``[TargetProgress]``: those targets beside a company
  dashboard's figures, monthly targets scaled to its date range.
- ``writing_guidance(session)`` -> ``Guidance(tone_html, platforms)`` (``.platform_html`` maps id -> HTML):
  what the editor and the share page show beside the text (both already sanitized HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, undefer

from hub.errors import NotFound
from hub.i18n import _
from hub.platforms import PLATFORMS
from hub.strategy.models import (
    SECTIONS,
    KpiMetric,
    KpiTarget,
    StrategyRevision,
    StrategySection,
    is_known_key,
    platform_key,
    section_hint,
    section_title,
)


@dataclass(frozen=True)
class SectionView:
    """One part of the strategy as read: its key, title, hint, and current text (maybe none yet)."""

    key: str
    title: str
    hint: str
    section: StrategySection | None

    @property
    def revision(self) -> StrategyRevision | None:
        return self.section.current_revision if self.section else None

    @property
    def html(self) -> str:
        return self.revision.body_html if self.revision else ""

    @property
    def is_empty(self) -> bool:
        return self.revision is None or not self.revision.body.strip()


def _load(session: Session, keys: list[str] | None = None) -> dict[str, StrategySection]:
    stmt = sa.select(StrategySection).options(
        joinedload(StrategySection.current_revision).options(
            undefer(StrategyRevision.body_html), joinedload(StrategyRevision.created_by)
        )
    )
    if keys is not None:
        stmt = stmt.where(StrategySection.key.in_(keys))
    return {s.key: s for s in session.scalars(stmt).unique()}


def _views(session: Session, keys: list[str]) -> list[SectionView]:
    loaded = _load(session, keys)
    return [SectionView(key, section_title(key), section_hint(key), loaded.get(key)) for key in keys]


def sections(session: Session) -> list[SectionView]:
    """The strategy's main parts in reading order, written or not."""
    return _views(session, list(SECTIONS))


def platform_sections(session: Session) -> list[SectionView]:
    """The guidance for each platform hub writes for, written or not, in PLATFORMS order."""
    return _views(session, [platform_key(p) for p in PLATFORMS])


def section_view(session: Session, key: str) -> SectionView:
    """One part of the strategy by key, or NotFound for a key that is not part of it."""
    if not is_known_key(key):
        raise NotFound(_("No such part of the strategy."))
    return _views(session, [key])[0]


def revisions(session: Session, section: StrategySection) -> list[StrategyRevision]:
    """All revisions of a section, newest first."""
    return list(session.scalars(
        sa.select(StrategyRevision).where(StrategyRevision.section_id == section.id)
        .options(joinedload(StrategyRevision.created_by)).order_by(StrategyRevision.number.desc())
    ))


def revision(session: Session, section: StrategySection, number: int) -> StrategyRevision:
    """Revision ``number`` of a section, or NotFound."""
    found = session.scalar(
        sa.select(StrategyRevision).where(StrategyRevision.section_id == section.id, StrategyRevision.number == number)
        .options(undefer(StrategyRevision.body_html), joinedload(StrategyRevision.created_by))
    )
    if found is None:
        raise NotFound(_("No such revision."))
    return found


@dataclass(frozen=True)
class Target:
    """A KPI target as insights shows it."""

    id: int
    platform: str  # a platform id, or "all"
    platform_name: str
    metric: str  # a KpiMetric value: human_clicks, shares, clicks_per_share, posts_published, active_sharers
    metric_label: str
    period: str  # "month"
    target: float
    note: str
    updated_at: datetime

    @property
    def display(self) -> str:
        """The target as people read it: 1,200 or 2.5."""
        return f"{self.target:,.0f}" if float(self.target).is_integer() else f"{self.target:,.2f}".rstrip("0")


def kpi_targets(session: Session) -> list[Target]:
    """Every KPI target: all platforms first, then per platform in PLATFORMS order, metrics in order."""
    platform_order = {p: i for i, p in enumerate(PLATFORMS)}
    metric_order = {m.value: i for i, m in enumerate(KpiMetric)}
    rows = session.scalars(sa.select(KpiTarget)).all()
    rows = sorted(
        rows, key=lambda r: (r.platform != "all", platform_order.get(r.platform, 99), metric_order[r.metric.value])
    )
    return [
        Target(
            r.id, r.platform, r.platform_name, r.metric.value, r.metric.label, r.period, r.target, r.note, r.updated_at
        )
        for r in rows
    ]


def get_kpi_target(session: Session, target_id: int) -> KpiTarget:
    """The target row with ``target_id``, or NotFound."""
    row = session.get(KpiTarget, target_id)
    if row is None:
        raise NotFound(_("No such target."))
    return row


@dataclass(frozen=True)
class PlatformGuidance:
    platform: str
    name: str
    html: str


@dataclass(frozen=True)
class Guidance:
    """What the strategy says to someone writing: the tone of voice and, per platform, how we post."""

    tone_html: str = ""
    platforms: tuple[PlatformGuidance, ...] = ()

    @property
    def platform_html(self) -> dict[str, str]:
        """Platform id -> its guidance (sanitized HTML), for platforms that have some."""
        return {g.platform: g.html for g in self.platforms}

    @property
    def is_empty(self) -> bool:
        return not self.tone_html and not self.platforms


def writing_guidance(session: Session, *, platforms: bool = True) -> Guidance:
    """The tone of voice and (with ``platforms``) each platform's guidance that has been written."""
    keys = ["tone"] + ([platform_key(p) for p in PLATFORMS] if platforms else [])
    loaded = _load(session, keys)

    def html(key: str) -> str:
        section = loaded.get(key)
        rev = section.current_revision if section else None
        return rev.body_html if rev is not None and rev.body.strip() else ""

    found = (
        tuple(PlatformGuidance(p, spec.name, html(platform_key(p))) for p, spec in PLATFORMS.items())
        if platforms
        else ()
    )
    return Guidance(html("tone"), tuple(g for g in found if g.html))


# --- targets beside the actual figures -----------------------------------------------------------

DAYS_PER_MONTH = 365.25 / 12
# Targets that add up over time (scaled to the dashboard's range); the others are rates or
# distinct people, compared as they are.
ADDITIVE_METRICS = frozenset({KpiMetric.HUMAN_CLICKS.value, KpiMetric.SHARES.value, KpiMetric.POSTS_PUBLISHED.value})


@dataclass(frozen=True)
class TargetProgress:
    """A KPI target beside the figure it aims at, over a dashboard's date range."""

    target: Target
    actual: float | None  # None: the dashboard has no such figure (e.g. posts per platform)
    expected: float  # the monthly target scaled to the range (additive metrics) or the target itself
    scaled: bool

    @property
    def share(self) -> float | None:
        """How much of the target was reached (1.0 = exactly), or None."""
        if self.actual is None or not self.expected:
            return None
        return self.actual / self.expected

    @property
    def met(self) -> bool | None:
        return None if self.actual is None else self.actual >= self.expected

    @property
    def expected_display(self) -> str:
        value = self.expected
        return f"{value:,.0f}" if self.scaled or float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def _actual(metric: str, counts: Any, totals: Any | None) -> float | None:
    if metric == KpiMetric.HUMAN_CLICKS.value:
        return counts.clicks
    if metric == KpiMetric.SHARES.value:
        return counts.shares
    if metric == KpiMetric.CLICKS_PER_SHARE.value:
        return counts.clicks_per_share
    if totals is None:  # per platform, the dashboard counts neither posts nor people
        return None
    return totals.posts_written if metric == KpiMetric.POSTS_PUBLISHED.value else totals.sharers


def kpi_progress(session: Session, dashboard: Any) -> list[TargetProgress]:
    """Every KPI target beside the actual figure of a ``hub.insights`` company dashboard.

    Reads ``dashboard.totals`` (clicks, shares, clicks_per_share, posts_written, sharers),
    ``dashboard.platforms`` (rows with ``platform`` and ``counts``), ``dashboard.range.length``
    (days) and ``dashboard.bigger_picture.outside_share`` (outside articles among shares).
    Monthly targets of additive metrics are scaled to the range's length."""
    days = dashboard.range.length
    by_platform = {row.platform: row.counts for row in dashboard.platforms}
    result = []
    picture = getattr(dashboard, "bigger_picture", None)
    for target in kpi_targets(session):
        if target.metric == KpiMetric.OUTSIDE_SHARE.value:  # company-wide only: a percentage of all shares
            share = picture.outside_share if picture is not None and target.platform == "all" else None
            actual = None if share is None else round(share * 100, 1)
        elif target.platform == "all":
            actual = _actual(target.metric, dashboard.totals, dashboard.totals)
        elif target.platform in by_platform:
            actual = _actual(target.metric, by_platform[target.platform], None)
        else:  # nothing happened there in the range
            actual = 0 if target.metric in (KpiMetric.HUMAN_CLICKS.value, KpiMetric.SHARES.value) else None
        scaled = target.metric in ADDITIVE_METRICS
        expected = target.target * days / DAYS_PER_MONTH if scaled else target.target
        result.append(TargetProgress(target, actual, expected, scaled))
    return result
