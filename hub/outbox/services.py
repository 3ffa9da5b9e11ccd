"""Queueing messages, and the steps of delivering them: claim, then record what happened."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.i18n import _
from hub.outbox.models import STATUS_LABELS, MessageKind, MessageStatus, OutboxMessage


class Actor(Protocol):
    """Whoever asks (a signed-in person): the outbox serves every domain and imports none."""

    @property
    def is_admin(self) -> bool: ...


# Set on the session by queue_mail; the request's commit hook wakes the web process's courier.
QUEUED = "hub.outbox.queued"
MAX_BACKOFF_SECONDS = 6 * 60 * 60


def queue_mail(session: Session, *, to: str, subject: str, body: str) -> OutboxMessage:
    """Queue one plain-text e-mail in the session's transaction: it is sent after the commit, or
    never if the transaction rolls back."""
    if not to or "\n" in to or "\r" in to:
        raise ValidationError(None, "A message needs one recipient address.")
    message = OutboxMessage(kind=MessageKind.MAIL, recipient=to[:320], subject=" ".join(subject.split())[:300],
                            body=body, status=MessageStatus.PENDING)
    session.add(message)
    session.flush()
    session.info[QUEUED] = True
    return message


def queue_webhook(session: Session, *, url: str, label: str, summary: str, payload: dict[str, Any],
                  dedupe_key: str | None = None) -> OutboxMessage | None:
    """Queue one JSON POST to an incoming webhook in the session's transaction (sent after the
    commit, with the same retries as mail). ``label`` names the receiver in listings without the
    secret address. With ``dedupe_key``, nothing is queued (None) when a message with that key was
    queued before."""
    if not url.startswith(("https://", "http://")):
        raise ValidationError(None, "A webhook needs an http(s) address.")
    if dedupe_key is not None and session.scalar(
        sa.select(sa.exists().where(OutboxMessage.dedupe_key == dedupe_key))
    ):
        return None
    message = OutboxMessage(kind=MessageKind.WEBHOOK, recipient=" ".join(label.split())[:320],
                            subject=" ".join(summary.split())[:300], url=url,
                            body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                            dedupe_key=dedupe_key, status=MessageStatus.PENDING)
    session.add(message)
    session.flush()
    session.info[QUEUED] = True
    return message


def cancel_webhooks(session: Session, url: str, reason: str) -> int:
    """Mark every message still waiting for ``url`` failed with ``reason``, forgetting the address
    (the webhook was removed: nothing more is sent to it). Returns how many."""
    result = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.kind == MessageKind.WEBHOOK, OutboxMessage.url == url,
               OutboxMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.FAILED, last_error=reason[:2000], url=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult


def release_stale(session: Session, now: datetime, stale_seconds: float) -> int:
    """Put back messages claimed longer than ``stale_seconds`` ago (their worker died mid-send)."""
    result = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.SENDING,
               OutboxMessage.claimed_at < now - timedelta(seconds=stale_seconds))
        .values(status=MessageStatus.PENDING, next_attempt_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult


def claim_next(session: Session, now: datetime) -> OutboxMessage | None:
    """Claim the next message whose attempt is due and count the attempt (None when none is due).

    A claim is ``UPDATE ... SET status = 'sending' WHERE id = :id AND status = 'pending'``: of
    several workers racing for one message exactly one updates its row (PostgreSQL re-checks the
    condition once the other's transaction ends; SQLite has one writer at a time), the others try
    the next candidate. The caller commits the claim before sending."""
    candidates = session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(10)
    ).all()
    for message_id in candidates:
        result = session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == MessageStatus.PENDING)
            .values(status=MessageStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
            message = session.get(OutboxMessage, message_id, populate_existing=True)
            assert message is not None
            return message
    return None


def backoff_seconds(attempts: int, base: float) -> float:
    """How long to wait after the ``attempts``-th failed attempt: doubling, at most six hours."""
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def record_sent(session: Session, message: OutboxMessage, now: datetime) -> None:
    """The message left. A webhook's address (a secret) is not kept once it is no longer needed."""
    message.status = MessageStatus.SENT
    message.sent_at = now
    message.last_error = None
    if message.kind == MessageKind.WEBHOOK:
        message.url = None
    session.flush()


def record_failure(session: Session, message: OutboxMessage, error: str, now: datetime, *,
                   max_attempts: int, retry_seconds: float) -> MessageStatus:
    """The attempt failed: retry later with backoff, or give up after ``max_attempts``."""
    message.last_error = error[:2000]
    if message.attempts >= max_attempts:
        message.status = MessageStatus.FAILED
    else:
        message.status = MessageStatus.PENDING
        message.next_attempt_at = now + timedelta(seconds=backoff_seconds(message.attempts, retry_seconds))
    session.flush()
    return message.status


def retry(session: Session, message_id: int, now: datetime, actor: Actor | None = None) -> OutboxMessage:
    """Give a failed message another round of attempts, starting now. Admins only (``actor`` None:
    the command line)."""
    if actor is not None and not actor.is_admin:
        raise PermissionDenied(_("Only admins manage the outbox."))
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(_("No message %(id)s in the outbox.", id=message_id))
    if message.status != MessageStatus.FAILED:
        raise ValidationError(None, _("Message %(id)s is %(status)s, not failed.", id=message_id,
                                      status=str(STATUS_LABELS[message.status.value]).lower()))
    if message.kind == MessageKind.WEBHOOK and not message.url:
        raise ValidationError(None, _("Message %(id)s cannot be sent again: its chat channel was removed.",
                                      id=message_id))
    message.status, message.attempts, message.next_attempt_at = MessageStatus.PENDING, 0, now
    session.flush()
    return message
