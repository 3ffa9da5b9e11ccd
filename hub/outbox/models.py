"""One outgoing message and its delivery state."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, str_enum, utcnow
from hub.i18n import _l


class MessageKind(enum.StrEnum):
    MAIL = "mail"
    WEBHOOK = "webhook"  # a JSON POST to ``target``'s address (Slack, Teams); ``recipient`` is a label


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt (``next_attempt_at``)
    SENDING = "sending"  # claimed by a worker; back to pending if that worker died
    SENT = "sent"
    FAILED = "failed"  # gave up after OUTBOX_MAX_ATTEMPTS; ``last_error`` says why


# What each status is called in pages (the values are what the database stores).
STATUS_LABELS = {"pending": _l("Pending"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed")}


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind), default=MessageKind.MAIL)
    recipient: Mapped[str] = mapped_column(sa.String(320))  # an e-mail address, or a webhook's label
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")  # the mail's text, or the webhook's JSON
    # Whose webhook this is, e.g. "chat:12": the address (a secret) never enters the outbox; the
    # domain that owns it answers ``webhook_address`` at delivery. None once it was removed.
    target: Mapped[str | None] = mapped_column(sa.String(120))
    # Set by a sender that must not queue the same news twice (queue_webhook skips a known key).
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    status: Mapped[MessageStatus] = mapped_column(str_enum(MessageStatus), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
