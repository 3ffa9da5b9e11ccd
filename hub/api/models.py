"""Personal access tokens for the JSON API. Only a SHA-256 of the token is stored; the token itself
is shown once, when it is made."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, utcnow


class Scope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


class ApiToken(Base):
    """One person's token: ``prefix`` (the first characters, shown to tell tokens apart), the hash of
    the whole token, its scopes, when it was last used, and when it was revoked."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes_text: Mapped[str] = mapped_column(sa.String(40))  # "read" or "read,write"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def scopes(self) -> tuple[Scope, ...]:
        return tuple(Scope(s) for s in self.scopes_text.split(",") if s)

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}>"
