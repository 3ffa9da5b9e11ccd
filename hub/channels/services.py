"""Domain verbs for official accounts: register, change, record activity, close; request and decide.

Comms and admins manage accounts; an account's owner and backup owner may record activity on
it; anyone may request a new account. Nothing is deleted: every change leaves a ``ChannelEvent``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub.auth.models import User
from hub.channels.farewell import FarewellFacts
from hub.channels.models import (
    CHANNEL_PLATFORMS,
    Channel,
    ChannelChecklistItem,
    ChannelEvent,
    ChannelRequest,
    ChannelStatus,
    OpenedBy,
    RequestStatus,
    changed_note,
    checklist_note,
    closed_note,
    main_account_note,
    posted_note,
    requested_note,
    status_note,
)
from hub.db import utcnow
from hub.errors import PermissionDenied, ValidationError
from hub.i18n import _, _l, _n
from hub.platforms import PLATFORMS, measure
from hub.templating import number

HANDLE_MAX = 200
URL_MAX = 500
TEXT_MAX = 4000
NOTE_MAX = 2000

# The closing checklist: every step can always be done ("... or confirm there are none").
# The labels are lazy: translated when the closing page shows them.
CHECKLIST: tuple[tuple[str, Any], ...] = (
    ("farewell_posted", _l("Post the farewell message, and pin it where the platform allows")),
    ("profile_updated", _l("Point the bio and profile link to the main account")),
    ("payments_removed", _l("Remove ad accounts and payment methods (or confirm there are none)")),
    ("access_secured", _l("Remove agency and former staff access; keep the credentials in the company vault")),
    ("content_archived", _l("Download an archive of the account's posts and followers")),
    ("deletion_planned", _l("Agree when the account will be deactivated or deleted on the platform")),
)
CHECKLIST_KEYS = tuple(key for key, _label in CHECKLIST)


def can_manage(actor: User) -> bool:
    """Comms and admins register, change and close accounts and decide requests."""
    return actor.is_active and actor.is_comms


def can_record_activity(actor: User, channel: Channel) -> bool:
    """Comms, admins and the account's owner and backup owner record activity."""
    return actor.is_active and (actor.is_comms or channel.looked_after_by(actor))


def require_manager(actor: User) -> None:
    """PermissionDenied unless ``actor`` may manage accounts (see ``can_manage``)."""
    if not can_manage(actor):
        raise PermissionDenied(_("Only comms and admins can manage the company's accounts."))


def _event(
    session: Session, channel: Channel, actor: User | None, kind: str, note: str = "", link: str = "", *,
    auto: dict[str, Any] | None = None,
) -> None:
    """Record what happened; ``note``: what a person typed (kept verbatim), ``auto``: hub's own
    words, as facts (``hub.channels.models.event_sentence``: shown in each reader's language)."""
    session.add(ChannelEvent(channel_id=channel.id, actor_id=actor.id if actor else None, kind=kind,
                             note=note.strip()[:NOTE_MAX], auto_note=auto, link=link[:URL_MAX]))


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def check_url(url: str, field: str = "url") -> str:
    """``url`` trimmed, if it is an absolute http(s) address; else ValidationError(field)."""
    url = (url or "").strip()
    if len(url) > URL_MAX:
        raise ValidationError(field, _("Keep the address under %(max)d characters.", max=URL_MAX))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise ValidationError(field, _("Give the full address, starting with https://"))
    return url


def _check_platform(platform: str) -> str:
    if platform not in CHANNEL_PLATFORMS:
        raise ValidationError("platform", _("Pick a platform from the list."))
    return platform


def _check_person(session: Session, user_id: int | None, field: str) -> int | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None:
        raise ValidationError(field, _("That person does not exist."))
    if not user.is_active:
        raise ValidationError(
            field, _("%(name)s was deactivated: pick someone who is still here.", name=user.display_name)
        )
    return user.id


@dataclass(frozen=True)
class ChannelInput:
    """What comms enter about an account."""

    platform: str
    handle: str
    url: str
    purpose: str = ""
    audience: str = ""
    owner_id: int | None = None
    backup_owner_id: int | None = None
    opened_by: OpenedBy = OpenedBy.INTERNAL
    agency: str = ""
    campaign: str = ""
    campaign_end: date | None = None
    last_activity_on: date | None = None


def _checked(session: Session, data: ChannelInput, *, today: date, current: Channel | None = None) -> dict[str, object]:
    handle = _clean(data.handle)
    if not handle:
        raise ValidationError("handle", _("Give the account's handle or name."))
    if len(handle) > HANDLE_MAX:
        raise ValidationError("handle", _("Keep the handle under %(max)d characters.", max=HANDLE_MAX))
    for field, value in (("purpose", data.purpose), ("audience", data.audience)):
        if len(value or "") > TEXT_MAX:
            raise ValidationError(field, _("Keep this under %(max)d characters.", max=TEXT_MAX))
    owner_id = (
        data.owner_id
        if current is not None and data.owner_id == current.owner_id
        else _check_person(session, data.owner_id, "owner_id")
    )
    backup_id = (
        data.backup_owner_id
        if current is not None and data.backup_owner_id == current.backup_owner_id
        else _check_person(session, data.backup_owner_id, "backup_owner_id")
    )
    if owner_id is not None and owner_id == backup_id:
        raise ValidationError("backup_owner_id", _("The backup owner must be someone other than the owner."))
    agency = _clean(data.agency)
    if data.opened_by == OpenedBy.AGENCY and not agency:
        raise ValidationError("agency", _("Name the agency that opened the account."))
    if data.last_activity_on is not None and data.last_activity_on > today:
        raise ValidationError("last_activity_on", _("The last activity cannot be in the future."))
    if data.campaign_end is not None and not _clean(data.campaign):
        raise ValidationError("campaign", _("Name the campaign that ends on that date."))
    return {
        "platform": _check_platform(data.platform),
        "handle": handle,
        "url": check_url(data.url),
        "purpose": (data.purpose or "").strip(),
        "audience": (data.audience or "").strip(),
        "owner_id": owner_id,
        "backup_owner_id": backup_id,
        "opened_by": OpenedBy(data.opened_by),
        "agency": agency if data.opened_by == OpenedBy.AGENCY else "",
        "campaign": _clean(data.campaign)[:200],
        "campaign_end": data.campaign_end,
        "last_activity_on": data.last_activity_on,
    }


def _duplicate(session: Session, platform: str, handle: str, exclude: int | None = None) -> Channel | None:
    stmt = sa.select(Channel).where(
        Channel.platform == platform,
        sa.func.lower(Channel.handle) == handle.lower(),
        Channel.status != ChannelStatus.CLOSED,
    )
    if exclude is not None:
        stmt = stmt.where(Channel.id != exclude)
    return session.scalars(stmt).first()


def create_channel(
    session: Session, actor: User, data: ChannelInput, *, today: date, note: str = "", requested_by: User | None = None
) -> Channel:
    """Register an official account (comms and admins); ``note`` goes into its history, and who
    asked for it (``requested_by``), when it was made for a request."""
    require_manager(actor)
    values = _checked(session, data, today=today)
    if _duplicate(session, str(values["platform"]), str(values["handle"])) is not None:
        raise ValidationError("handle", _("This account is already in the inventory."))
    channel = Channel(**values, status=ChannelStatus.ACTIVE, created_by_id=actor.id)
    session.add(channel)
    session.flush()
    auto = requested_note(requested_by.display_name) if requested_by is not None else None
    _event(session, channel, actor, "created", note, auto=auto)
    return channel


def update_channel(session: Session, actor: User, channel: Channel, data: ChannelInput, *, today: date) -> list[str]:
    """Change an account's details; returns what changed (recorded in its history).

    A closed account is history: reopen it first. An owner who has left may stay on the
    record while other details change, but nobody deactivated can be newly made owner.
    """
    require_manager(actor)
    if channel.is_closed:
        raise ValidationError(None, _("This account is closed. Reopen it to change its details."))
    values = _checked(session, data, today=today, current=channel)
    if _duplicate(session, str(values["platform"]), str(values["handle"]), exclude=channel.id) is not None:
        raise ValidationError("handle", _("Another account in the inventory has this handle."))
    changed = [name for name, value in values.items() if getattr(channel, name) != value]
    for name in changed:
        setattr(channel, name, values[name])
    if changed:
        channel.updated_at = utcnow()
        _event(session, channel, actor, "updated", auto=changed_note(changed))
    return changed


def set_status(session: Session, actor: User, channel: Channel, status: ChannelStatus, note: str = "") -> None:
    """Mark an account active or dormant, or reopen a closed one. Closing goes through the
    closing flow (``start_closing`` ... ``close_channel``)."""
    require_manager(actor)
    status = ChannelStatus(status)
    if status in (ChannelStatus.CLOSING, ChannelStatus.CLOSED):
        raise ValidationError(
            "status", _("Close an account with the closing steps, so followers are told where to go.")
        )
    if status == channel.status:
        return
    previous = channel.status
    channel.status = status
    if previous == ChannelStatus.CLOSED:
        channel.closed_on = None
    channel.updated_at = utcnow()
    _event(session, channel, actor, "status", note, auto=status_note(previous, status))


def record_activity(
    session: Session, actor: User, channel: Channel, on: date, *, today: date, link: str = "", note: str = ""
) -> None:
    """Record that someone posted on the account on ``on``; moves ``last_activity_on`` forward."""
    if not can_record_activity(actor, channel):
        raise PermissionDenied(_("Only comms, admins and the account's owners can record activity."))
    if channel.is_closed:
        raise ValidationError(None, _("This account is closed."))
    if on > today:
        raise ValidationError("on", _("Activity cannot be in the future."))
    if on.year < 2000:
        raise ValidationError("on", _("Check the date."))
    link = check_url(link, "link") if (link or "").strip() else ""
    if channel.last_activity_on is None or on > channel.last_activity_on:
        channel.last_activity_on = on
    channel.updated_at = utcnow()
    _event(session, channel, actor, "activity", note, link, auto=posted_note(on))


# --- closing --------------------------------------------------------------------------------------


def main_account_choices(session: Session, channel: Channel) -> list[Channel]:
    """Accounts a closing one may point its followers to: the other active ones, those on the
    same platform first."""
    others = session.scalars(
        sa.select(Channel)
        .where(Channel.id != channel.id, Channel.status == ChannelStatus.ACTIVE)
        .order_by(Channel.handle)
    ).all()
    return sorted(others, key=lambda c: (c.platform != channel.platform, c.platform, c.handle.casefold()))


def start_closing(session: Session, actor: User, channel: Channel, main: Channel) -> None:
    """Step 1 of closing: choose the account to send followers to; the account is now "closing"."""
    require_manager(actor)
    if channel.status in (ChannelStatus.CLOSING, ChannelStatus.CLOSED):
        raise ValidationError(
            None,
            _("This account is already closed.")
            if channel.status == ChannelStatus.CLOSED
            else _("This account is already closing."),
        )
    if main.id == channel.id or main.status != ChannelStatus.ACTIVE:
        raise ValidationError("main_channel_id", _("Pick another active account to send followers to."))
    channel.main_channel_id = main.id
    channel.main_channel = main
    channel.status = ChannelStatus.CLOSING
    channel.updated_at = utcnow()
    _event(session, channel, actor, "closing_started", auto=main_account_note(main.handle, main.platform))


def farewell_facts(channel: Channel, *, closes_on: date | None = None) -> FarewellFacts:
    """What the farewell drafts of a closing account say (it must have a main account)."""
    main = channel.main_channel
    if main is None:
        raise ValidationError("main_channel_id", _("Choose the main account first."))
    return FarewellFacts(
        closing_handle=channel.handle,
        closing_platform=channel.platform,
        main_handle=main.handle,
        main_platform=main.platform,
        main_platform_name=CHANNEL_PLATFORMS.get(main.platform, main.platform),  # content: never translated
        main_url=main.url,
        closes_on=closes_on,
    )


def save_checklist(
    session: Session, actor: User, channel: Channel, done: set[str] | list[str], *, farewell_text: str | None = None
) -> None:
    """Step 2 of closing: record which checklist steps are done, and the farewell as posted.

    The farewell must fit the account's platform, as that platform counts (where hub knows it).
    """
    require_manager(actor)
    if channel.status != ChannelStatus.CLOSING:
        raise ValidationError(None, _("Start closing the account first."))
    unknown = set(done) - set(CHECKLIST_KEYS)
    if unknown:
        raise ValidationError(None, _("Unknown checklist step."))
    if farewell_text is not None:
        text = farewell_text.strip()
        spec = PLATFORMS.get(channel.platform)
        if spec is not None and text and measure(channel.platform, text) > spec.limit:
            raise ValidationError(
                "farewell_text",
                _(
                    "Too long for %(platform)s: %(count)s of %(limit)s.",
                    platform=spec.name,
                    count=number(measure(channel.platform, text)),
                    limit=number(spec.limit),
                ),
            )
        if len(text) > 70_000:
            raise ValidationError("farewell_text", _("That farewell is far too long."))
        channel.farewell_text = text
    before = channel.checklist_done()
    after = set(done)
    for item in list(channel.checklist):
        if item.key not in after:
            channel.checklist.remove(item)
    for key in CHECKLIST_KEYS:
        if key in after and key not in before:
            channel.checklist.append(ChannelChecklistItem(key=key, done_by_id=actor.id))
    if before != after:
        _event(session, channel, actor, "checklist", auto=checklist_note(len(after), len(CHECKLIST_KEYS)))
    channel.updated_at = utcnow()
    session.flush()


def close_channel(
    session: Session, actor: User, channel: Channel, closed_on: date, *, today: date, note: str = ""
) -> None:
    """Step 3 of closing: mark the account closed on ``closed_on``, once every step is done.

    Nothing is deleted: the account, its history and its farewell stay in the inventory."""
    require_manager(actor)
    if channel.status != ChannelStatus.CLOSING:
        raise ValidationError(None, _("Start closing the account first."))
    left = len(set(CHECKLIST_KEYS) - channel.checklist_done())
    if left:
        raise ValidationError(
            None,
            _n(
                "Finish the checklist first (%(num)d step left).",
                "Finish the checklist first (%(num)d steps left).",
                left,
            ),
        )
    if closed_on > today:
        raise ValidationError("closed_on", _("Mark it closed once it is: the date cannot be in the future."))
    channel.status = ChannelStatus.CLOSED
    channel.closed_on = closed_on
    channel.updated_at = utcnow()
    _event(session, channel, actor, "closed", note, auto=closed_note(closed_on))


def cancel_closing(session: Session, actor: User, channel: Channel) -> None:
    """Stop closing an account: it becomes active again; the ticked steps are kept."""
    require_manager(actor)
    if channel.status != ChannelStatus.CLOSING:
        return
    channel.status = ChannelStatus.ACTIVE
    channel.updated_at = utcnow()
    _event(session, channel, actor, "closing_cancelled")


# --- requests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestInput:
    """What an employee asks for."""

    platform: str
    purpose: str
    audience: str
    handle: str = ""


def request_channel(session: Session, requester: User, data: RequestInput) -> ChannelRequest:
    """Ask comms for a new official account; a purpose and an audience are required."""
    if not requester.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot ask for anything."))
    platform = _check_platform(data.platform)
    purpose, audience = (data.purpose or "").strip(), (data.audience or "").strip()
    if not purpose:
        raise ValidationError("purpose", _("Say what the account is for."))
    if not audience:
        raise ValidationError("audience", _("Say who it would speak to."))
    for field, value in (("purpose", purpose), ("audience", audience)):
        if len(value) > TEXT_MAX:
            raise ValidationError(field, _("Keep this under %(max)d characters.", max=TEXT_MAX))
    handle = _clean(data.handle)
    if len(handle) > HANDLE_MAX:
        raise ValidationError("handle", _("Keep the handle under %(max)d characters.", max=HANDLE_MAX))
    request = ChannelRequest(
        requester_id=requester.id, platform=platform, handle=handle, purpose=purpose, audience=audience
    )
    session.add(request)
    session.flush()
    return request


def already_decided(request: ChannelRequest) -> str:
    """"This request was already approved." (or declined), for people."""
    if request.status == RequestStatus.APPROVED:
        return str(_("This request was already approved."))
    return str(_("This request was already declined."))


def _decide(request: ChannelRequest, actor: User, status: RequestStatus, note: str) -> None:
    if not request.is_open:
        raise ValidationError(None, already_decided(request))
    request.status = status
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision_note = (note or "").strip()[:NOTE_MAX]


def approve_request(
    session: Session, actor: User, request: ChannelRequest, data: ChannelInput, *, today: date, note: str = ""
) -> Channel:
    """Create the account asked for (comms and admins), and keep the decision with the request."""
    require_manager(actor)
    if not request.is_open:
        raise ValidationError(None, already_decided(request))
    channel = create_channel(session, actor, data, today=today, requested_by=request.requester)
    _decide(request, actor, RequestStatus.APPROVED, note)
    request.channel_id = channel.id
    return channel


def decline_request(session: Session, actor: User, request: ChannelRequest, note: str) -> None:
    """Say no to a request, with a reason the requester sees."""
    require_manager(actor)
    if not (note or "").strip():
        raise ValidationError("note", _("Tell the requester why, and what they could do instead."))
    _decide(request, actor, RequestStatus.DECLINED, note)

