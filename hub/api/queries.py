"""Reads for access tokens."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub.api.models import ApiToken
from hub.auth.models import User


def tokens_of(session: Session, user: User) -> Sequence[ApiToken]:
    """``user``'s tokens, active ones first, newest first."""
    return session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
