"""The inventory of official accounts, an account's page, the closing steps, requests, the CSV export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hub import i18n
from hub.channels import queries, services
from hub.channels.farewell import draft_farewells
from hub.channels.forms import (
    ActivityForm,
    ApproveForm,
    ChannelForm,
    ChecklistForm,
    CloseForm,
    DeclineForm,
    RequestForm,
    StartClosingForm,
    StatusForm,
)
from hub.channels.health import WARNING_LABELS
from hub.channels.models import Channel, ChannelRequest, ChannelStatus, OpenedBy, platform_choices
from hub.db import get_session, utcnow
from hub.errors import PermissionDenied, ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.lib.timeutil import parse_day
from hub.outbox.services import queue_mail
from hub.web import csv_download, show_error

bp = Blueprint("channels", __name__)


def today() -> date:
    """Today in UTC: the day health rules and dates are judged on."""
    return utcnow().date()


def inactive_days() -> int:
    return int(current_app.config["CHANNEL_INACTIVE_DAYS"])


def load_channel(channel_id: int, *, manage: bool = True) -> Channel:
    """The account; 403 unless the current user manages accounts (or, with ``manage=False``,
    looks after this one), then 404 if there is no such account."""
    if manage:
        services.require_manager(current_user)
    channel = queries.get_channel(get_session(), channel_id)
    if not (services.can_manage(current_user) or channel.looked_after_by(current_user)):
        raise PermissionDenied(_("Only comms, admins and the account's owners can see this account."))
    return channel


def _apply(call: Callable[[], object], success: str) -> bool:
    """Run one service call: commit and flash ``success``, or flash its ValidationError. True if done."""
    try:
        call()
    except ValidationError as exc:
        show_error(None, exc)
        return False
    flash(success, "success")
    return True


def _back(channel: Channel, endpoint: str = "channels.detail") -> Response:
    return redirect(url_for(endpoint, channel_id=channel.id))


def _input(form: ChannelForm) -> services.ChannelInput:
    return services.ChannelInput(
        platform=form.platform.data or "", handle=form.handle.data or "", url=form.url.data or "",
        purpose=form.purpose.data or "", audience=form.audience.data or "", owner_id=form.owner_id.data,
        backup_owner_id=form.backup_owner_id.data, opened_by=OpenedBy(form.opened_by.data or "internal"),
        agency=form.agency.data or "", campaign=form.campaign.data or "", campaign_end=form.campaign_end.data,
        last_activity_on=form.last_activity_on.data,
    )


# --- inventory ------------------------------------------------------------------------------------


@bp.get("/channels")
@login_required
def inventory():
    services.require_manager(current_user)
    db = get_session()
    args = {k: request.args.get(k) or None for k in ("status", "platform", "problem")}
    everything = queries.inventory(db, today=today(), inactive_days=inactive_days())
    summary = queries.summarize(everything, queries.count_open_requests(db))
    rows = queries.filter_rows(everything, **args)
    return render_template(
        "channels/inventory.html",
        rows=rows,
        summary=summary,
        filters=args,
        statuses=list(ChannelStatus),
        platforms=platform_choices(),
        problems=WARNING_LABELS,
        inactive_days=inactive_days(),
    )


@bp.get("/channels.csv")
@login_required
def export_csv():
    services.require_manager(current_user)
    rows = queries.inventory(get_session(), today=today(), inactive_days=inactive_days())
    return csv_download(queries.inventory_csv(rows), f"channels-{today():%Y-%m-%d}.csv")


@bp.route("/channels/new", methods=["GET", "POST"])
@login_required
def new():
    services.require_manager(current_user)
    db = get_session()
    form = ChannelForm()
    form.set_people(queries.people(db))
    if form.validate_on_submit():
        try:
            channel = services.create_channel(db, current_user, _input(form), today=today())
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("%(account)s is in the inventory.", account=channel.label), "success")
            return redirect(url_for("channels.detail", channel_id=channel.id))
    return render_template("channels/form.html", form=form, channel=None, request_=None)


@bp.get("/channels/<int:channel_id>")
@login_required
def detail(channel_id: int):
    channel = load_channel(channel_id, manage=False)
    db = get_session()
    return render_template(
        "channels/detail.html", channel=channel, events=queries.events(db, channel),
        warnings=queries.channel_health(channel, today=today(), inactive_days=inactive_days()),
        activity_form=ActivityForm(on=today()), status_form=StatusForm(status=channel.status.value),
        can_manage=services.can_manage(current_user),
    )


@bp.route("/channels/<int:channel_id>/edit", methods=["GET", "POST"])
@login_required
def edit(channel_id: int):
    channel = load_channel(channel_id)
    db = get_session()
    form = ChannelForm(obj=channel if request.method == "GET" else None)
    form.set_people(queries.people(db), keep=[channel.owner, channel.backup_owner])
    if form.validate_on_submit():
        try:
            changed = services.update_channel(db, current_user, channel, _input(form), today=today())
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Saved.") if changed else _("Nothing changed."), "success" if changed else "info")
            return redirect(url_for("channels.detail", channel_id=channel.id))
    return render_template("channels/form.html", form=form, channel=channel, request_=None)


@bp.post("/channels/<int:channel_id>/status")
@login_required
def set_status(channel_id: int):
    channel = load_channel(channel_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    status = ChannelStatus(form.status.data)
    _apply(
        lambda: services.set_status(get_session(), current_user, channel, status, form.note.data or ""),
        _("Status: %(status)s.", status=status.label),
    )
    return _back(channel)


@bp.post("/channels/<int:channel_id>/reopen")
@login_required
def reopen(channel_id: int):
    channel = load_channel(channel_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _apply(lambda: services.set_status(get_session(), current_user, channel, ChannelStatus.ACTIVE, "Reopened."),
           _("The account is active again."))
    return _back(channel)


@bp.post("/channels/<int:channel_id>/activity")
@login_required
def record_activity(channel_id: int):
    channel = load_channel(channel_id, manage=False)
    form = ActivityForm()
    if not form.validate_on_submit():
        flash(_("Give the date of the post (and a full https:// link, if any)."), "error")
    else:
        _apply(
            lambda: services.record_activity(
                get_session(),
                current_user,
                channel,
                form.on.data,
                today=today(),
                link=form.link.data or "",
                note=form.note.data or "",
            ),
            _("Activity recorded."),
        )
    return _back(channel)


# --- closing --------------------------------------------------------------------------------------


def _farewell_date() -> date | None:
    return parse_day(request.args.get("on"))  # None when unreadable or beyond hub's calendar


@bp.get("/channels/<int:channel_id>/close")
@login_required
def close(channel_id: int):
    channel = load_channel(channel_id)
    context: dict[str, object] = {"channel": channel, "checklist": services.CHECKLIST}
    if channel.status == ChannelStatus.CLOSING:
        closes_on = _farewell_date()
        drafts = draft_farewells(services.farewell_facts(channel, closes_on=closes_on))
        own = drafts.get(channel.platform)
        context |= {
            "drafts": drafts, "own": own, "closes_on": closes_on, "done": channel.checklist_done(),
            "checklist_form": ChecklistForm(farewell_text=channel.farewell_text or (own.text if own else "")),
            "close_form": CloseForm(closed_on=today()),
        }
    elif channel.status != ChannelStatus.CLOSED:
        form = StartClosingForm()
        choices = services.main_account_choices(get_session(), channel)
        form.set_accounts(choices)
        context |= {"start_form": form, "choices": choices}
    return render_template("channels/close.html", **context)


@bp.post("/channels/<int:channel_id>/close/start")
@login_required
def start_closing(channel_id: int):
    channel = load_channel(channel_id)
    db = get_session()
    form = StartClosingForm()
    form.set_accounts(services.main_account_choices(db, channel))
    if not form.validate_on_submit():
        flash(_("Pick the account to send followers to."), "error")
    else:
        _apply(
            lambda: services.start_closing(
                db, current_user, channel, queries.get_channel(db, form.main_channel_id.data)
            ),
            _("Closing started. Post the farewell, then work through the checklist."),
        )
    return _back(channel, "channels.close")


@bp.post("/channels/<int:channel_id>/close/checklist")
@login_required
def save_checklist(channel_id: int):
    channel = load_channel(channel_id)
    form = ChecklistForm()
    if not form.validate_on_submit():
        abort(400)
    _apply(lambda: services.save_checklist(get_session(), current_user, channel, request.form.getlist("done"),
                                           farewell_text=form.farewell_text.data), _("Checklist saved."))
    return _back(channel, "channels.close")


@bp.post("/channels/<int:channel_id>/close/finish")
@login_required
def finish_closing(channel_id: int):
    channel = load_channel(channel_id)
    form = CloseForm()
    if not form.validate_on_submit():
        flash(_("Give the date the account was closed."), "error")
        return _back(channel, "channels.close")
    closed = _apply(
        lambda: services.close_channel(
            get_session(), current_user, channel, form.closed_on.data, today=today(), note=form.note.data or ""
        ),
        _("%(account)s is closed. It stays in the inventory with its history.", account=channel.label),
    )
    return _back(channel, "channels.detail" if closed else "channels.close")


@bp.post("/channels/<int:channel_id>/close/cancel")
@login_required
def cancel_closing(channel_id: int):
    channel = load_channel(channel_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _apply(
        lambda: services.cancel_closing(get_session(), current_user, channel),
        _("Closing cancelled: the account is active again."),
    )
    return _back(channel)


# --- requests -------------------------------------------------------------------------------------


@bp.route("/channels/request", methods=["GET", "POST"])
@login_required
def request_new():
    db = get_session()
    form = RequestForm()
    if form.validate_on_submit():
        data = services.RequestInput(form.platform.data, form.purpose.data, form.audience.data, form.handle.data or "")
        try:
            services.request_channel(db, current_user, data)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Request sent. Comms will get back to you here and by e-mail."), "success")
            return redirect(url_for("channels.request_new"))
    return render_template(
        "channels/request.html",
        form=form,
        mine=queries.requests(db, requester=current_user),
        looked_after=queries.looked_after_by(db, current_user),
    )


@bp.get("/channels/requests")
@login_required
def requests():
    services.require_manager(current_user)
    return render_template(
        "channels/requests.html", requests=queries.requests(get_session()), decline_form=DeclineForm()
    )


def _decision_sentence(req: ChannelRequest) -> str:
    """"Ada approved your request for a LinkedIn account (@acme)." (or declined), whole sentences."""
    who = req.decided_by.display_name if req.decided_by else _("Comms")
    values = {"who": who, "platform": req.platform_name, "handle": req.handle}
    if req.channel_id:
        if req.handle:
            return _("%(who)s approved your request for a %(platform)s account (%(handle)s).", **values)
        return _("%(who)s approved your request for a %(platform)s account.", **values)
    if req.handle:
        return _("%(who)s declined your request for a %(platform)s account (%(handle)s).", **values)
    return _("%(who)s declined your request for a %(platform)s account.", **values)


def _tell_requester(req: ChannelRequest) -> None:
    # In the requester's language (when they chose one), not the decider's.
    with i18n.in_language(i18n.language_for(req.requester)):
        lines = [_("Hello %(name)s,", name=req.requester.display_name), "", _decision_sentence(req)]
        if req.decision_note:
            lines += ["", req.decision_note]
        lines += ["", current_app.config["BASE_URL"] + url_for("channels.request_new")]
        subject = (
            _("Your request for a %(platform)s account was approved", platform=req.platform_name)
            if req.channel_id
            else _("Your request for a %(platform)s account was declined", platform=req.platform_name)
        )
        queue_mail(get_session(), to=req.requester.email, subject=subject, body="\n".join(lines) + "\n")


def _proposed(req: ChannelRequest) -> dict[str, object]:
    """The account as asked for, to start the approval form from: its requester owns it, if still here."""
    return {
        "platform": req.platform,
        "handle": req.handle,
        "purpose": req.purpose,
        "audience": req.audience,
        "owner_id": req.requester_id if req.requester.is_active else None,
    }


@bp.route("/channels/requests/<int:request_id>/approve", methods=["GET", "POST"])
@login_required
def approve(request_id: int):
    services.require_manager(current_user)
    db = get_session()
    req = queries.get_request(db, request_id)
    if not req.is_open:
        flash(services.already_decided(req), "info")
        return redirect(url_for("channels.requests"))
    form = ApproveForm(data=_proposed(req) if request.method == "GET" else None)
    form.set_people(queries.people(db))
    if form.validate_on_submit():
        try:
            channel = services.approve_request(
                db, current_user, req, _input(form), today=today(), note=form.note.data or ""
            )
        except ValidationError as exc:
            show_error(form, exc)
        else:
            _tell_requester(req)
            flash(
                _("%(account)s is in the inventory; %(name)s was told.", account=channel.label,
                  name=req.requester.display_name),
                "success",
            )
            return redirect(url_for("channels.detail", channel_id=channel.id))
    return render_template("channels/form.html", form=form, channel=None, request_=req)


@bp.post("/channels/requests/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    services.require_manager(current_user)
    db = get_session()
    req = queries.get_request(db, request_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_("Tell the requester why."), "error")
        return redirect(url_for("channels.requests"))
    try:
        services.decline_request(db, current_user, req, form.note.data)
    except ValidationError as exc:
        show_error(None, exc)
    else:
        _tell_requester(req)
        flash(_("Declined; %(name)s was told.", name=req.requester.display_name), "success")
    return redirect(url_for("channels.requests"))
