"""The inventory with its health, the dashboard summary, requests and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from hub.auth import services as people
from hub.channels import queries, services
from hub.channels.models import ChannelStatus
from tests.channels.conftest import TODAY


def row_for(rows, channel):  # type: ignore[no-untyped-def]
    return next(r for r in rows if r.channel.id == channel.id)


def test_inventory_flags_each_problem_from_the_database(session, comms, make_user, make_channel):
    owner, admin = make_user(), make_user(role="admin")
    healthy = make_channel(owner=owner, last_activity_on=TODAY)
    orphan = make_channel(owner=owner, last_activity_on=TODAY)
    ownerless = make_channel(last_activity_on=TODAY)
    quiet = make_channel(owner=admin, last_activity_on=TODAY - timedelta(days=120))
    campaign = make_channel(owner=admin, last_activity_on=TODAY, campaign="Summer", campaign_end=TODAY - timedelta(days=1))
    vague = make_channel(owner=admin, last_activity_on=TODAY, purpose="", audience="")
    services.update_channel(session, comms, orphan, services.ChannelInput(
        platform=orphan.platform, handle=orphan.handle, url=orphan.url, purpose="News", audience="Customers", owner_id=make_user().id,
        last_activity_on=TODAY), today=TODAY)
    services.update_channel(session, comms, orphan, services.ChannelInput(
        platform=orphan.platform, handle=orphan.handle, url=orphan.url, purpose="News", audience="Customers", owner_id=owner.id,
        last_activity_on=TODAY), today=TODAY)
    people.deactivate(session, admin, owner)
    session.commit()
    session.expire_all()

    rows = queries.inventory(session, today=TODAY, inactive_days=90)
    assert row_for(rows, ownerless).codes == {"no_owner"}
    assert row_for(rows, quiet).codes == {"inactive"}
    assert row_for(rows, campaign).codes == {"campaign_over"}
    assert row_for(rows, vague).codes == {"no_purpose", "no_audience"}
    assert row_for(rows, healthy).codes == {"owner_left"} == row_for(rows, orphan).codes  # both owned by the leaver
    assert "inactive" not in row_for(queries.inventory(session, today=TODAY, inactive_days=200), quiet).codes

    orphaned = queries.inventory(session, today=TODAY, inactive_days=90, problem="owner_left")
    assert {r.channel.id for r in orphaned} == {healthy.id, orphan.id}
    assert len(queries.inventory(session, today=TODAY, inactive_days=90, problem="any")) == 6

    summary = queries.health_summary(session, today=TODAY, inactive_days=90)
    assert summary.total == 6 and len(summary.rows) == 6
    assert summary.counts == {"owner_left": 2, "no_owner": 1, "inactive": 1, "campaign_over": 1, "no_purpose": 1, "no_audience": 1}


def test_inventory_order_and_filters(session, comms, make_channel):
    closed, main = make_channel(handle="@b", platform="x"), make_channel(handle="@a", platform="x")
    dormant = make_channel(handle="@c", platform="bluesky")
    services.set_status(session, comms, dormant, ChannelStatus.DORMANT)
    services.start_closing(session, comms, closed, main)
    services.save_checklist(session, comms, closed, services.CHECKLIST_KEYS)
    services.close_channel(session, comms, closed, TODAY, today=TODAY)
    session.commit()
    rows = queries.inventory(session, today=TODAY, inactive_days=90)
    assert [r.channel.handle for r in rows] == ["@a", "@c", "@b"]  # active, dormant, closed
    assert [r.channel.handle for r in queries.inventory(session, today=TODAY, inactive_days=90, platform="bluesky")] == ["@c"]
    assert [r.channel.handle for r in queries.inventory(session, today=TODAY, inactive_days=90, status="closed")] == ["@b"]
    assert queries.health_summary(session, today=TODAY, inactive_days=90).total == 2  # closed ones are history


def test_requests_open_first_and_per_requester(session, comms, make_user):
    a, b = make_user(), make_user()
    first = services.request_channel(session, a, services.RequestInput("x", "Jobs", "Engineers"))
    services.request_channel(session, b, services.RequestInput("bluesky", "Research", "Scientists"))
    services.decline_request(session, comms, first, "Use the main account.")
    session.commit()
    assert [r.status.value for r in queries.requests(session)] == ["requested", "declined"]
    assert [r.id for r in queries.requests(session, requester=a)] == [first.id]
    assert queries.count_open_requests(session) == 1


def test_looked_after_by(session, comms, make_user, make_channel):
    person = make_user()
    mine = make_channel(owner=person)
    make_channel()
    assert [c.id for c in queries.looked_after_by(session, person)] == [mine.id]


def test_csv_export_is_complete_and_formula_safe(session, comms, make_user, make_channel):
    owner = make_user(name="=HYPERLINK(\"http://evil\")")
    make_channel(handle="@acme", owner=owner, purpose="+1 for news", audience="-customers", campaign="@launch",
                 campaign_end=date(2025, 7, 1), last_activity_on=date(2025, 6, 1))
    rows = queries.inventory(session, today=TODAY, inactive_days=90)
    text = queries.inventory_csv(rows)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == 1
    row = parsed[0]
    assert row["handle"] == "'@acme"
    assert row["owner"] == "'=HYPERLINK(\"http://evil\")"
    assert (row["purpose"], row["audience"], row["campaign"]) == ("'+1 for news", "'-customers", "'@launch")
    assert (row["campaign_end"], row["last_activity_on"], row["status"], row["owner_active"]) == ("2025-07-01", "2025-06-01", "active", "yes")
    assert text.endswith("\r\n")
