"""Domain verbs for the strategy: save a section (a new revision), restore one, set KPI targets.

Comms and admins write the strategy; everyone reads it. Every edit carries the revision it was
written on; a stale base raises ``Conflict`` instead of overwriting a colleague's words.
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub.auth.models import User
from hub.db import add_or_get, savepoint, utcnow
from hub.errors import Conflict, NotFound, PermissionDenied, ValidationError
from hub.i18n import _
from hub.lib.markdown import render_markdown
from hub.platforms import PLATFORMS
from hub.strategy.models import (
    ALL_PLATFORMS,
    KpiMetric,
    KpiTarget,
    StrategyRevision,
    StrategySection,
    is_known_key,
    restored_note,
)
from hub.templating import number

BODY_MAX = 50_000
NOTE_MAX = 300
TARGET_MAX = 1_000_000_000


def can_edit(actor: User) -> bool:
    """Comms and admins write the strategy."""
    return actor.is_authenticated and actor.is_active and actor.is_comms


def require_editor(actor: User) -> None:
    """PermissionDenied unless ``actor`` may write the strategy (see ``can_edit``)."""
    if not can_edit(actor):
        raise PermissionDenied(_("Only comms and admins can change the strategy."))


def _section(session: Session, key: str) -> StrategySection:
    if not is_known_key(key):
        raise NotFound(_("No such part of the strategy."))
    def find() -> StrategySection | None:
        return session.scalar(sa.select(StrategySection).where(StrategySection.key == key))

    return find() or add_or_get(session, StrategySection(key=key), find)  # first saves may race


def save_section(
    session: Session, actor: User, key: str, body: str, *, base_revision_id: int | None, note: str = "",
    auto_note: dict[str, Any] | None = None,
) -> StrategyRevision:
    """Append a revision of section ``key`` with ``body`` (Markdown), written on ``base_revision_id``;
    ``note``: what the editor typed, ``auto_note``: what hub says about it (``restored_note``).

    Raises Conflict (carrying the newer revision) when someone saved since that base; saving
    exactly the current text adds nothing and returns the current revision.
    """
    require_editor(actor)
    body = (body or "").replace("\r\n", "\n")
    if len(body) > BODY_MAX:
        raise ValidationError("body", _("Keep a section under %(max)s characters.", max=number(BODY_MAX)))
    section = _section(session, key)
    current = section.current_revision
    if current is not None and current.body == body:
        return current
    if current is not None and current.id != base_revision_id:
        raise Conflict(
            _(
                "Someone saved this section since you started (revision %(number)d, by %(name)s). "
                "Nothing was overwritten.",
                number=current.number,
                name=current.created_by.display_name,
            ),
            current=current,
        )
    revision = StrategyRevision(
        section_id=section.id,
        number=(current.number + 1) if current else 1,
        body=body,
        body_html=render_markdown(body),
        note=(note or "").strip()[:NOTE_MAX],
        auto_note=auto_note,
        created_by_id=actor.id,
    )
    try:
        with savepoint(session):  # another save from the same base may take this number first
            session.add(revision)
    except sa.exc.IntegrityError:
        session.refresh(section)
        newer = section.current_revision
        if newer is None:
            raise
        raise Conflict(
            _(
                "Someone saved this section at the same moment (revision %(number)d, by %(name)s). "
                "Nothing was overwritten.",
                number=newer.number,
                name=newer.created_by.display_name,
            ),
            current=newer,
        ) from None
    section.current_revision = revision
    section.current_revision_id = revision.id
    section.updated_at = utcnow()
    return revision


def restore_revision(
    session: Session, actor: User, section: StrategySection, revision: StrategyRevision, *, base_revision_id: int | None
) -> StrategyRevision:
    """Append a copy of an old revision as the newest one (history is never rewritten)."""
    if revision.section_id != section.id:
        raise NotFound(_("No such revision of this section."))
    return save_section(
        session,
        actor,
        section.key,
        revision.body,
        base_revision_id=base_revision_id,
        auto_note=restored_note(revision.number),
    )


def set_kpi_target(
    session: Session,
    actor: User,
    *,
    platform: str,
    metric: KpiMetric | str,
    target: float,
    period: str = "month",
    note: str = "",
) -> KpiTarget:
    """Set the target for ``metric`` per ``period`` on ``platform`` (or ``all``), replacing any
    earlier target for the same three."""
    require_editor(actor)
    if platform != ALL_PLATFORMS and platform not in PLATFORMS:
        raise ValidationError("platform", _("Pick a platform from the list."))
    try:
        metric = KpiMetric(metric)
    except ValueError:
        raise ValidationError("metric", _("Pick a measure from the list.")) from None
    if period != "month":
        raise ValidationError("period", _("Targets are per month."))
    if target is None or not _finite(target) or target < 0 or target > TARGET_MAX:
        raise ValidationError("target", _("Give a target of zero or more."))
    def find() -> KpiTarget | None:
        return session.scalar(sa.select(KpiTarget).where(
            KpiTarget.platform == platform, KpiTarget.metric == metric, KpiTarget.period == period))

    row = find() or add_or_get(session, KpiTarget(platform=platform, metric=metric, period=period, target=target), find)
    row.target = float(target)
    row.note = (note or "").strip()[:NOTE_MAX]
    row.updated_by_id = actor.id
    row.updated_at = utcnow()
    session.flush()
    return row


def _finite(number: float) -> bool:
    try:
        return math.isfinite(number)
    except ValueError:  # a signalling NaN (Decimal("sNaN")) cannot even be asked
        return False


def remove_kpi_target(session: Session, actor: User, target: KpiTarget) -> None:
    """Drop a target the strategy no longer aims for."""
    require_editor(actor)
    session.delete(target)
    session.flush()
