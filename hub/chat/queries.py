"""Reads for chat channels."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from hub.chat.models import ChatWebhook


def webhooks(session: Session) -> Sequence[ChatWebhook]:
    """Every channel's webhook, oldest first."""
    return session.scalars(sa.select(ChatWebhook).options(joinedload(ChatWebhook.created_by))
                           .order_by(ChatWebhook.id)).all()
