"""The health rules of an official account, as a pure function."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pytest

from hub.channels.health import health

TODAY = date(2025, 6, 15)


@dataclass
class Facts:
    status: str = "active"
    owner_id: int | None = 1
    backup_owner_id: int | None = None
    purpose: str = "Company news for customers"
    audience: str = "Customers and partners"
    last_activity_on: date | None = date(2025, 6, 1)
    campaign: str = ""
    campaign_end: date | None = None
    created_at: datetime | None = field(default_factory=lambda: datetime(2024, 1, 1, tzinfo=timezone.utc))


def codes(facts: Facts, *, owner_active: bool | None = True, backup_active: bool | None = None, inactive_days: int = 90) -> list[str]:
    return [w.code for w in health(facts, today=TODAY, inactive_days=inactive_days, owner_active=owner_active, backup_active=backup_active)]


def test_a_healthy_account_has_no_warnings():
    assert codes(Facts()) == []


def test_no_owner():
    assert codes(Facts(owner_id=None), owner_active=None) == ["no_owner"]


def test_owner_deactivated_is_orphaned_and_names_the_person():
    warnings = health(Facts(), today=TODAY, owner_active=False, backup_active=None, owner_name="Ola Left")
    assert [w.code for w in warnings] == ["owner_left"]
    assert "Ola Left" in warnings[0].message and "deactivated" in warnings[0].message


def test_backup_owner_deactivated_is_a_notice():
    warnings = health(Facts(backup_owner_id=2), today=TODAY, owner_active=True, backup_active=False)
    assert [(w.code, w.severity) for w in warnings] == [("backup_left", "notice")]


@pytest.mark.parametrize("days_ago, flagged", [(90, False), (91, True), (400, True), (0, False)])
def test_inactive_after_the_configured_number_of_days(days_ago, flagged):
    last = date.fromordinal(TODAY.toordinal() - days_ago)
    assert ("inactive" in codes(Facts(last_activity_on=last))) is flagged


def test_inactive_days_is_configurable():
    facts = Facts(last_activity_on=date(2025, 5, 1))  # 45 days ago
    assert "inactive" not in codes(facts, inactive_days=90)
    assert "inactive" in codes(facts, inactive_days=30)


def test_never_active_counts_from_registration():
    recent = Facts(last_activity_on=None, created_at=datetime(2025, 6, 1, tzinfo=timezone.utc))
    old = Facts(last_activity_on=None, created_at=datetime(2024, 6, 1, tzinfo=timezone.utc))
    assert "inactive" not in codes(recent)
    warning = [w for w in health(old, today=TODAY, owner_active=True, backup_active=None) if w.code == "inactive"][0]
    assert "since it was registered" in warning.message


def test_campaign_past_its_end_date():
    assert codes(Facts(campaign="Summer launch", campaign_end=date(2025, 6, 14))) == ["campaign_over"]
    assert codes(Facts(campaign="Summer launch", campaign_end=TODAY)) == []  # ends today: not yet over


@pytest.mark.parametrize("purpose, audience, expected", [
    ("", "Customers", ["no_purpose"]),
    ("News", "  ", ["no_audience"]),
    ("", "", ["no_purpose", "no_audience"]),
])
def test_missing_purpose_or_audience(purpose, audience, expected):
    assert codes(Facts(purpose=purpose, audience=audience)) == expected


def test_everything_wrong_at_once_most_serious_first():
    facts = Facts(owner_id=None, purpose="", audience="", last_activity_on=date(2020, 1, 1), campaign="X", campaign_end=date(2021, 1, 1))
    assert codes(facts, owner_active=None) == ["no_owner", "inactive", "campaign_over", "no_purpose", "no_audience"]


def test_closed_accounts_are_history_without_warnings():
    assert codes(Facts(status="closed", owner_id=None, purpose="", last_activity_on=date(2000, 1, 1)), owner_active=None) == []


def test_closing_accounts_are_not_flagged_for_silence_or_their_campaign():
    facts = Facts(status="closing", last_activity_on=date(2020, 1, 1), campaign="X", campaign_end=date(2021, 1, 1))
    assert codes(facts) == []
    assert codes(facts, owner_active=False) == ["owner_left"]
