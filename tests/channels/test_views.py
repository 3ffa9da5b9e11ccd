"""Views of official accounts: who sees what, forms that keep what was typed, CSV, the closing steps."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.auth import services as people
from hub.channels import services
from hub.channels.models import Channel, ChannelRequest, ChannelStatus, RequestStatus
from hub.db import utcnow


@pytest.fixture
def today() -> date:
    return utcnow().date()


MANAGER_PAGES = ["/channels", "/channels.csv", "/channels/new", "/channels/requests", "/channels/{id}/edit", "/channels/{id}/close"]


@pytest.mark.parametrize("path", MANAGER_PAGES)
def test_employees_get_403_on_manager_pages(client, auth, make_user, make_channel, path):
    channel = make_channel()
    auth.login(make_user())
    assert client.get(path.format(id=channel.id)).status_code == 403


@pytest.mark.parametrize("path", MANAGER_PAGES + ["/channels/request", "/channels/{id}"])
def test_signed_out_people_are_sent_to_sign_in(client, make_channel, path):
    channel = make_channel()
    response = client.get(path.format(id=channel.id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/channels/{id}/status", "/channels/{id}/close/start", "/channels/{id}/close/checklist",
                                  "/channels/{id}/close/finish", "/channels/{id}/close/cancel", "/channels/{id}/reopen"])
def test_employees_cannot_post_manager_actions(client, auth, make_user, make_channel, path):
    channel = make_channel(owner=(owner := make_user()))
    auth.login(owner)  # even the owner: managing is for comms
    assert client.post(path.format(id=channel.id), data={"status": "dormant"}).status_code == 403


def test_inventory_shows_accounts_with_their_health(client, auth, comms, make_user, make_channel, session, today):
    owner, admin = make_user(name="Olga Owner"), make_user(role="admin")
    channel = make_channel(handle="@acme_summer", owner=owner, last_activity_on=today)
    make_channel(handle="@quiet", last_activity_on=today - timedelta(days=200), purpose="")
    people.deactivate(session, admin, owner)
    session.commit()
    auth.login(comms)
    page = client.get("/channels").get_data(as_text=True)
    assert "@acme_summer" in page and "Orphaned: Olga Owner was deactivated" in page
    assert "No activity for 200 days" in page and "No owner" in page and "No purpose" in page
    assert 'id="channel-health"' in page
    table = client.get("/channels?problem=owner_left").get_data(as_text=True).split('id="inventory"')[1]
    assert "@acme_summer" in table and "@quiet" not in table
    assert client.get(f"/channels/{channel.id}").status_code == 200


def test_inactive_days_come_from_config(app, client, auth, comms, make_channel, today):
    make_channel(handle="@recent", last_activity_on=today - timedelta(days=40))
    auth.login(comms)
    assert "No activity for 40 days" not in client.get("/channels").get_data(as_text=True)
    app.config["CHANNEL_INACTIVE_DAYS"] = 30
    assert "No activity for 40 days" in client.get("/channels").get_data(as_text=True)


def test_register_an_account(client, auth, comms, make_user, session):
    owner = make_user(name="Olga Owner")
    auth.login(comms)
    assert client.get("/channels/new").status_code == 200
    response = client.post("/channels/new", data={
        "platform": "linkedin", "handle": "Acme", "url": "https://www.linkedin.com/company/acme", "purpose": "News",
        "audience": "Customers", "owner_id": str(owner.id), "backup_owner_id": "", "opened_by": "internal",
        "campaign_end": "", "last_activity_on": "2025-01-02"})
    channel = session.scalars(sa.select(Channel)).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/channels/{channel.id}")
    assert (channel.owner_id, channel.last_activity_on) == (owner.id, date(2025, 1, 2))


def test_what_people_type_is_shown_as_text(client, auth, comms, make_channel):
    channel = make_channel(handle="<script>alert(1)</script>", purpose="<img src=x onerror=alert(2)>")
    auth.login(comms)
    for path in ("/channels", f"/channels/{channel.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x" not in page


def test_a_refused_registration_keeps_what_was_typed(client, auth, comms, session):
    auth.login(comms)
    response = client.post("/channels/new", data={"platform": "x", "handle": "@acme", "url": "not a url", "purpose": "My purpose text",
                                                  "audience": "", "owner_id": "", "backup_owner_id": "", "opened_by": "internal"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Give the full address" in page and "My purpose text" in page
    assert session.scalars(sa.select(Channel)).all() == []


def test_edit_keeps_a_deactivated_owner_selectable(client, auth, comms, make_user, make_channel, session):
    owner, admin = make_user(name="Olga Owner"), make_user(role="admin")
    channel = make_channel(owner=owner)
    people.deactivate(session, admin, owner)
    session.commit()
    auth.login(comms)
    page = client.get(f"/channels/{channel.id}/edit").get_data(as_text=True)
    assert "Olga Owner (deactivated)" in page


def test_status_and_activity(client, auth, comms, make_user, make_channel, session, today):
    owner = make_user()
    channel = make_channel(owner=owner)
    auth.login(comms)
    assert client.post(f"/channels/{channel.id}/status", data={"status": "dormant", "note": ""}).status_code == 302
    assert session.get(Channel, channel.id).status == ChannelStatus.DORMANT
    auth.login(owner)  # the owner records activity, and sees the account's page
    assert client.get(f"/channels/{channel.id}").status_code == 200
    response = client.post(f"/channels/{channel.id}/activity", data={"on": today.isoformat(), "link": "https://x.com/a/1", "note": "hi"})
    assert response.status_code == 302
    assert session.get(Channel, channel.id).last_activity_on == today
    tomorrow = (today + timedelta(days=1)).isoformat()
    client.post(f"/channels/{channel.id}/activity", data={"on": tomorrow})
    assert "cannot be in the future" in client.get(f"/channels/{channel.id}").get_data(as_text=True)


def test_others_cannot_see_or_record_on_an_account(client, auth, make_user, make_channel):
    channel = make_channel(owner=make_user())
    auth.login(make_user())
    assert client.get(f"/channels/{channel.id}").status_code == 403
    assert client.post(f"/channels/{channel.id}/activity", data={"on": "2025-01-01"}).status_code == 403


def test_missing_accounts_are_404(client, auth, comms):
    auth.login(comms)
    assert client.get("/channels/999").status_code == 404


def test_csv_export(client, auth, comms, make_channel):
    make_channel(handle="=cmd|' /C calc'!A0", platform="x", url="https://x.com/acme")
    auth.login(comms)
    response = client.get("/channels.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="channels-')
    body = response.get_data(as_text=True)
    assert body.startswith("id,platform,handle,url,status") and "'=cmd" in body


def test_the_closing_steps(client, auth, comms, make_channel, session, today):
    main = make_channel(handle="@acme", platform="linkedin", url="https://www.linkedin.com/company/acme")
    closing = make_channel(handle="@acme_summer", platform="x")
    auth.login(comms)
    page = client.get(f"/channels/{closing.id}/close").get_data(as_text=True)
    assert "Where should followers go?" in page and "@acme on LinkedIn" in page
    assert client.post(f"/channels/{closing.id}/close/start", data={"main_channel_id": str(main.id)}).status_code == 302
    page = client.get(f"/channels/{closing.id}/close?on=2030-01-31").get_data(as_text=True)
    assert "Follow @acme on LinkedIn" in page or "follow @acme on LinkedIn" in page
    assert "31 January 2030" in page and page.count('class="farewell"') == 10
    response = client.post(f"/channels/{closing.id}/close/finish", data={"closed_on": today.isoformat()})
    assert response.headers["Location"].endswith(f"/channels/{closing.id}/close")
    assert session.get(Channel, closing.id).status == ChannelStatus.CLOSING  # checklist not done
    assert "Finish the checklist first (6 steps left)." in client.get(f"/channels/{closing.id}/close").get_data(as_text=True)
    response = client.post(f"/channels/{closing.id}/close/checklist",
                           data={"done": list(services.CHECKLIST_KEYS), "farewell_text": "Bye! https://www.linkedin.com/company/acme"})
    assert response.status_code == 302
    response = client.post(f"/channels/{closing.id}/close/finish", data={"closed_on": today.isoformat(), "note": ""})
    assert response.headers["Location"].endswith(f"/channels/{closing.id}")
    closed = session.get(Channel, closing.id)
    assert (closed.status, closed.closed_on, closed.farewell_text) == (ChannelStatus.CLOSED, today, "Bye! https://www.linkedin.com/company/acme")
    page = client.get(f"/channels/{closing.id}").get_data(as_text=True)
    assert "Closed" in page and "Reopen" in page


def test_a_farewell_too_long_for_its_platform_is_not_saved(client, auth, comms, make_channel, session):
    main, closing = make_channel(platform="linkedin"), make_channel(platform="x")
    auth.login(comms)
    client.post(f"/channels/{closing.id}/close/start", data={"main_channel_id": str(main.id)})
    client.post(f"/channels/{closing.id}/close/checklist", data={"farewell_text": "word " * 100})
    assert session.get(Channel, closing.id).farewell_text == ""
    assert "Too long for X" in client.get(f"/channels/{closing.id}/close").get_data(as_text=True)


def test_request_approve_and_decline_with_mail(app, client, auth, comms, make_user, session, runner):
    employee = make_user(name="Emma Employee")
    auth.login(employee)
    assert client.get("/channels/request").status_code == 200
    client.post("/channels/request", data={"platform": "tiktok", "handle": "@acme_builds", "purpose": "Show the workshop", "audience": "Students"})
    client.post("/channels/request", data={"platform": "x", "handle": "", "purpose": "Jobs", "audience": "Engineers"})
    first, second = session.scalars(sa.select(ChannelRequest).order_by(ChannelRequest.id)).all()
    auth.login(comms)
    page = client.get("/channels/requests").get_data(as_text=True)
    assert "Show the workshop" in page and "Emma Employee" in page
    form = client.get(f"/channels/requests/{first.id}/approve").get_data(as_text=True)
    owner_select = re.search(r'<select[^>]*id="owner_id".*?</select>', form, re.S).group(0)
    assert "@acme_builds" in form and re.search(rf'<option selected value="{employee.id}">Emma Employee', owner_select)
    response = client.post(f"/channels/requests/{first.id}/approve", data={
        "platform": "tiktok", "handle": "@acme_builds", "url": "https://www.tiktok.com/@acme_builds", "purpose": "Show the workshop",
        "audience": "Students", "owner_id": str(employee.id), "backup_owner_id": "", "opened_by": "internal", "note": "Enjoy"})
    assert response.status_code == 302
    assert client.post(f"/channels/requests/{second.id}/decline", data={"note": "Use @acme for jobs."}).status_code == 302
    session.expire_all()
    assert (first.status, second.status) == (RequestStatus.APPROVED, RequestStatus.DECLINED)
    assert "2 sent" in runner.invoke(args=["worker", "--once"]).output
    outbox = sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(outbox) == 2 and "approved" in outbox[0].read_text() + outbox[1].read_text()
    auth.login(employee)
    mine = client.get("/channels/request").get_data(as_text=True)
    assert "Use @acme for jobs." in mine and "Approved" in mine and "Declined" in mine
    assert client.get(f"/channels/requests/{first.id}/approve").status_code == 403


def test_a_request_without_purpose_keeps_what_was_typed(client, auth, make_user, session):
    auth.login(make_user())
    response = client.post("/channels/request", data={"platform": "x", "purpose": "", "audience": "My audience"})
    assert response.status_code == 200 and "My audience" in response.get_data(as_text=True)
    assert session.scalars(sa.select(ChannelRequest)).all() == []


def test_a_decline_needs_a_reason_and_a_decided_request_is_not_approved_again(client, auth, comms, make_user, session):
    req = services.request_channel(session, make_user(), services.RequestInput("x", "Jobs", "Engineers"))
    session.commit()
    auth.login(comms)
    response = client.post(f"/channels/requests/{req.id}/decline", data={"note": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/channels/requests")
    assert "Tell the requester why." in client.get("/channels/requests").get_data(as_text=True)
    assert session.get(ChannelRequest, req.id).status == RequestStatus.REQUESTED
    client.post(f"/channels/requests/{req.id}/decline", data={"note": "Use the main account."})
    response = client.get(f"/channels/requests/{req.id}/approve")
    assert response.status_code == 302 and response.headers["Location"].endswith("/channels/requests")
    assert "This request was already declined." in client.get("/channels/requests").get_data(as_text=True)


class TestCsrf:
    @pytest.fixture
    def app_config(self):  # type: ignore[no-untyped-def]
        return {"WTF_CSRF_ENABLED": True}

    def test_every_post_needs_a_token(self, client, auth, comms, make_user, make_channel, session):
        main, channel = make_channel(), make_channel()
        req = services.request_channel(session, make_user(), services.RequestInput("x", "Jobs", "Engineers"))
        session.commit()
        auth.login(comms)
        for path in ("/channels/new", f"/channels/{channel.id}/edit", f"/channels/{channel.id}/status", f"/channels/{channel.id}/reopen",
                     f"/channels/{channel.id}/activity", f"/channels/{channel.id}/close/start", f"/channels/{channel.id}/close/checklist",
                     f"/channels/{channel.id}/close/finish", f"/channels/{channel.id}/close/cancel", "/channels/request",
                     f"/channels/requests/{req.id}/approve", f"/channels/requests/{req.id}/decline",
                     "/strategy/tone/edit", "/strategy/kpis", "/strategy/tone/revisions/1/restore", "/strategy/kpis/1/remove"):
            assert client.post(path, data={"main_channel_id": str(main.id), "status": "dormant", "on": "2025-01-01", "note": "x",
                                           "body": "x", "platform": "x", "purpose": "p", "audience": "a"}).status_code == 400, path
        session.expire_all()
        assert session.get(Channel, channel.id).status == ChannelStatus.ACTIVE and req.status == RequestStatus.REQUESTED

    def test_the_buttons_carry_a_token_that_works(self, client, auth, comms, make_channel, session, today):
        main, channel = make_channel(), make_channel()
        services.start_closing(session, comms, channel, main)
        session.commit()
        auth.login(comms)

        def press(page_path: str, action: str) -> int:
            form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', client.get(page_path).get_data(as_text=True), re.S)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.group(0)).group(1)
            return client.post(action, data={"csrf_token": token}).status_code

        for page_path in (f"/channels/{channel.id}/close", f"/channels/{channel.id}"):  # stop closing, on both pages
            assert press(page_path, f"/channels/{channel.id}/close/cancel") == 302
            session.expire_all()
            assert session.get(Channel, channel.id).status == ChannelStatus.ACTIVE
            services.start_closing(session, comms, session.get(Channel, channel.id), session.get(Channel, main.id))
            session.commit()
        closing = session.get(Channel, channel.id)
        services.save_checklist(session, comms, closing, services.CHECKLIST_KEYS)
        services.close_channel(session, comms, closing, today, today=today)
        session.commit()
        assert press(f"/channels/{channel.id}", f"/channels/{channel.id}/reopen") == 302
        session.expire_all()
        assert session.get(Channel, channel.id).status == ChannelStatus.ACTIVE


def test_pages_send_as_many_statements_for_many_accounts_as_for_one(client, auth, comms, make_user, make_channel, session,
                                                                     statements, today):
    """No statement per account or per request: the inventory, the CSV (naming main accounts) and both request pages."""
    employee = make_user()

    def grow(n: int) -> None:
        main, closing = make_channel(), make_channel(owner=employee)
        services.start_closing(session, comms, closing, main)
        req = services.request_channel(session, employee, services.RequestInput("x", "Jobs", "Engineers"))
        services.approve_request(session, comms, req, services.ChannelInput(
            platform="bluesky", handle=f"@jobs{n}", url=f"https://bsky.app/profile/jobs{n}"), today=today)
        services.request_channel(session, employee, services.RequestInput("x", "More jobs", "Engineers"))
        session.commit()

    def count() -> dict[str, int]:
        sent = {}
        for who, path in ((comms, "/channels"), (comms, "/channels.csv"), (comms, "/channels/requests"), (employee, "/channels/request")):
            auth.login(who)
            with statements() as run:
                assert client.get(path).status_code == 200
            sent[path] = len(run)
        return sent

    grow(0)
    one = count()
    for n in range(1, 4):
        grow(n)
    assert count() == one


def test_channel_health_costs_the_dashboard_two_statements_and_other_pages_none(client, auth, comms, make_channel, session,
                                                                              statements):
    main = make_channel(handle="@vague", purpose="")
    services.start_closing(session, comms, make_channel(), main)
    session.commit()

    def channel_sql(path: str) -> tuple[str, list[str]]:
        with statements() as run:
            page = client.get(path).get_data(as_text=True)
        return page, [s for s in run if re.search(r"\bFROM channel(_request)?\b", s)]

    auth.login(comms)
    page, sql = channel_sql("/insights/")
    assert 'id="channel-health"' in page and "@vague on X" in page
    assert len(sql) == 2  # the accounts with their owners, and the open requests
    assert len(channel_sql("/channels")[1]) == 2  # the inventory page reads the accounts once for its table and summary
    for path in ("/insights/me", "/posts", "/strategy"):
        assert channel_sql(path)[1] == [], path


@pytest.mark.parametrize("language, said", [
    ("en", ["Active → Dormant. Paused for the summer", "Posted on 01 Jun 2025. Launch post",
            "Followers are pointed to <bdi>@acme</bdi> on LinkedIn.", "1 of 6 steps done.",
            "Requested by <bdi>Ann &lt;Asker&gt;</bdi>."]),
    ("sv", ["Aktivt → Vilande. Paused for the summer", "Publicerat den 1 juni 2025. Launch post",
            "Följarna hänvisas till <bdi>@acme</bdi> på LinkedIn.", "1 av 6 steg klara.",
            "Efterfrågat av <bdi>Ann &lt;Asker&gt;</bdi>."]),
    ("de", ["Aktiv → Ruhend. Paused for the summer", "Gepostet am 01.06.2025. Launch post",
            "Die Follower werden zu <bdi>@acme</bdi> auf LinkedIn weitergeleitet.", "1 von 6 Schritten erledigt.",
            "Angefragt von <bdi>Ann &lt;Asker&gt;</bdi>."]),
])
def test_the_history_says_what_hub_did_in_the_readers_language(client, auth, session, comms, make_user, make_channel,
                                                               language, said):
    asker = make_user(name="Ann <Asker>")
    req = services.request_channel(session, asker, services.RequestInput("x", "Product news", "Customers", "@acme_x"))
    channel = services.approve_request(session, comms, req, services.ChannelInput(
        platform="x", handle="@acme_x", url="https://x.com/acme_x", purpose="Product news", audience="Customers"),
        today=date(2025, 6, 15))
    main = make_channel(handle="@acme", platform="linkedin", url="https://www.linkedin.com/company/acme")
    services.set_status(session, comms, channel, ChannelStatus.DORMANT, "Paused for the summer")
    services.record_activity(session, comms, channel, date(2025, 6, 1), today=date(2025, 6, 15), note="Launch post")
    services.set_status(session, comms, channel, ChannelStatus.ACTIVE)
    services.start_closing(session, comms, channel, main)
    services.save_checklist(session, comms, channel, ["farewell_posted"])
    session.commit()
    auth.login(comms)
    page = client.get(f"/channels/{channel.id}", headers={"Accept-Language": language}).get_data(as_text=True)
    history = page[page.index('id="history"'):]
    for words in said:
        assert f'<span class="muted">{words}</span>' in history, words
