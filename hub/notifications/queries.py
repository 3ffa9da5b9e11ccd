"""Reads for notifications: a person's list, the unread count, one line per item, digests."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime, timedelta
from itertools import groupby
from operator import attrgetter
from typing import Any

import sqlalchemy as sa
from flask import has_app_context
from flask_babel import force_locale
from sqlalchemy.orm import Session, contains_eager, joinedload

from hub.auth.models import User, UserStatus
from hub.errors import NotFound
from hub.i18n import _, _n
from hub.notifications.models import Notification, NotificationKind
from hub.posts.models import Post
from hub.suggestions import rules

DIGEST_MIN_INTERVAL = timedelta(hours=20)  # "daily", even if cron runs the command more often


# What describe() and notification_url() read, loaded with the notifications.
_DESCRIBED = (
    joinedload(Notification.actor),
    joinedload(Notification.post).joinedload(Post.current_revision),
    joinedload(Notification.post).joinedload(Post.live_revision),
    joinedload(Notification.topic),
    joinedload(Notification.suggestion),
)


def notifications(session: Session, user: User, *, limit: int = 100) -> Sequence[Notification]:
    """``user``'s notifications, newest first."""
    return session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .options(*_DESCRIBED)
        .order_by(Notification.id.desc())
        .limit(limit)
    ).all()


def unread_count(session: Session, user_id: int) -> int:
    """How many of the person's notifications are unread."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def get_notification(session: Session, user: User, notification_id: int) -> Notification:
    """One of ``user``'s own notifications, or NotFound (others' are never shown)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("No such notification."))
    return notification


def _post_title(post: Post | None, viewer_id: int) -> str:
    """The title of ``post`` as the notification's recipient may see it: its author, the newest
    title; colleagues, the title of the revision they may open (the live one of a published post,
    the newest of a draft opened for feedback); otherwise no title at all, since an unpublished
    post may have been renamed in private since."""
    # The fragments stand where a sentence names the post (German: in the dative, "zu einem Beitrag").
    if post is None:
        return _("a post")
    if viewer_id == post.author_id:
        revision = post.current_revision
    elif rules.open_for_suggestions(post):
        revision = rules.suggestable_revision(post)
    else:
        return _("a post that is not public now")
    return _("“%(title)s”", title=revision.title) if revision and revision.title else _("an untitled post")


def describe(n: Notification) -> str:
    """One line saying what happened, for the list and the e-mail digest."""
    who = n.actor.display_name if n.actor else _("Someone")
    post = _post_title(n.post, n.user_id)
    topic = _("“%(title)s”", title=n.topic.title) if n.topic else _("a topic")
    kind = n.kind
    if kind == NotificationKind.SUGGESTION:
        if n.suggestion and n.suggestion.is_edit:
            return _("%(who)s suggested an edit to %(post)s", who=who, post=post)
        return _("%(who)s commented on %(post)s", who=who, post=post)
    if kind == NotificationKind.REPLY:
        return _("%(who)s replied in a conversation on %(post)s", who=who, post=post)
    if kind == NotificationKind.ACCEPTED:
        return _("%(who)s accepted your suggestion on %(post)s", who=who, post=post)
    if kind == NotificationKind.DECLINED:
        return _("%(who)s declined your suggestion on %(post)s", who=who, post=post)
    if kind == NotificationKind.TOPIC_NEW:
        if n.topic and n.topic.audience:
            return _("New topic %(topic)s for %(audience)s", topic=topic, audience=n.topic.audience)
        return _("New topic %(topic)s", topic=topic)
    if kind == NotificationKind.TOPIC_POST:
        return _("%(who)s published %(post)s for the topic %(topic)s", who=who, post=post, topic=topic)
    if kind == NotificationKind.TOPIC_ADDED:
        return _("%(who)s added your proposed topic %(topic)s to the board", who=who, topic=topic)
    return _("A reader left feedback on %(post)s", post=post)


def digests_due(session: Session, now: datetime) -> list[tuple[User, list[Notification]]]:
    """Each active person who asked for the digest, with the unread notifications that came
    since their last one (people with nothing new are left out). One query for everyone."""
    rows = session.scalars(
        sa.select(Notification)
        .join(Notification.user)
        .where(
            User.digest_opt_in.is_(True),
            User.status == UserStatus.ACTIVE,
            sa.or_(User.digest_sent_at.is_(None), User.digest_sent_at <= now - DIGEST_MIN_INTERVAL),
            Notification.read_at.is_(None),
            sa.or_(User.digest_sent_at.is_(None), Notification.created_at > User.digest_sent_at),
        )
        .options(contains_eager(Notification.user), *_DESCRIBED)
        .order_by(User.id, Notification.id)
    )
    return [(person, list(items)) for person, items in groupby(rows, key=attrgetter("user"))]


def digest_text(
    person: User, items: Sequence[Notification], *, site_name: str, link: Any, profile_url: str
) -> tuple[str, str]:
    """The subject and plain-text body of ``person``'s digest; ``link(notification)`` gives each
    item's absolute address."""
    count = len(items)
    language = getattr(person, "language", None) or "en"  # the person's own choice, once they can make one
    with force_locale(language) if has_app_context() else nullcontext():
        subject = _n("%(num)d new thing on %(site)s", "%(num)d new on %(site)s", count, site=site_name)
        lines = [_("Hello %(name)s,", name=person.display_name), "",
                 _("Here is what happened since your last digest:"), ""]
        for n in items:
            lines += [f"- {describe(n)}", f"  {link(n)}"]
        lines += [
            "",
            _("You get this at most once a day because you asked for it. Switch it off on your profile: %(url)s",
              url=profile_url),
            "",
        ]
    return subject, "\n".join(lines)
