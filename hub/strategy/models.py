"""Strategy sections with append-only revisions, and KPI targets.

A section is one part of the strategy (``tone``, ``risk``...) or the guidance for one platform
(``platform-linkedin``). Its text lives in ``StrategyRevision`` rows that are only ever added;
the section points at its current one, as a post does.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, str_enum, utcnow
from hub.i18n import _, _l
from hub.platforms import PLATFORMS
from hub.templating import Sentence, note_html, note_text

# The parts of the strategy, in reading order: key -> (title, what belongs there); lazy strings,
# translated when read (``section_title`` and ``section_hint`` give them as str).
SECTIONS: dict[str, tuple[Any, Any]] = {
    "audiences": (_l("Audiences"), _l("Who we want to reach, and what each audience cares about.")),
    "channels": (
        _l("Channels and their purpose"),
        _l("What each of our channels is for, and where employees fit in."),
    ),
    "tone": (_l("Tone of voice"), _l("How we sound. Shown beside the editor and the share page.")),
    "kpis": (
        _l("What working means"),
        _l("How we know it works. The targets below are the numbers; say here why they matter."),
    ),
    "risk": (
        _l("Posting with confidence"),
        _l("Guidance on risk that helps people post: what is fine, what to check, whom to ask."),
    ),
}
PLATFORM_PREFIX = "platform-"


def platform_key(platform: str) -> str:
    """The section key of a platform's guidance: ``platform-linkedin``."""
    return PLATFORM_PREFIX + platform


def _platform_name(key: str) -> str:
    platform = key[len(PLATFORM_PREFIX):]
    return PLATFORMS[platform].name if platform in PLATFORMS else platform


def section_title(key: str) -> str:
    """The title of the section with ``key`` (a platform's guidance: "Guidance for LinkedIn")."""
    if key.startswith(PLATFORM_PREFIX):
        return str(_("Guidance for %(platform)s", platform=_platform_name(key)))
    return str(SECTIONS[key][0])


def section_hint(key: str) -> str:
    """What belongs in the section with ``key`` (a platform's guidance: "How we post on LinkedIn.")."""
    if key.startswith(PLATFORM_PREFIX):
        return str(_("How we post on %(platform)s.", platform=_platform_name(key)))
    return str(SECTIONS[key][1])


def is_known_key(key: str) -> bool:
    return key in SECTIONS or (key.startswith(PLATFORM_PREFIX) and key[len(PLATFORM_PREFIX):] in PLATFORMS)


class StrategySection(Base):
    """The head row of one part of the strategy; its text is in revisions."""

    __tablename__ = "strategy_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    current_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(
            "strategy_revision.id",
            use_alter=True,
            ondelete="SET NULL",
            name="fk_strategy_section_current_revision_id_strategy_revision",
        )
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    current_revision: Mapped[StrategyRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )

    @property
    def title(self) -> str:
        return section_title(self.key)


class StrategyRevision(Base):
    """One immutable version of a section's text (Markdown, and its sanitized HTML)."""

    __tablename__ = "strategy_revision"
    __table_args__ = (sa.UniqueConstraint("section_id", "number", name="uq_strategy_revision_section_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("strategy_section.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = deferred(mapped_column(sa.Text, default=""))
    note: Mapped[str] = mapped_column(sa.String(300), default="")  # what the editor typed, verbatim
    # What hub says about the revision itself, as facts ({"key": "restored", "number": 3}): shown
    # in the reader's language ("Restored from revision 3"), never stored as English text.
    auto_note: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    section: Mapped[StrategySection] = relationship(foreign_keys=[section_id])
    created_by: Mapped[User] = relationship()

    @property
    def note_html(self) -> Markup:
        """The note as the history shows it: hub's own words in the reader's language, then the typed note."""
        return note_html(_said(self.auto_note), self.note)

    @property
    def note_text(self) -> str:
        return note_text(_said(self.auto_note), self.note)


def restored_note(number: int) -> dict[str, Any]:
    """A revision restored from revision ``number``."""
    return {"key": "restored", "number": number}


def _said(auto: dict[str, Any] | None) -> Sentence | None:
    if auto and auto.get("key") == "restored":
        return Sentence(_("Restored from revision %(number)s"), {"number": auto.get("number")})
    return None


class KpiMetric(enum.StrEnum):
    """What a target counts, per period. Insights computes the actual figures."""

    HUMAN_CLICKS = "human_clicks"
    SHARES = "shares"
    CLICKS_PER_SHARE = "clicks_per_share"
    POSTS_PUBLISHED = "posts_published"
    ACTIVE_SHARERS = "active_sharers"
    OUTSIDE_SHARE = "outside_share"  # the bigger picture: outside articles among all shares, in %

    @property
    def label(self) -> str:
        return str(METRIC_LABELS[self.value])


# What people read for each measure (lazy: the KPI form's choices are made at import time).
METRIC_LABELS = {
    "human_clicks": _l("Clicks by people (bots left out)"),
    "shares": _l("Shares"),
    "clicks_per_share": _l("Clicks per share"),
    "posts_published": _l("Posts published"),
    "active_sharers": _l("People who shared"),
    "outside_share": _l("Outside articles among shares (%)"),
}


ALL_PLATFORMS = "all"


class KpiTarget(Base):
    """A number the strategy aims for: ``metric`` per ``period`` on ``platform`` (or ``all``)."""

    __tablename__ = "strategy_kpi_target"
    __table_args__ = (
        sa.UniqueConstraint("platform", "metric", "period", name="uq_strategy_kpi_target_platform_metric_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(sa.String(32), default=ALL_PLATFORMS)
    metric: Mapped[KpiMetric] = mapped_column(str_enum(KpiMetric, length=32))
    period: Mapped[str] = mapped_column(sa.String(16), default="month")
    target: Mapped[float] = mapped_column(sa.Float)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship()

    @property
    def platform_name(self) -> str:
        if self.platform == ALL_PLATFORMS:
            return str(_("All platforms"))
        spec = PLATFORMS.get(self.platform)
        return spec.name if spec else self.platform
