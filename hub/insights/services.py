"""Domain verbs for listening (reader feedback and the answers to it) and the leaderboard switch."""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from hub import throttle
from hub.auth.models import User
from hub.db import utcnow
from hub.errors import NotFound, PermissionDenied, TooManyRequests, ValidationError
from hub.i18n import _, _l
from hub.insights.models import Feedback, FeedbackStatus
from hub.insights.queries import LEADERBOARD_KEY, can_handle
from hub.posts.models import Post
from hub.sharing.services import set_setting

NAME_MAX = 120
EMAIL_MAX = 254
MESSAGE_MIN = 3
MESSAGE_MAX = 5_000
NOTE_MAX = 5_000
RESPONSE_MAX = 5_000
TOO_MUCH_FEEDBACK = _l("You have sent a lot of feedback in a short time. Wait a few minutes and send it again: "
                        "your message is still here.")

_signals = Namespace()
feedback_received = _signals.signal("hub.feedback-received")
"""Sent as ``feedback_received.send(post, session=..., feedback=...)`` when a reader leaves
feedback (hub.notifications tells the post's author)."""


@dataclass(frozen=True)
class FeedbackInput:
    """What a reader typed; ``website`` is the honeypot field people never see."""

    message: str
    name: str = ""
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class RateLimit:
    key: str  # e.g. "feedback:addr:<client address>"
    limit: int
    window: int  # seconds


def _clean_line(value: str, field: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise ValidationError(field, _("Keep it under %(num)s characters.", num=limit))
    return value


def submit_feedback(session: Session, post: Post, data: FeedbackInput, rate: RateLimit) -> Feedback:
    """Store a reader's feedback on a published post and tell its author. Raises
    ValidationError (message, name, e-mail, honeypot) or TooManyRequests; nothing is stored then."""
    if not post.is_public:
        raise NotFound(_("Feedback goes to published posts only."))
    if throttle.peek(rate.key, rate.window) >= rate.limit:  # a quick no; the atomic check is below
        raise TooManyRequests(str(TOO_MUCH_FEEDBACK))
    if (data.website or "").strip():
        throttle.hit(rate.key, rate.limit, rate.window)  # robots fill every field; count them
        raise ValidationError("website", _("Leave this field empty (it is there to catch robots) and send again."))
    message = (data.message or "").replace("\r\n", "\n").strip()
    if len(message) < MESSAGE_MIN:
        raise ValidationError("message", _("Write a few words for the author."))
    if len(message) > MESSAGE_MAX:
        raise ValidationError("message", _("Keep it under %(num)s characters.", num=MESSAGE_MAX))
    name = _clean_line(data.name, "name", NAME_MAX)
    email = _clean_line(data.email, "email", EMAIL_MAX)
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValidationError(
                "email", _("That e-mail address does not look right. Correct it, or leave it empty.")
            ) from None
    if not throttle.hit(rate.key, rate.limit, rate.window).allowed:  # counted and decided in one atomic step
        raise TooManyRequests(str(TOO_MUCH_FEEDBACK))
    feedback = Feedback(post_id=post.id, name=name, email=email, message=message)
    session.add(feedback)
    session.flush()
    feedback_received.send(post, session=session, feedback=feedback)
    return feedback




@dataclass(frozen=True)
class FeedbackUpdate:
    status: FeedbackStatus
    internal_note: str = ""
    public_response: str = ""


def update_feedback(session: Session, actor: User, feedback: Feedback, data: FeedbackUpdate) -> Feedback:
    """Change the status, internal note and public response. The first change away from "new"
    (or the first public response) is the first response; a public response is dated when its
    text changes, and shown under the post."""
    if not can_handle(actor, feedback):
        raise PermissionDenied(_("Only the post's author and comms can handle its feedback."))
    note = (data.internal_note or "").replace("\r\n", "\n").strip()
    response = (data.public_response or "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError("internal_note", _("Keep the note under %(num)s characters.", num=NOTE_MAX))
    if len(response) > RESPONSE_MAX:
        raise ValidationError("public_response", _("Keep the response under %(num)s characters.", num=RESPONSE_MAX))
    status = FeedbackStatus(data.status)
    if status == FeedbackStatus.NEW and response:
        status = FeedbackStatus.ACKNOWLEDGED  # answering publicly is acknowledging
    now = utcnow()
    changed = status != feedback.status or note != feedback.internal_note or response != feedback.public_response
    if not changed:
        return feedback
    if response != feedback.public_response:
        feedback.responded_at = now if response else None
    if feedback.first_response_at is None and (status != FeedbackStatus.NEW or response):
        feedback.first_response_at = now
    feedback.status = status
    feedback.internal_note = note
    feedback.public_response = response
    feedback.handled_by_id = actor.id
    feedback.updated_at = now
    session.flush()
    return feedback


def set_leaderboard(session: Session, actor: User, enabled: bool) -> None:
    """Admins switch the leaderboard on or off (it is off until they do)."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only admins can switch the leaderboard on or off."))
    set_setting(session, actor, LEADERBOARD_KEY, "1" if enabled else "")
