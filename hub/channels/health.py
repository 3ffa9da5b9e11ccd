"""Health rules for an official account: plain Python, no Flask, no database.

``health(channel, today=..., inactive_days=..., owner_active=..., backup_active=...)`` lists what
a comms team should look at. The rules:

- ``no_owner``: nobody owns the account; ``owner_left``: its owner was deactivated (an orphan).
- ``backup_left``: the backup owner was deactivated (a lesser warning: the owner still answers).
- ``inactive``: nothing recorded for more than ``inactive_days`` (counted from the last activity,
  else from the day the account was registered).
- ``campaign_over``: the account was opened for a campaign whose end date has passed.
- ``no_purpose`` / ``no_audience``: nobody wrote down why the account exists or for whom.

A closed account has no warnings: it is history. An account being closed is expected to be
quiet and past its campaign, so those two rules are not applied to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from hub.i18n import _, _l, _n
from hub.templating import date_text

DEFAULT_INACTIVE_DAYS = 90


class ChannelFacts(Protocol):
    """What the rules read from an account (a ``Channel`` row satisfies it)."""

    # Read-only properties: the rules never write, so a row's narrower types (an enum status, a
    # created_at that is always set) satisfy them.
    @property
    def status(self) -> str: ...
    @property
    def owner_id(self) -> int | None: ...
    @property
    def backup_owner_id(self) -> int | None: ...
    @property
    def purpose(self) -> str: ...
    @property
    def audience(self) -> str: ...
    @property
    def last_activity_on(self) -> date | None: ...
    @property
    def campaign(self) -> str: ...
    @property
    def campaign_end(self) -> date | None: ...
    @property
    def created_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class HealthWarning:
    """One problem with an account: a stable ``code``, a sentence for people, and how serious."""

    code: str
    message: str
    severity: str = "warning"  # "warning" or "notice"


def health(
    channel: ChannelFacts,
    *,
    today: date,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    owner_active: bool | None,
    backup_active: bool | None,
    owner_name: str = "",
) -> list[HealthWarning]:
    """The warnings for ``channel`` on ``today``, most serious first (empty: healthy).

    ``owner_active`` / ``backup_active`` say whether the owner / backup owner can still sign
    in (None when there is none).
    """
    if str(channel.status) == "closed":
        return []
    closing = str(channel.status) == "closing"
    found: list[HealthWarning] = []
    if channel.owner_id is None:
        found.append(HealthWarning("no_owner", _("No owner: nobody in hub looks after this account.")))
    elif owner_active is False:
        orphaned = (
            _("Orphaned: %(name)s was deactivated. Give the account a new owner.", name=owner_name)
            if owner_name
            else _("Orphaned: Its owner was deactivated. Give the account a new owner.")
        )
        found.append(HealthWarning("owner_left", orphaned))
    if channel.backup_owner_id is not None and backup_active is False:
        found.append(HealthWarning("backup_left", _("The backup owner was deactivated."), "notice"))
    if not closing:
        since = channel.last_activity_on or (channel.created_at.date() if channel.created_at else None)
        if since is not None:
            idle = (today - since).days
            if idle > inactive_days:
                if channel.last_activity_on is None:
                    message = _n(
                        "No activity recorded in the %(num)d day since it was registered.",
                        "No activity recorded in the %(num)d days since it was registered.",
                        idle,
                    )
                else:
                    message = _n(
                        "No activity for %(num)d day (last on %(date)s).",
                        "No activity for %(num)d days (last on %(date)s).",
                        idle,
                        date=date_text(since),
                    )
                found.append(HealthWarning("inactive", message))
        if channel.campaign_end is not None and channel.campaign_end < today:
            ended = date_text(channel.campaign_end)
            campaign_over = (
                _(
                    "The campaign “%(campaign)s” ended on %(date)s: close the account or give it a lasting purpose.",
                    campaign=channel.campaign,
                    date=ended,
                )
                if channel.campaign
                else _("The campaign ended on %(date)s: close the account or give it a lasting purpose.", date=ended)
            )
            found.append(HealthWarning("campaign_over", campaign_over))
    if not (channel.purpose or "").strip():
        found.append(HealthWarning("no_purpose", _("No purpose: say why this account exists.")))
    if not (channel.audience or "").strip():
        found.append(HealthWarning("no_audience", _("No audience: say who it speaks to.")))
    return found


# The warnings' short names (filters, badges); lazy: translated when shown.
WARNING_LABELS = {
    "no_owner": _l("No owner"),
    "owner_left": _l("Orphaned"),
    "backup_left": _l("Backup left"),
    "inactive": _l("Inactive"),
    "campaign_over": _l("Campaign over"),
    "no_purpose": _l("No purpose"),
    "no_audience": _l("No audience"),
}
