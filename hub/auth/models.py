"""People and how they get in."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, str_enum, utcnow
from hub.i18n import _l
from hub.lib.text import slugify

# What a role is called in pages (the values are what the database stores).
ROLE_LABELS = {"employee": _l("Employee"), "comms": _l("Comms"), "admin": _l("Admin")}


class Role(enum.StrEnum):
    EMPLOYEE = "employee"
    COMMS = "comms"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self.value])


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    display_name: Mapped[str] = mapped_column(sa.String(120))
    job_title: Mapped[str] = mapped_column(sa.String(120), default="")
    bio: Mapped[str] = mapped_column(sa.String(600), default="")
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.EMPLOYEE)
    status: Mapped[UserStatus] = mapped_column(
        str_enum(UserStatus), default=UserStatus.ACTIVE
    )
    # Bumped on password change and deactivation: every older session stops working at once.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # A daily e-mail of unread notifications (hub send-digests), and when the last one went out.
    digest_opt_in: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    digest_sent_at: Mapped[datetime | None]
    # Shown as "Anonymous colleague" on the insights leaderboard (when admins switch it on).
    leaderboard_opt_out: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The IANA zone (e.g. "Europe/Stockholm") the person last scheduled a post in; "" for none yet.
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    # The interface language the person chose (a code from hub.i18n.LANGUAGES); None follows the browser.
    language: Mapped[str | None] = mapped_column(sa.String(8))

    handles: Mapped[list[SocialHandle]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="SocialHandle.platform"
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    # Permission flags for templates; the services check the same rules.
    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_comms(self) -> bool:
        return self.role in (Role.COMMS, Role.ADMIN)

    @property
    def slug(self) -> str:
        return slugify(self.display_name, 60)

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    def handle_limit(self, platform: str) -> int | None:
        for h in self.handles:
            if h.platform == platform:
                return h.char_limit
        return None

    def handle_for(self, platform: str) -> str | None:
        for h in self.handles:
            if h.platform == platform:
                return h.handle
        return None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class SocialHandle(Base):
    """A person's own account on a social network (``platform`` is an id from hub.platforms)."""

    __tablename__ = "social_handle"
    __table_args__ = (sa.UniqueConstraint("user_id", "platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(sa.String(32))
    handle: Mapped[str] = mapped_column(sa.String(200))
    # The character limit of the person's own server, where it differs (Mastodon instances do).
    char_limit: Mapped[int | None]

    user: Mapped[User] = relationship(back_populates="handles")


class Invitation(Base):
    """A sign-up link made by an admin or comms person; only a hash of its token is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.EMPLOYEE)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None]

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])

    @property
    def state(self) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "open"

    @property
    def state_label(self) -> str:
        """``state`` as pages show it, in the reader's language."""
        return str(INVITATION_STATE_LABELS[self.state])


INVITATION_STATE_LABELS = {"used": _l("used"), "revoked": _l("revoked"), "expired": _l("expired"), "open": _l("open")}


class AllowedDomain(Base):
    """An e-mail domain whose owners may sign up without an invitation (set by admins)."""

    __tablename__ = "allowed_domain"

    domain: Mapped[str] = mapped_column(sa.String(253), primary_key=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OidcIdentity(Base):
    """A person's account at the company's OpenID provider, linked by (issuer, subject): the
    provider's stable identifier, never the e-mail address, which can change hands."""

    __tablename__ = "oidc_identity"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(500))
    subject: Mapped[str] = mapped_column(sa.String(255))
    # The provider's session id ("sid") of the last sign-in, so a logout token naming only the
    # session still finds its person.
    session_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    # The provider session hub last asked the provider to end (RP-initiated logout): the logout
    # token the provider sends back for it answers hub's own sign-out, not an account removed.
    ended_session_id: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
