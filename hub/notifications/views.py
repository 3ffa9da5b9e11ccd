"""A person's notifications: the list, opening one, marking all read, the header's count."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from hub.db import get_session
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.notifications import queries, services
from hub.notifications.models import Notification, NotificationKind

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread_notifications() -> dict[str, Any]:
    """``unread_notifications`` for the header: the count for signed-in people, else 0."""
    if not current_user.is_authenticated:
        return {"unread_notifications": 0}
    try:
        return {"unread_notifications": queries.unread_count(get_session(), current_user.id)}
    except SQLAlchemyError:  # an error page about a broken database must still render
        return {"unread_notifications": 0}


@bp.app_template_filter("notification_text")
def _notification_text(n: Notification) -> str:
    return queries.describe(n)


def notification_url(n: Notification, **kw: Any) -> str:
    """Where a notification leads: the conversation, the post, or the topic."""
    if n.suggestion_id is not None:
        return url_for("suggestions.thread", suggestion_id=n.suggestion_id, **kw)
    if n.kind == NotificationKind.TOPIC_POST and n.post is not None:
        return url_for("public.post", post_id=n.post_id, slug=n.post.slug, **kw)
    if n.topic_id is not None:
        return url_for("topics.show", topic_id=n.topic_id, **kw)
    if n.kind == NotificationKind.FEEDBACK:
        return url_for("insights.inbox", **kw)
    return url_for("notifications.index", **kw)


@bp.get("/notifications")
@login_required
def index():
    return render_template(
        "notifications/index.html", items=queries.notifications(get_session(), current_user)
    )


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    n = queries.get_notification(get_session(), current_user, notification_id)
    if ConfirmForm().validate_on_submit():
        services.mark_read(get_session(), current_user, n)
    return redirect(notification_url(n))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    if ConfirmForm().validate_on_submit():
        services.mark_read(get_session(), current_user)
        flash(_("All caught up."), "success")
    return redirect(url_for("notifications.index"))
