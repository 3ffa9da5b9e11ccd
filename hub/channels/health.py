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


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


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
        found.append(HealthWarning("no_owner", "No owner: nobody in hub looks after this account."))
    elif owner_active is False:
        who = f"{owner_name} " if owner_name else "Its owner "
        found.append(HealthWarning("owner_left", f"Orphaned: {who}was deactivated. Give the account a new owner."))
    if channel.backup_owner_id is not None and backup_active is False:
        found.append(HealthWarning("backup_left", "The backup owner was deactivated.", "notice"))
    if not closing:
        since = channel.last_activity_on or (channel.created_at.date() if channel.created_at else None)
        if since is not None:
            idle = (today - since).days
            if idle > inactive_days:
                if channel.last_activity_on is None:
                    message = f"No activity recorded in the {_days(idle)} since it was registered."
                else:
                    message = f"No activity for {_days(idle)} (last on {since:%d %b %Y})."
                found.append(HealthWarning("inactive", message))
        if channel.campaign_end is not None and channel.campaign_end < today:
            campaign = f"“{channel.campaign}” " if channel.campaign else ""
            found.append(
                HealthWarning(
                    "campaign_over",
                    f"The campaign {campaign}ended on {channel.campaign_end:%d %b %Y}: "
                    "close the account or give it a lasting purpose.",
                )
            )
    if not (channel.purpose or "").strip():
        found.append(HealthWarning("no_purpose", "No purpose: say why this account exists."))
    if not (channel.audience or "").strip():
        found.append(HealthWarning("no_audience", "No audience: say who it speaks to."))
    return found


WARNING_LABELS = {
    "no_owner": "No owner",
    "owner_left": "Orphaned",
    "backup_left": "Backup left",
    "inactive": "Inactive",
    "campaign_over": "Campaign over",
    "no_purpose": "No purpose",
    "no_audience": "No audience",
}
