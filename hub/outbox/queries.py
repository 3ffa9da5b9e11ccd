"""Reading the outbox: what waits, what left, what failed and why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub.outbox.models import MessageStatus, OutboxMessage


def messages(session: Session, status: MessageStatus | None = None, limit: int = 50) -> Sequence[OutboxMessage]:
    """The newest messages, optionally only those in one status."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return session.scalars(query).all()


def counts(session: Session) -> dict[MessageStatus, int]:
    """How many messages are in each status."""
    rows = session.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status))
    found = {status: int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in MessageStatus}


def next_attempt(session: Session) -> datetime | None:
    """When the earliest pending message is due (None when nothing waits)."""
    return session.scalar(
        sa.select(sa.func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == MessageStatus.PENDING)
    )
