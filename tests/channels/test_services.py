"""Service tests for official accounts: every verb, its rules, and who may call it."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from hub.auth import services as people
from hub.channels import queries, services
from hub.channels.models import Channel, ChannelEvent, ChannelRequest, ChannelStatus, OpenedBy, RequestStatus
from hub.errors import PermissionDenied, ValidationError
from tests.channels.conftest import TODAY


def events(session, channel) -> list[str]:
    return [e.kind for e in session.scalars(sa.select(ChannelEvent).where(ChannelEvent.channel_id == channel.id).order_by(ChannelEvent.id))]


def channel_input(**kw) -> services.ChannelInput:  # type: ignore[no-untyped-def]
    base = dict(platform="linkedin", handle="Acme", url="https://www.linkedin.com/company/acme", purpose="News", audience="Customers")
    return services.ChannelInput(**(base | kw))


# --- create ----------------------------------------------------------------------------------------

def test_comms_registers_an_account_with_everything(session, comms, make_user):
    owner, backup = make_user(), make_user()
    data = channel_input(owner_id=owner.id, backup_owner_id=backup.id, opened_by=OpenedBy.AGENCY, agency=" Brightside  Agency ",
                         campaign="Summer 2025", campaign_end=date(2025, 9, 1), last_activity_on=date(2025, 6, 1))
    channel = services.create_channel(session, comms, data, today=TODAY)
    session.commit()
    assert (channel.status, channel.owner_id, channel.backup_owner_id, channel.agency) == (ChannelStatus.ACTIVE, owner.id, backup.id, "Brightside Agency")
    assert channel.campaign_end == date(2025, 9, 1) and channel.last_activity_on == date(2025, 6, 1)
    assert channel.created_by_id == comms.id
    assert events(session, channel) == ["created"]


@pytest.mark.parametrize("role", ["admin", "comms"])
def test_admins_and_comms_may_register(session, make_user, role):
    services.create_channel(session, make_user(role=role), channel_input(), today=TODAY)


def test_employees_may_not_register_or_change_accounts(session, make_user, make_channel):
    employee = make_user()
    channel = make_channel(owner=employee)
    with pytest.raises(PermissionDenied):
        services.create_channel(session, employee, channel_input(), today=TODAY)
    with pytest.raises(PermissionDenied):
        services.update_channel(session, employee, channel, channel_input(), today=TODAY)
    with pytest.raises(PermissionDenied):
        services.set_status(session, employee, channel, ChannelStatus.DORMANT)
    with pytest.raises(PermissionDenied):
        services.start_closing(session, employee, channel, make_channel())


def test_deactivated_comms_may_not_manage(session, make_user, comms):
    admin = make_user(role="admin")
    people.deactivate(session, admin, comms)
    with pytest.raises(PermissionDenied):
        services.create_channel(session, comms, channel_input(), today=TODAY)


@pytest.mark.parametrize("changes, field", [
    ({"platform": "myspace"}, "platform"),
    ({"handle": "   "}, "handle"),
    ({"handle": "a" * 201}, "handle"),
    ({"url": "javascript:alert(1)"}, "url"),
    ({"url": "www.example.com"}, "url"),
    ({"url": "https://exa mple.com"}, "url"),
    ({"opened_by": OpenedBy.AGENCY, "agency": ""}, "agency"),
    ({"campaign_end": date(2025, 1, 1), "campaign": ""}, "campaign"),
    ({"last_activity_on": date(2025, 6, 16)}, "last_activity_on"),
    ({"purpose": "x" * 4001}, "purpose"),
])
def test_registration_rules(session, comms, changes, field):
    with pytest.raises(ValidationError) as err:
        services.create_channel(session, comms, channel_input(**changes), today=TODAY)
    assert err.value.field == field


def test_owner_rules(session, comms, make_user):
    person, admin = make_user(), make_user(role="admin")
    with pytest.raises(ValidationError) as err:
        services.create_channel(session, comms, channel_input(owner_id=person.id, backup_owner_id=person.id), today=TODAY)
    assert err.value.field == "backup_owner_id"
    with pytest.raises(ValidationError) as err:
        services.create_channel(session, comms, channel_input(owner_id=99999), today=TODAY)
    assert err.value.field == "owner_id"
    people.deactivate(session, admin, person)
    with pytest.raises(ValidationError) as err:
        services.create_channel(session, comms, channel_input(owner_id=person.id), today=TODAY)
    assert err.value.field == "owner_id" and "deactivated" in err.value.message


def test_the_same_account_is_not_registered_twice_unless_the_first_is_closed(session, comms, make_channel):
    make_channel(handle="@Acme", platform="x")
    with pytest.raises(ValidationError) as err:
        services.create_channel(session, comms, channel_input(platform="x", handle="@acme"), today=TODAY)
    assert err.value.field == "handle"
    services.create_channel(session, comms, channel_input(platform="bluesky", handle="@acme"), today=TODAY)  # other platform: fine


# --- update and status -----------------------------------------------------------------------------

def test_update_records_what_changed(session, comms, make_channel, make_user):
    channel = make_channel(handle="@acme", platform="x", url="https://x.com/acme")
    owner = make_user()
    changed = services.update_channel(session, comms, channel, services.ChannelInput(
        platform="x", handle="@acme", url="https://x.com/acme", purpose="Product news", audience="Customers", owner_id=owner.id), today=TODAY)
    session.commit()
    assert set(changed) == {"purpose", "owner_id"}
    assert channel.owner_id == owner.id
    event = session.scalars(sa.select(ChannelEvent).where(ChannelEvent.channel_id == channel.id, ChannelEvent.kind == "updated")).one()
    assert event.auto_note == {"key": "changed", "fields": ["purpose", "owner_id"]} and event.actor_id == comms.id
    assert event.note_text == "Changed: purpose, owner"
    assert services.update_channel(session, comms, channel, services.ChannelInput(
        platform="x", handle="@acme", url="https://x.com/acme", purpose="Product news", audience="Customers", owner_id=owner.id), today=TODAY) == []


def test_an_owner_who_left_may_stay_while_other_details_change(session, comms, make_channel, make_user):
    owner, admin = make_user(), make_user(role="admin")
    channel = make_channel(owner=owner, handle="@acme", url="https://x.com/acme")
    people.deactivate(session, admin, owner)
    changed = services.update_channel(session, comms, channel, services.ChannelInput(
        platform="x", handle="@acme", url="https://x.com/acme", purpose="New purpose", audience="Customers", owner_id=owner.id), today=TODAY)
    assert changed == ["purpose"]


def test_status_active_and_dormant_but_closing_only_through_the_flow(session, comms, make_channel):
    channel = make_channel()
    services.set_status(session, comms, channel, ChannelStatus.DORMANT, "Paused for the summer")
    assert channel.status == ChannelStatus.DORMANT
    for status in (ChannelStatus.CLOSING, ChannelStatus.CLOSED):
        with pytest.raises(ValidationError):
            services.set_status(session, comms, channel, status)
    services.set_status(session, comms, channel, ChannelStatus.DORMANT)  # no change: no event
    session.commit()
    assert events(session, channel) == ["created", "status"]
    event = session.scalars(sa.select(ChannelEvent).where(ChannelEvent.kind == "status")).one()
    assert (event.note, event.auto_note) == ("Paused for the summer", {"key": "status", "from": "active", "to": "dormant"})
    assert event.note_text == "Active → Dormant. Paused for the summer"


# --- activity --------------------------------------------------------------------------------------

def test_owner_backup_and_comms_record_activity_others_may_not(session, comms, make_user, make_channel):
    owner, backup, other = make_user(), make_user(), make_user()
    channel = make_channel(owner=owner)
    services.update_channel(session, comms, channel, services.ChannelInput(
        platform=channel.platform, handle=channel.handle, url=channel.url, purpose=channel.purpose, audience=channel.audience,
        owner_id=owner.id, backup_owner_id=backup.id), today=TODAY)
    services.record_activity(session, owner, channel, date(2025, 6, 1), today=TODAY, link="https://x.com/acme/status/1", note="Launch post")
    services.record_activity(session, backup, channel, date(2025, 6, 10), today=TODAY)
    services.record_activity(session, comms, channel, date(2025, 5, 1), today=TODAY)  # older: does not move it back
    assert channel.last_activity_on == date(2025, 6, 10)
    with pytest.raises(PermissionDenied):
        services.record_activity(session, other, channel, date(2025, 6, 11), today=TODAY)
    session.commit()
    activity = session.scalars(sa.select(ChannelEvent).where(ChannelEvent.kind == "activity").order_by(ChannelEvent.id)).all()
    assert [e.actor_id for e in activity] == [owner.id, backup.id, comms.id]
    assert activity[0].link == "https://x.com/acme/status/1" and "Launch post" in activity[0].note


@pytest.mark.parametrize("on, link, field", [
    (date(2025, 6, 16), "", "on"),
    (date(1999, 1, 1), "", "on"),
    (date(2025, 6, 1), "javascript:alert(1)", "link"),
])
def test_activity_rules(session, comms, make_channel, on, link, field):
    with pytest.raises(ValidationError) as err:
        services.record_activity(session, comms, make_channel(), on, today=TODAY, link=link)
    assert err.value.field == field


def test_recorded_activity_clears_the_inactivity_warning(session, comms, make_channel):
    channel = make_channel(last_activity_on=date(2025, 1, 1))
    assert "inactive" in {w.code for w in queries.channel_health(channel, today=TODAY, inactive_days=90)}
    services.record_activity(session, comms, channel, date(2025, 6, 14), today=TODAY)
    assert "inactive" not in {w.code for w in queries.channel_health(channel, today=TODAY, inactive_days=90)}


# --- closing ---------------------------------------------------------------------------------------

def close_fully(session, comms, channel, main) -> None:  # type: ignore[no-untyped-def]
    services.start_closing(session, comms, channel, main)
    services.save_checklist(session, comms, channel, services.CHECKLIST_KEYS)
    services.close_channel(session, comms, channel, TODAY, today=TODAY, note="Campaign over")


def test_the_closing_flow_keeps_everything(session, comms, make_channel):
    main = make_channel(handle="@acme", platform="x", url="https://x.com/acme")
    summer = make_channel(handle="@acme_summer", platform="x", campaign="Summer", campaign_end=date(2025, 6, 1))
    assert [c.id for c in services.main_account_choices(session, summer)] == [main.id]

    services.start_closing(session, comms, summer, main)
    assert summer.status == ChannelStatus.CLOSING and summer.main_channel_id == main.id
    drafts = services.farewell_facts(summer)
    assert drafts.main_url == "https://x.com/acme"

    with pytest.raises(ValidationError, match="checklist"):
        services.close_channel(session, comms, summer, TODAY, today=TODAY)
    services.save_checklist(session, comms, summer, ["farewell_posted", "profile_updated"], farewell_text="Bye! Follow @acme https://x.com/acme")
    assert summer.checklist_done() == {"farewell_posted", "profile_updated"}
    services.save_checklist(session, comms, summer, ["farewell_posted"])  # unticking works
    assert summer.checklist_done() == {"farewell_posted"}
    assert summer.farewell_text == "Bye! Follow @acme https://x.com/acme"  # kept when not sent again
    services.save_checklist(session, comms, summer, list(services.CHECKLIST_KEYS))
    with pytest.raises(ValidationError) as err:
        services.close_channel(session, comms, summer, date(2025, 6, 16), today=TODAY)
    assert err.value.field == "closed_on"
    services.close_channel(session, comms, summer, date(2025, 6, 14), today=TODAY, note="Done")
    session.commit()

    assert summer.status == ChannelStatus.CLOSED and summer.closed_on == date(2025, 6, 14)
    assert session.get(Channel, summer.id) is not None
    assert events(session, summer) == ["created", "closing_started", "checklist", "checklist", "checklist", "closed"]
    assert queries.channel_health(summer, today=TODAY, inactive_days=90) == []


def test_closing_rules(session, comms, make_channel):
    main, other = make_channel(), make_channel()
    with pytest.raises(ValidationError):
        services.start_closing(session, comms, main, main)  # not to itself
    services.set_status(session, comms, other, ChannelStatus.DORMANT)
    with pytest.raises(ValidationError):
        services.start_closing(session, comms, main, other)  # only to an active account
    with pytest.raises(ValidationError):
        services.save_checklist(session, comms, main, ["farewell_posted"])  # not closing yet
    with pytest.raises(ValidationError):
        services.close_channel(session, comms, main, TODAY, today=TODAY)  # not closing yet
    services.set_status(session, comms, other, ChannelStatus.ACTIVE)
    services.start_closing(session, comms, main, other)
    with pytest.raises(ValidationError):
        services.start_closing(session, comms, main, other)  # already closing
    with pytest.raises(ValidationError):
        services.save_checklist(session, comms, main, ["made_up"])


def test_a_farewell_over_the_platform_limit_is_refused(session, comms, make_channel):
    main, closing = make_channel(platform="linkedin"), make_channel(platform="x")
    services.start_closing(session, comms, closing, main)
    with pytest.raises(ValidationError) as err:
        services.save_checklist(session, comms, closing, [], farewell_text="Goodbye " * 40)
    assert err.value.field == "farewell_text" and "X" in err.value.message


def test_employees_may_not_work_the_closing_flow(session, comms, make_user, make_channel):
    employee = make_user()
    main, closing = make_channel(), make_channel(owner=employee)
    services.start_closing(session, comms, closing, main)
    for call in (lambda: services.save_checklist(session, employee, closing, []),
                 lambda: services.close_channel(session, employee, closing, TODAY, today=TODAY),
                 lambda: services.cancel_closing(session, employee, closing)):
        with pytest.raises(PermissionDenied):
            call()


def test_cancel_closing_and_reopen(session, comms, make_channel):
    main, closing = make_channel(), make_channel()
    services.start_closing(session, comms, closing, main)
    services.cancel_closing(session, comms, closing)
    assert closing.status == ChannelStatus.ACTIVE
    close_fully(session, comms, closing, main)
    with pytest.raises(ValidationError):
        services.update_channel(session, comms, closing, channel_input(), today=TODAY)  # closed: history
    with pytest.raises(ValidationError):
        services.record_activity(session, comms, closing, TODAY, today=TODAY)
    services.set_status(session, comms, closing, ChannelStatus.ACTIVE, "Back for the winter campaign")
    assert closing.status == ChannelStatus.ACTIVE and closing.closed_on is None


# --- requests --------------------------------------------------------------------------------------

def test_anyone_requests_comms_approves_and_the_decision_is_kept(session, comms, make_user):
    employee = make_user()
    req = services.request_channel(session, employee, services.RequestInput("tiktok", "Show how we build things", "Students", " @acme_builds "))
    session.commit()
    assert (req.status, req.handle) == (RequestStatus.REQUESTED, "@acme_builds")
    data = channel_input(platform="tiktok", handle="@acme_builds", url="https://www.tiktok.com/@acme_builds", owner_id=employee.id)
    channel = services.approve_request(session, comms, req, data, today=TODAY, note="Go for it")
    session.commit()
    assert (req.status, req.decided_by_id, req.channel_id, req.decision_note) == (RequestStatus.APPROVED, comms.id, channel.id, "Go for it")
    assert req.decided_at is not None and channel.owner_id == employee.id
    event = session.scalars(sa.select(ChannelEvent).where(ChannelEvent.channel_id == channel.id, ChannelEvent.kind == "created")).one()
    assert event.auto_note == {"key": "requested", "name": employee.display_name}
    assert event.note_text == f"Requested by {employee.display_name}."
    with pytest.raises(ValidationError):
        services.approve_request(session, comms, req, data, today=TODAY)  # decided already
    with pytest.raises(ValidationError):
        services.decline_request(session, comms, req, "No")


def test_decline_needs_a_reason_and_keeps_it(session, comms, make_user):
    req = services.request_channel(session, make_user(), services.RequestInput("x", "Jobs", "Engineers"))
    with pytest.raises(ValidationError) as err:
        services.decline_request(session, comms, req, "  ")
    assert err.value.field == "note"
    services.decline_request(session, comms, req, "Post jobs on the main account instead.")
    session.commit()
    kept = session.get(ChannelRequest, req.id)
    assert (kept.status, kept.decision_note, kept.channel_id) == (RequestStatus.DECLINED, "Post jobs on the main account instead.", None)


@pytest.mark.parametrize("data, field", [
    (services.RequestInput("x", "", "Engineers"), "purpose"),
    (services.RequestInput("x", "Jobs", " "), "audience"),
    (services.RequestInput("friendster", "Jobs", "Engineers"), "platform"),
])
def test_a_request_needs_a_purpose_and_an_audience(session, make_user, data, field):
    with pytest.raises(ValidationError) as err:
        services.request_channel(session, make_user(), data)
    assert err.value.field == field


def test_employees_may_not_decide_requests(session, make_user, comms):
    employee = make_user()
    req = services.request_channel(session, employee, services.RequestInput("x", "Jobs", "Engineers"))
    with pytest.raises(PermissionDenied):
        services.approve_request(session, employee, req, channel_input(), today=TODAY)
    with pytest.raises(PermissionDenied):
        services.decline_request(session, employee, req, "no")
    assert req.status == RequestStatus.REQUESTED


def test_a_failed_approval_leaves_the_request_open(session, comms, make_user):
    req = services.request_channel(session, make_user(), services.RequestInput("x", "Jobs", "Engineers"))
    with pytest.raises(ValidationError):
        services.approve_request(session, comms, req, channel_input(url="nope"), today=TODAY)
    assert req.status == RequestStatus.REQUESTED and req.channel_id is None


def test_deactivated_people_may_not_request(session, make_user):
    admin, leaver = make_user(role="admin"), make_user()
    people.deactivate(session, admin, leaver)
    with pytest.raises(PermissionDenied):
        services.request_channel(session, leaver, services.RequestInput("x", "Jobs", "Engineers"))
