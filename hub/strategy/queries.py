"""Reads for the strategy: its sections, their revisions, the KPI targets, and writing guidance.

For other domains:

- ``kpi_targets(session)`` -> ``[Target(platform, platform_name, metric, metric_label, period, target)]``:
  what insights shows beside the actual figures (``platform`` is a platform id or ``"all"``).
- ``writing_guidance(session)`` -> ``Guidance(tone_html, platforms)`` (``.platform_html`` maps id -> HTML): what the editor and the
  share page show beside the text (both already sanitized HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, undefer

from hub.errors import NotFound
from hub.platforms import PLATFORMS
from hub.strategy.models import (
    PLATFORM_PREFIX,
    SECTIONS,
    KpiMetric,
    KpiTarget,
    StrategyRevision,
    StrategySection,
    is_known_key,
    platform_key,
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
        joinedload(StrategySection.current_revision).options(undefer(StrategyRevision.body_html), joinedload(StrategyRevision.created_by))
    )
    if keys is not None:
        stmt = stmt.where(StrategySection.key.in_(keys))
    return {s.key: s for s in session.scalars(stmt).unique()}


def sections(session: Session) -> list[SectionView]:
    """The strategy's main parts in reading order, written or not."""
    loaded = _load(session, list(SECTIONS))
    return [SectionView(key, title, hint, loaded.get(key)) for key, (title, hint) in SECTIONS.items()]


def platform_sections(session: Session) -> list[SectionView]:
    """The guidance for each platform hub writes for, written or not, in PLATFORMS order."""
    keys = [platform_key(p) for p in PLATFORMS]
    loaded = _load(session, keys)
    return [SectionView(k, section_title(k), f"How we post on {PLATFORMS[k[len(PLATFORM_PREFIX):]].name}.", loaded.get(k))
            for k in keys]


def section_view(session: Session, key: str) -> SectionView:
    """One part of the strategy by key, or NotFound for a key that is not part of it."""
    if not is_known_key(key):
        raise NotFound("No such part of the strategy.")
    hint = SECTIONS[key][1] if key in SECTIONS else f"How we post on {section_title(key).removeprefix('Guidance for ')}."
    return SectionView(key, section_title(key), hint, _load(session, [key]).get(key))


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
        raise NotFound("No such revision.")
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
    rows = sorted(rows, key=lambda r: (r.platform != "all", platform_order.get(r.platform, 99), metric_order[r.metric.value]))
    return [Target(r.id, r.platform, r.platform_name, r.metric.value, r.metric.label, r.period, r.target, r.note, r.updated_at)
            for r in rows]


def get_kpi_target(session: Session, target_id: int) -> KpiTarget:
    """The target row with ``target_id``, or NotFound."""
    row = session.get(KpiTarget, target_id)
    if row is None:
        raise NotFound("No such target.")
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

    found = tuple(PlatformGuidance(p, spec.name, html(platform_key(p))) for p, spec in PLATFORMS.items()) if platforms else ()
    return Guidance(html("tone"), tuple(g for g in found if g.html))
