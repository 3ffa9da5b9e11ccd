"""Official accounts, what happened to them, the checklist of closing one, and requests for new ones.

Nothing here is ever deleted: a closed account stays in the inventory with its history, and a
request keeps its decision.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.auth.models import User
from hub.db import Base, str_enum, utcnow
from hub.i18n import _, _l, _n
from hub.platforms import PLATFORMS
from hub.templating import Sentence, date_text, note_html, note_text

# Platforms an official account can be on: every platform hub writes for, plus a few it only
# keeps an inventory of (no farewell drafts for those: hub does not know their rules).
EXTRA_PLATFORMS = {"youtube": "YouTube", "tiktok": "TikTok", "other": "Other"}
CHANNEL_PLATFORMS: dict[str, str] = {pid: p.name for pid, p in PLATFORMS.items()} | EXTRA_PLATFORMS


def platform_name(platform: str) -> str:
    """The display name of a channel platform id (the id itself if unknown); "Other" is translated."""
    if platform == "other":
        return str(_("Other"))
    return CHANNEL_PLATFORMS.get(platform, platform)


def platform_choices() -> dict[str, str]:
    """Every channel platform id and its display name, as shown in filters (translated now)."""
    return {pid: platform_name(pid) for pid in CHANNEL_PLATFORMS}


class ChannelStatus(enum.StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    CLOSING = "closing"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.value])


class OpenedBy(enum.StrEnum):
    INTERNAL = "internal"
    AGENCY = "agency"

    @property
    def label(self) -> str:
        return str(OPENED_BY_LABELS[self.value])


# What people read for each status and opener (lazy: forms' choices are made at import time).
STATUS_LABELS = {"active": _l("Active"), "dormant": _l("Dormant"), "closing": _l("Closing"), "closed": _l("Closed")}
OPENED_BY_LABELS = {"internal": _l("Internal"), "agency": _l("An agency")}


class Channel(Base):
    """One official account of the company on one platform."""

    __tablename__ = "channel"
    __table_args__ = (sa.Index("ix_channel_status_platform", "status", "platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(sa.String(32))  # a key of CHANNEL_PLATFORMS
    handle: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(500))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    audience: Mapped[str] = mapped_column(sa.Text, default="")
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    backup_owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    opened_by: Mapped[OpenedBy] = mapped_column(str_enum(OpenedBy), default=OpenedBy.INTERNAL)
    agency: Mapped[str] = mapped_column(sa.String(200), default="")
    campaign: Mapped[str] = mapped_column(sa.String(200), default="")
    campaign_end: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[ChannelStatus] = mapped_column(str_enum(ChannelStatus), default=ChannelStatus.ACTIVE)
    # The day someone last posted there: entered, or moved on by "record activity".
    last_activity_on: Mapped[date | None] = mapped_column(sa.Date)
    # Closing: the account the farewell points to, the farewell as posted, the day it closed.
    main_channel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("channel.id"))
    farewell_text: Mapped[str] = mapped_column(sa.Text, default="")
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    backup_owner: Mapped[User | None] = relationship(foreign_keys=[backup_owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    main_channel: Mapped[Channel | None] = relationship(remote_side=[id])
    checklist: Mapped[list[ChannelChecklistItem]] = relationship(
        back_populates="channel", cascade="all, delete-orphan", order_by="ChannelChecklistItem.key"
    )

    @property
    def platform_name(self) -> str:
        return platform_name(self.platform)

    @property
    def is_closed(self) -> bool:
        return self.status == ChannelStatus.CLOSED

    @property
    def label(self) -> str:
        """How people name the account: "@acme on X"."""
        return str(_("%(handle)s on %(platform)s", handle=self.handle, platform=self.platform_name))

    def looked_after_by(self, user: User) -> bool:
        """True if ``user`` is the owner or the backup owner."""
        return user.id is not None and user.id in (self.owner_id, self.backup_owner_id)

    def checklist_done(self) -> set[str]:
        return {item.key for item in self.checklist}

    def __repr__(self) -> str:
        return f"<Channel {self.id} {self.platform} {self.handle}>"


class ChannelEvent(Base):
    """What happened to an account and who did it (created, updated, activity, status, closed...)."""

    __tablename__ = "channel_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.Text, default="")  # what a person typed, verbatim
    # What hub says about the event itself ("Active → Dormant", "Requested by Ada."), as facts:
    # shown in the reader's language (``note_html``); see ``event_sentence`` for the kinds.
    auto_note: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        label = EVENT_LABELS.get(self.kind)
        return str(label) if label is not None else self.kind.replace("_", " ").capitalize()

    @property
    def note_html(self) -> Markup:
        """The note as the history shows it: hub's own words in the reader's language, then the typed note."""
        return note_html(event_sentence(self.auto_note), self.note)

    @property
    def note_text(self) -> str:
        return note_text(event_sentence(self.auto_note), self.note)


EVENT_LABELS = {
    "created": _l("Registered"),
    "updated": _l("Details changed"),
    "activity": _l("Activity recorded"),
    "status": _l("Status changed"),
    "closing_started": _l("Closing started"),
    "closing_cancelled": _l("Closing cancelled"),
    "checklist": _l("Closing checklist updated"),
    "closed": _l("Closed"),
}


# --- what hub itself writes into an account's history ----------------------------------------------
# Stored as facts in ``ChannelEvent.auto_note`` ({"key": ..., values}), never as English text, so
# that each reader reads them in their own language. Names and handles are as they were then.


def requested_note(requester: str) -> dict[str, Any]:
    """An account created for a request: "Requested by Ada Lovelace."."""
    return {"key": "requested", "name": requester}


def changed_note(fields: list[str]) -> dict[str, Any]:
    """Details changed: ``fields`` are ``ChannelInput``'s names ("owner_id"): "Changed: purpose, owner"."""
    return {"key": "changed", "fields": list(fields)}


def status_note(before: str, after: str) -> dict[str, Any]:
    """A status change (``ChannelStatus`` values): "Active → Dormant"."""
    return {"key": "status", "from": str(before), "to": str(after)}


def posted_note(on: date) -> dict[str, Any]:
    """Activity recorded: "Posted on 01 Jun 2025."."""
    return {"key": "posted", "on": on.isoformat()}


def main_account_note(handle: str, platform: str) -> dict[str, Any]:
    """Closing started: "Followers are pointed to @acme on LinkedIn." (``platform``: its id)."""
    return {"key": "main_account", "handle": handle, "platform": platform}


def checklist_note(done: int, total: int) -> dict[str, Any]:
    """The closing checklist saved: "4 of 6 steps done."."""
    return {"key": "checklist", "done": done, "total": total}


def closed_note(on: date) -> dict[str, Any]:
    """Closed: "Closed on 14 Jun 2025."."""
    return {"key": "closed", "on": on.isoformat()}


def _field_labels() -> dict[str, str]:
    """The names of an account's details inside a sentence ("Changed: purpose, owner"), translated now."""
    return {
        "platform": _("platform"), "handle": _("handle"), "url": _("address"), "purpose": _("purpose"),
        "audience": _("audience"), "owner_id": _("owner"), "backup_owner_id": _("backup owner"),
        "opened_by": _("opened by"), "agency": _("agency"), "campaign": _("campaign"),
        "campaign_end": _("campaign end"), "last_activity_on": _("last activity"),
    }


def _status_label(value: object) -> str:
    label = STATUS_LABELS.get(str(value))
    return str(label) if label is not None else str(value)


def _day(value: object) -> object:
    try:
        return date_text(date.fromisoformat(str(value)))
    except ValueError:
        return value


def event_sentence(auto: dict[str, Any] | None) -> Sentence | None:
    """What ``auto_note`` says, in the reader's language (None: nothing, or a kind hub does not know)."""
    if not auto:
        return None
    key = auto.get("key")
    if key == "requested":
        return Sentence(_("Requested by %(name)s."), {"name": auto.get("name", "")}, frozenset({"name"}))
    if key == "changed":
        labels = _field_labels()
        fields = ", ".join(labels.get(name, name) for name in auto.get("fields", []))
        return Sentence(_("Changed: %(fields)s"), {"fields": fields})
    if key == "status":
        return Sentence("%(before)s → %(after)s",
                        {"before": _status_label(auto.get("from")), "after": _status_label(auto.get("to"))})
    if key == "posted":
        return Sentence(_("Posted on %(date)s."), {"date": _day(auto.get("on"))})
    if key == "closed":
        return Sentence(_("Closed on %(date)s."), {"date": _day(auto.get("on"))})
    if key == "main_account":
        return Sentence(_("Followers are pointed to %(handle)s on %(platform)s."),
                        {"handle": auto.get("handle", ""), "platform": platform_name(str(auto.get("platform", "")))},
                        frozenset({"handle"}))
    if key == "checklist":
        done, total = int(auto.get("done", 0)), int(auto.get("total", 0))
        return Sentence(_n("%(done)d of %(num)d step done.", "%(done)d of %(num)d steps done.", total, done=done))
    return None


class ChannelChecklistItem(Base):
    """One ticked step of the closing checklist (a row exists only while the step is done)."""

    __tablename__ = "channel_checklist_item"

    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    done_at: Mapped[datetime] = mapped_column(default=utcnow)

    channel: Mapped[Channel] = relationship(back_populates="checklist")
    done_by: Mapped[User | None] = relationship()


class RequestStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(REQUEST_STATUS_LABELS[self.value])


REQUEST_STATUS_LABELS = {"requested": _l("Waiting for comms"), "approved": _l("Approved"), "declined": _l("Declined")}


class ChannelRequest(Base):
    """An employee's request for a new official account, and comms' decision on it."""

    __tablename__ = "channel_request"
    __table_args__ = (sa.Index("ix_channel_request_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    platform: Mapped[str] = mapped_column(sa.String(32))
    handle: Mapped[str] = mapped_column(sa.String(200), default="")  # the name they would like, if any
    purpose: Mapped[str] = mapped_column(sa.Text)
    audience: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus), default=RequestStatus.REQUESTED)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    channel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("channel.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    channel: Mapped[Channel | None] = relationship()

    @property
    def platform_name(self) -> str:
        return platform_name(self.platform)

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.REQUESTED
