"""The outbox for admins (/admin/outbox, linked from People): what waits, what failed and why, and
trying a failed message again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hub.db import get_session, utcnow
from hub.errors import ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.outbox import queries, services
from hub.outbox.models import STATUS_LABELS, MessageStatus

bp = Blueprint("outbox", __name__)


@bp.get("/admin/outbox")
@login_required
def messages():
    if not current_user.is_admin:
        abort(403)
    status = request.args.get("status") or None
    if status not in (None, *(s.value for s in MessageStatus)):
        abort(400, _("Unknown status."))
    db = get_session()
    return render_template("outbox/messages.html", counts=queries.counts(db), status=status,
                           messages=queries.messages(db, MessageStatus(status) if status else None, limit=100),
                           confirm=ConfirmForm(), status_labels=STATUS_LABELS)


@bp.post("/admin/outbox/<int:message_id>/retry")
@login_required
def retry(message_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.retry(get_session(), message_id, utcnow(), actor=current_user)
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Message %(id)s will be sent again.", id=message_id), "success")
    return redirect(url_for("outbox.messages", status="failed"))
