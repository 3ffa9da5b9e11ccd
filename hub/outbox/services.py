"""Queueing messages, and the steps of delivering them: claim, then record what happened."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from blinker import Namespace
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

_signals = Namespace()
webhook_address = _signals.signal("hub.outbox.webhook-address")
"""Asked as ``webhook_address.send(target, session=...)`` when a webhook message is delivered: the
domain that owns ``target`` (e.g. hub.chat for "chat:12") returns the address to POST to, None
when the target is not its own, or raises Undeliverable when it cannot give one."""


class Undeliverable(Exception):
    """A webhook message that no attempt can deliver (its address is gone or unreadable): it fails
    at once, with this reason, instead of being retried."""


def address_of(session: Session, target: str) -> str:
    """The address a webhook ``target`` stands for, as its owner answers ``webhook_address``."""
    for _receiver, answer in webhook_address.send(target, session=session):
        if answer:
            return str(answer)
    raise Undeliverable(f"No address is known for {target}: its owner removed it.")


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


def queue_webhook(session: Session, *, target: str, label: str, summary: str, payload: dict[str, Any],
                  dedupe_key: str | None = None) -> OutboxMessage | None:
    """Queue one JSON POST to an incoming webhook in the session's transaction (sent after the
    commit, with the same retries as mail). ``target`` names whose webhook it is ("chat:12"): the
    address itself, a secret, is asked for at delivery (``webhook_address``) and never stored here.
    ``label`` names the receiver in listings. With ``dedupe_key``, nothing is queued (None) when a
    message with that key was queued before."""
    if not target or "://" in target or len(target) > 120:
        raise ValidationError(None, "A webhook message names its target (e.g. chat:12), not an address.")
    if dedupe_key is not None and session.scalar(
        sa.select(sa.exists().where(OutboxMessage.dedupe_key == dedupe_key))
    ):
        return None
    message = OutboxMessage(kind=MessageKind.WEBHOOK, recipient=" ".join(label.split())[:320],
                            subject=" ".join(summary.split())[:300], target=target,
                            body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                            dedupe_key=dedupe_key, status=MessageStatus.PENDING)
    session.add(message)
    session.flush()
    session.info[QUEUED] = True
    return message


def cancel_webhooks(session: Session, target: str, reason: str) -> int:
    """Mark every message still waiting for ``target`` failed with ``reason``, and forget the target
    of all its messages (the webhook was removed: nothing more is sent to it). Returns how many
    were waiting."""
    mine = (OutboxMessage.kind == MessageKind.WEBHOOK, OutboxMessage.target == target)
    result = session.execute(
        sa.update(OutboxMessage)
        .where(*mine, OutboxMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.FAILED, last_error=reason[:2000])
        .execution_options(synchronize_session=False)
    )
    session.execute(sa.update(OutboxMessage).where(*mine).values(target=None)
                    .execution_options(synchronize_session=False))
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
    """The message left."""
    message.status = MessageStatus.SENT
    message.sent_at = now
    message.last_error = None
    session.flush()


def record_failure(session: Session, message: OutboxMessage, error: str, now: datetime, *,
                   max_attempts: int, retry_seconds: float, give_up: bool = False) -> MessageStatus:
    """The attempt failed: retry later with backoff, or give up after ``max_attempts`` (at once
    with ``give_up``: no later attempt can do better)."""
    message.last_error = error[:2000]
    if give_up or message.attempts >= max_attempts:
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
    if message.kind == MessageKind.WEBHOOK and not message.target:
        raise ValidationError(None, _("Message %(id)s cannot be sent again: its chat channel was removed.",
                                      id=message_id))
    message.status, message.attempts, message.next_attempt_at = MessageStatus.PENDING, 0, now
    session.flush()
    return message
