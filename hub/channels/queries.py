"""Reads for official accounts: the inventory with its health, history, requests, the CSV export."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from hub.auth.models import User, UserStatus
from hub.channels.health import WARNING_LABELS, HealthWarning, health
from hub.channels.models import Channel, ChannelEvent, ChannelRequest, ChannelStatus, RequestStatus
from hub.errors import NotFound
from hub.i18n import _
from hub.lib.csvexport import to_csv

_STATUS_ORDER = sa.case(
    {
        ChannelStatus.ACTIVE.value: 0,
        ChannelStatus.DORMANT.value: 1,
        ChannelStatus.CLOSING.value: 2,
        ChannelStatus.CLOSED.value: 3,
    },
    value=Channel.status,
)


@dataclass(frozen=True)
class ChannelRow:
    """An account and its health warnings on a given day."""

    channel: Channel
    warnings: list[HealthWarning] = field(default_factory=list)

    @property
    def codes(self) -> set[str]:
        return {w.code for w in self.warnings}


def channel_health(channel: Channel, *, today: date, inactive_days: int) -> list[HealthWarning]:
    """The health warnings of ``channel`` (owners loaded from it)."""
    owner, backup = channel.owner, channel.backup_owner
    return health(
        channel,
        today=today,
        inactive_days=inactive_days,
        owner_active=owner.is_active if owner is not None else None,
        backup_active=backup.is_active if backup is not None else None,
        owner_name=owner.display_name if owner is not None else "",
    )


def get_channel(session: Session, channel_id: int) -> Channel:
    """The account with ``channel_id`` (owners loaded), or NotFound."""
    channel = session.scalar(
        sa.select(Channel).where(Channel.id == channel_id)
        .options(joinedload(Channel.owner), joinedload(Channel.backup_owner), joinedload(Channel.main_channel))
    )
    if channel is None:
        raise NotFound(_("No such account."))
    return channel


def _rows(session: Session, *where: sa.ColumnElement[bool], today: date, inactive_days: int) -> list[ChannelRow]:
    """Accounts with their warnings, active first and closed last: one query, owners joined."""
    stmt = (sa.select(Channel).where(*where).options(joinedload(Channel.owner), joinedload(Channel.backup_owner))
            .order_by(_STATUS_ORDER, Channel.platform, sa.func.lower(Channel.handle), Channel.id))
    return [ChannelRow(c, channel_health(c, today=today, inactive_days=inactive_days)) for c in session.scalars(stmt)]


def inventory(
    session: Session,
    *,
    today: date,
    inactive_days: int,
    status: str | None = None,
    platform: str | None = None,
    problem: str | None = None,
) -> list[ChannelRow]:
    """Every account with its warnings: active first, closed last; filtered by ``status``,
    ``platform`` and ``problem`` (a warning code, or ``"any"``).

    One query: the whole inventory is read (it is small), so the main account a closing one
    points to is already in the session when the CSV names it."""
    return filter_rows(
        _rows(session, today=today, inactive_days=inactive_days), status=status, platform=platform, problem=problem
    )


def filter_rows(
    rows: list[ChannelRow], *, status: str | None = None, platform: str | None = None, problem: str | None = None
) -> list[ChannelRow]:
    """The ``rows`` with ``status``, on ``platform``, and with the warning ``problem``
    (``"any"``: with some warning)."""
    return [
        r for r in rows
        if (not status or r.channel.status == status) and (not platform or r.channel.platform == platform)
        and (not problem or (bool(r.warnings) if problem == "any" else problem in r.codes))
    ]


@dataclass(frozen=True)
class HealthSummary:
    """What the comms dashboard shows: accounts needing attention and how many per problem."""

    rows: list[ChannelRow]
    counts: dict[str, int]
    total: int
    open_requests: int

    @property
    def labelled_counts(self) -> list[tuple[str, str, int]]:
        return [(code, WARNING_LABELS.get(code, code), n) for code, n in self.counts.items()]


def summarize(rows: list[ChannelRow], open_requests: int) -> HealthSummary:
    """The summary of an inventory's ``rows`` (closed accounts are left out: they are history)."""
    live = [r for r in rows if r.channel.status != ChannelStatus.CLOSED]
    attention = [r for r in live if r.warnings]
    counts = Counter(w.code for r in attention for w in r.warnings)
    ordered = {code: counts[code] for code in WARNING_LABELS if counts[code]}
    return HealthSummary(attention, ordered, len(live), open_requests)


def health_summary(session: Session, *, today: date, inactive_days: int) -> HealthSummary:
    """Accounts (not closed) with warnings, the number of each warning, and open requests: two queries."""
    rows = _rows(session, Channel.status != ChannelStatus.CLOSED, today=today, inactive_days=inactive_days)
    return summarize(rows, count_open_requests(session))


def events(session: Session, channel: Channel) -> list[ChannelEvent]:
    """The account's history, newest first."""
    return list(
        session.scalars(
            sa.select(ChannelEvent)
            .where(ChannelEvent.channel_id == channel.id)
            .options(joinedload(ChannelEvent.actor))
            .order_by(ChannelEvent.created_at.desc(), ChannelEvent.id.desc())
        )
    )


def looked_after_by(session: Session, user: User) -> list[Channel]:
    """Accounts ``user`` owns or backs up (closed ones left out)."""
    return list(
        session.scalars(
            sa.select(Channel)
            .where(
                sa.or_(Channel.owner_id == user.id, Channel.backup_owner_id == user.id),
                Channel.status != ChannelStatus.CLOSED,
            )
            .order_by(Channel.platform, Channel.handle)
        )
    )


def people(session: Session) -> list[User]:
    """People who can own an account: everyone active, by name."""
    return list(
        session.scalars(
            sa.select(User).where(User.status == UserStatus.ACTIVE).order_by(sa.func.lower(User.display_name))
        )
    )


def get_request(session: Session, request_id: int) -> ChannelRequest:
    """The request with ``request_id``, or NotFound."""
    request = session.get(ChannelRequest, request_id)
    if request is None:
        raise NotFound(_("No such request."))
    return request


def requests(session: Session, *, requester: User | None = None, limit: int = 100) -> list[ChannelRequest]:
    """Requests, open ones first, newest first; only ``requester``'s when given."""
    stmt = sa.select(ChannelRequest).options(
        joinedload(ChannelRequest.requester), joinedload(ChannelRequest.decided_by), joinedload(ChannelRequest.channel)
    )
    if requester is not None:
        stmt = stmt.where(ChannelRequest.requester_id == requester.id)
    open_first = sa.case((ChannelRequest.status == RequestStatus.REQUESTED, 0), else_=1)
    return list(
        session.scalars(
            stmt.order_by(open_first, ChannelRequest.created_at.desc(), ChannelRequest.id.desc()).limit(limit)
        )
    )


def count_open_requests(session: Session) -> int:
    """How many requests wait for a decision."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(ChannelRequest)
            .where(ChannelRequest.status == RequestStatus.REQUESTED)
        )
        or 0
    )


CSV_HEADER = (
    "id",
    "platform",
    "handle",
    "url",
    "status",
    "purpose",
    "audience",
    "owner",
    "owner_email",
    "owner_active",
    "backup_owner",
    "backup_owner_email",
    "opened_by",
    "agency",
    "campaign",
    "campaign_end",
    "last_activity_on",
    "closed_on",
    "main_account",
    "warnings",
    "created_at",
)


def inventory_csv(rows: list[ChannelRow]) -> str:
    """The inventory as a CSV document that is safe to open in a spreadsheet."""

    def person(user: User | None) -> tuple[str, str]:
        return (user.display_name, user.email) if user is not None else ("", "")

    def lines() -> Iterator[tuple[object, ...]]:
        for row in rows:
            c = row.channel
            owner, backup = person(c.owner), person(c.backup_owner)
            yield (
                c.id,
                c.platform_name,
                c.handle,
                c.url,
                c.status.value,
                c.purpose,
                c.audience,
                *owner,
                "" if c.owner is None else ("yes" if c.owner.is_active else "no"),
                *backup,
                c.opened_by.value,
                c.agency,
                c.campaign,
                c.campaign_end,
                c.last_activity_on,
                c.closed_on,
                c.main_channel.label if c.main_channel else "",
                "; ".join(w.message for w in row.warnings),
                c.created_at,
            )

    return to_csv(CSV_HEADER, lines())
