"""Chat channels for comms and admins (/admin/chat): add a Slack or Teams webhook, send a test
message, remove one."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hub.chat import queries, services
from hub.chat.forms import AddressForm, WebhookForm
from hub.db import get_session
from hub.errors import PermissionDenied, ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.web import show_error

bp = Blueprint("chat", __name__, url_prefix="/admin/chat")


def _require_manager() -> None:
    if not services.can_manage(current_user):
        raise PermissionDenied(_("Only comms and admins manage chat channels."))


@bp.route("", methods=["GET", "POST"])
@login_required
def channels() -> str | Response:
    _require_manager()
    db, form = get_session(), WebhookForm()
    if form.validate_on_submit():
        data = services.WebhookInput(form.kind.data, form.name.data, form.url.data, tuple(form.events.data or ()),
                                     form.areas.data or "")
        try:
            webhook = services.add_webhook(db, current_user, data,
                                           allowed_hosts=current_app.config["CHAT_WEBHOOK_HOSTS"])
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("%(kind)s channel %(name)s added. Send a test message to check it.", kind=webhook.kind.label,
                    name=webhook.name), "success")
            return redirect(url_for("chat.channels"))
    webhooks = queries.webhooks(db)
    return render_template("chat/channels.html", form=form, webhooks=webhooks, confirm=ConfirmForm(),
                           unreadable={w.id for w in webhooks if not services.readable(w)})


def _site() -> services.Site:
    return services.Site(current_app.config["BASE_URL"], current_app.config["SITE_NAME"])


@bp.post("/<int:webhook_id>/test")
@login_required
def test(webhook_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    webhook = services.send_test(get_session(), current_user, webhook_id, _site())
    flash(_("Test message queued for %(name)s; the outbox shows whether it arrived.", name=webhook.name), "success")
    return redirect(url_for("chat.channels"))


@bp.post("/<int:webhook_id>/remove")
@login_required
def remove(webhook_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    webhook = services.remove_webhook(get_session(), current_user, webhook_id)
    flash(_("%(name)s removed: hub no longer posts there.", name=webhook.name), "success")
    return redirect(url_for("chat.channels"))


@bp.post("/<int:webhook_id>/address")
@login_required
def address(webhook_id: int) -> Response:
    """The channel's webhook address typed in again."""
    form = AddressForm()
    if not form.validate_on_submit():
        flash(_("Paste the channel's incoming webhook address."), "error")
        return redirect(url_for("chat.channels"))
    try:
        webhook = services.replace_address(get_session(), current_user, webhook_id, form.url.data or "",
                                           allowed_hosts=current_app.config["CHAT_WEBHOOK_HOSTS"])
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        flash(_("The webhook address of %(name)s is saved again.", name=webhook.name), "success")
    return redirect(url_for("chat.channels"))
