"""Dashboards, CSV exports, the inbox and the readers' feedback form, over HTTP."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa

from hub.insights import queries, services
from hub.insights.models import Feedback, FeedbackStatus
from hub.insights.views import duration

RANGE = {"start": "2026-03-01", "end": "2026-03-03"}


def rows(response):  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


# --- dashboards -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/insights/", "/insights/me", "/insights/feedback", "/insights/export/days.csv"])
def test_dashboards_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_company_dashboard_is_for_comms_and_admins(client, auth, known):
    auth.login(known.alice)
    assert client.get("/insights/", query_string=RANGE).status_code == 403
    assert client.get("/insights/export/days.csv", query_string=RANGE).status_code == 403
    auth.login(known.comms)
    html = client.get("/insights/", query_string=RANGE).get_data(as_text=True)
    assert 'id="kpi-clicks">6<' in html and 'id="kpi-previews">1<' in html and 'id="kpi-shares">5<' in html
    assert 'id="kpi-cps">1.20<' in html and 'id="kpi-response">4.0 h<' in html and 'id="kpi-acted">50%<' in html
    assert "Human clicks: 6" in html and "Link previews (bots): 1" in html  # the chart's legend
    assert 'class="spark"' in html and "Engineering culture" in html and "Bob Builder" in html
    assert "Leaderboard" not in html  # off by default
    assert "style=" not in html and "<script" not in html.split("</footer>")[0]


def test_my_shares_show_my_numbers_to_everyone(client, auth, known):
    auth.login(known.bob)
    response = client.get("/insights/me", query_string=RANGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="kpi-clicks">3<' in html and 'id="kpi-shares">3<' in html
    assert "By person" not in html and "Alice Author</th>" not in html


def test_navigation_links(client, auth, known):
    auth.login(known.alice)
    html = client.get("/posts").get_data(as_text=True)
    assert 'href="/insights/me"' in html and 'href="/insights/feedback"' in html and 'href="/insights/"' not in html
    auth.login(known.comms)
    assert 'href="/insights/"' in client.get("/posts").get_data(as_text=True)


@pytest.mark.parametrize("query", [{"start": "2026-03-05", "end": "2026-03-01"}, {"start": "nope"}, {"end": "2026-13-01"}])
def test_a_bad_range_is_refused_clearly(client, auth, known, query):
    auth.login(known.comms)
    response = client.get("/insights/", query_string=query)
    assert response.status_code == 400
    assert "notice-error" in response.get_data(as_text=True)
    assert client.get("/insights/export/days.csv", query_string=query).status_code == 400


def test_csv_exports_every_table(client, auth, known):
    auth.login(known.comms)
    html = client.get("/insights/", query_string=RANGE).get_data(as_text=True)
    links = sorted(set(re.findall(r'href="(/insights/export/[a-z-]+\.csv)\?', html)))
    assert [link.rsplit("/", 1)[1] for link in links] == sorted(
        ["summary.csv", "days.csv", "platforms.csv", "posts.csv", "top-posts.csv", "topics.csv", "people.csv", "feedback.csv",
         "outside.csv"])
    response = client.get("/insights/export/days.csv", query_string=RANGE)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="hub-insights-days-2026-03-01-to-2026-03-03.csv"'
    assert rows(response) == [
        ["day", "human_clicks", "unique_visitors", "shares", "clicks_per_share", "bot_previews"],
        ["2026-03-01", "4", "2", "3", "1.33", "0"],
        ["2026-03-02", "1", "1", "1", "1.00", "1"],
        ["2026-03-03", "1", "1", "1", "1.00", "0"],
    ]
    summary = dict(rows(client.get("/insights/export/summary.csv", query_string=RANGE))[1:])
    assert (summary["human_clicks"], summary["bot_previews"], summary["median_hours_to_first_response"]) == ("6", "1", "4.0")
    for link in links:
        assert client.get(link, query_string=RANGE).status_code == 200, link


def test_csv_cells_cannot_run_formulas_and_are_quoted(client, auth, known, session):
    from hub.posts.models import PostRevision

    session.execute(sa.update(PostRevision).where(PostRevision.post_id == known.p1.id)
                    .values(title='=HYPERLINK("http://evil.example","click"), "quoted"'))
    session.commit()
    auth.login(known.comms)
    response = client.get("/insights/export/posts.csv", query_string=RANGE)
    text = response.get_data(as_text=True)
    assert '"\'=HYPERLINK(""http://evil.example"",""click""), ""quoted"""' in text
    assert rows(response)[1][1].startswith("'=HYPERLINK")


def test_my_exports_and_missing_tables(client, auth, known):
    auth.login(known.bob)
    assert rows(client.get("/insights/me/export/platforms.csv", query_string=RANGE))[1:] == [
        ["X", "2", "2", "2", "1.00", "0"], ["LinkedIn", "1", "1", "1", "1.00", "0"]]
    assert client.get("/insights/me/export/people.csv", query_string=RANGE).status_code == 404
    assert client.get("/insights/me/export/leaderboard.csv", query_string=RANGE).status_code == 404  # off
    assert client.get("/insights/me/export/nope.csv").status_code == 404


def test_admins_switch_the_leaderboard_and_people_can_opt_out(client, auth, known, make_user, session):
    auth.login(known.comms)
    assert client.post("/insights/leaderboard", data={"enabled": "y"}).status_code == 403
    auth.login(make_user(role="admin"))
    response = client.post("/insights/leaderboard?start=2026-03-01&end=2026-03-03", data={"enabled": "y"})
    assert response.status_code == 302 and "start=2026-03-01" in response.headers["Location"]
    auth.login(known.alice)
    html = client.get("/insights/me", query_string=RANGE).get_data(as_text=True)
    assert "Leaderboard: clicks per share" in html and "Bob Builder" in html
    auth.login(known.bob)
    response = client.post("/profile", data={"display_name": "Bob Builder", "leaderboard_opt_out": "y"})
    assert response.status_code == 302
    session.refresh(known.bob)
    assert known.bob.leaderboard_opt_out is True
    auth.login(known.alice)
    html = client.get("/insights/me", query_string=RANGE).get_data(as_text=True)
    assert "Anonymous colleague" in html and "Bob Builder" not in html
    assert rows(client.get("/insights/me/export/leaderboard.csv", query_string=RANGE))[1][1] == "Anonymous colleague"


def test_the_leaderboard_shows_the_top_ten_and_tells_the_viewer_their_rank(client, auth, session, known, make_user, activity):
    services.set_leaderboard(session, make_user(role="admin"), True)
    sharers = [make_user(name=f"Sharer {i:02d}") for i in range(11)]
    for person in sharers:
        for _ in range(queries.MIN_SHARES_TO_RANK):
            activity.share(known.p3, person, "x", "copy", "2026-03-02 12:00:00")  # no clicks: 0 per share
    auth.login(sharers[-1])  # the newest account: last of the ties
    html = client.get("/insights/me", query_string=RANGE).get_data(as_text=True)
    board = re.search(r'<table class="table" id="table-leaderboard">.*?</table>', html, re.S).group(0)
    assert board.count("<tr>") + board.count('<tr class="is-you">') == 1 + queries.LEADERBOARD_SIZE
    assert "Bob Builder" in board and "Sharer 10" not in board  # 1.0 per share first; the viewer is 12th
    assert "You are number 12 of 12." in html  # Alice has too few shares to be ranked
    assert len(rows(client.get("/insights/me/export/leaderboard.csv", query_string=RANGE))) == 1 + queries.LEADERBOARD_SIZE


# --- readers' feedback ------------------------------------------------------------------------------


@pytest.fixture
def post(make_post, make_user):  # type: ignore[no-untyped-def]
    return make_post(author=make_user(name="Alice Author"), title="Why we moved", publish=True)


def stored(session):  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalars(sa.select(Feedback).order_by(Feedback.id)).all()


def test_every_public_post_has_the_form(client, post):
    html = client.get(f"/p/{post.id}-{post.slug}").get_data(as_text=True)
    assert 'id="feedback"' in html and f'action="/p/{post.id}/feedback"' in html and 'name="website"' in html


def test_feedback_is_sent_and_the_reader_comes_back_to_the_post(client, session, post):
    response = client.post(f"/p/{post.id}/feedback", data={"message": "Loved it", "name": "Ann", "email": "ann@example.org"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{post.id}-{post.slug}#feedback")
    assert [(f.message, f.name, f.email) for f in stored(session)] == [("Loved it", "Ann", "ann@example.org")]
    assert "your feedback went to the author" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(("data", "error"), [
    ({"message": "", "name": "Ann Typed", "email": "ann@example.org"}, "Write a few words"),
    ({"message": "Long thoughts typed carefully", "name": "Ann Typed", "email": "ann@@example"}, "does not look right"),
    ({"message": "Long thoughts typed carefully", "name": "Ann Typed", "website": "http://x"}, "it is there to catch robots"),
])
def test_refused_feedback_keeps_everything_typed(client, session, post, data, error):
    response = client.post(f"/p/{post.id}/feedback", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error in html and "Everything you typed is still here" in html
    assert 'value="Ann Typed"' in html
    if data["message"]:
        assert "Long thoughts typed carefully</textarea>" in html
    if "website" in data:  # a browser filled the hidden field: now it shows, with why
        assert re.search(r'<div class="field has-error">\s*<label for="website">', html)
    else:
        assert re.search(r'<div class="visually-hidden" aria-hidden="true">\s*<label for="website">', html)
    assert stored(session) == []


def test_feedback_is_rate_limited_per_address_without_losing_the_message(app, client, session, post):
    app.config["FEEDBACK_MAX_PER_ADDRESS"] = 2
    for _ in range(2):
        assert client.post(f"/p/{post.id}/feedback", data={"message": "Thanks!"}).status_code == 302
    response = client.post(f"/p/{post.id}/feedback", data={"message": "A third, long message"})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Wait a few minutes" in html and "A third, long message</textarea>" in html
    assert len(stored(session)) == 2
    other = client.post(f"/p/{post.id}/feedback", data={"message": "From elsewhere"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302


def test_no_feedback_on_unpublished_posts(client, make_post):
    draft = make_post(publish=False)
    assert client.post(f"/p/{draft.id}/feedback", data={"message": "Hi"}).status_code == 404
    assert client.get(f"/p/{draft.id}/feedback").status_code == 404


def test_the_author_answers_in_the_inbox_and_the_post_shows_it(client, auth, session, post, make_user):
    client.post(f"/p/{post.id}/feedback", data={"message": "Please share the <b>numbers</b>", "email": "r@example.org"})
    feedback = stored(session)[0]
    auth.login(make_user())  # a colleague: not theirs
    assert client.get(f"/insights/feedback/{feedback.id}").status_code == 404
    assert "Please share" not in client.get("/insights/feedback").get_data(as_text=True)
    auth.login(post.author)
    notes = client.get("/notifications").get_data(as_text=True)
    assert "A reader left feedback on “Why we moved”" in notes
    [note] = re.findall(r"/notifications/(\d+)/open", notes)
    assert client.post(f"/notifications/{note}/open").headers["Location"] == "/insights/feedback"
    inbox = client.get("/insights/feedback").get_data(as_text=True)
    assert "Please share the &lt;b&gt;numbers&lt;/b&gt;" in inbox and "r@example.org" in inbox
    response = client.post(f"/insights/feedback/{feedback.id}", data={
        "status": "done", "internal_note": "Asked Bob", "public_response": "We added the numbers.\nThanks!"})
    assert response.status_code == 302
    session.expire_all()
    assert (feedback.status, feedback.internal_note) == (FeedbackStatus.DONE, "Asked Bob")
    page = client.get(f"/p/{post.id}-{post.slug}").get_data(as_text=True)
    assert "You said, we did" in page and "We added the numbers.\nThanks!" in page
    assert "Please share the &lt;b&gt;numbers&lt;/b&gt;" in page
    assert "r@example.org" not in page and "Asked Bob" not in page
    assert f'datetime="{feedback.responded_at:%Y-%m-%dT%H:%M:%SZ}"' in page


def test_inbox_filters_by_status_and_comms_see_all(client, auth, session, post, make_user, activity):
    activity.feedback(post, "2026-03-01 10:00:00", FeedbackStatus.DONE, "2026-03-01 11:00:00", message="Done one")
    activity.feedback(post, "2026-03-02 10:00:00", message="Waiting one")
    auth.login(make_user(role="comms"))
    html = client.get("/insights/feedback?status=new").get_data(as_text=True)
    assert "Waiting one" in html and "Done one" not in html
    html = client.get("/insights/feedback?status=bogus").get_data(as_text=True)
    assert "Waiting one" in html and "Done one" in html


def pager_links(html):  # type: ignore[no-untyped-def]
    nav = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    links = re.findall(r'href="/insights/feedback\?([^"]*)">([^<]*)</a>', nav.group(0)) if nav else []
    return {text: parse_qs(unescape(query)) for query, text in links}


def test_inbox_pages_keep_the_status_filter(client, auth, post, activity):
    for i in range(31):
        activity.feedback(post, f"2026-03-01 10:{i:02d}:00", message=f"Message number {i}")
    auth.login(post.author)
    first = client.get("/insights/feedback?status=new").get_data(as_text=True)
    assert first.count('class="card pad feedback-item"') == 30 and "Message number 30" in first and "Message number 0<" not in first
    assert pager_links(first) == {"Older →": {"page": ["2"], "status": ["new"]}}
    second = client.get("/insights/feedback?status=new&page=2").get_data(as_text=True)
    assert second.count('class="card pad feedback-item"') == 1 and "Message number 0<" in second
    assert pager_links(second) == {"← Newer": {"page": ["1"], "status": ["new"]}}


@pytest.mark.parametrize(("value", "shown"), [
    (None, "–"), (timedelta(minutes=45), "45 min"), (timedelta(hours=5, minutes=30), "5.5 h"), (timedelta(days=3, hours=5), "3.2 days"),
])
def test_durations_are_short_and_human(value, shown):
    assert duration(value) == shown


def test_invalid_status_is_refused(client, auth, session, post, activity):
    f = activity.feedback(post, "2026-03-01 10:00:00")
    auth.login(post.author)
    response = client.post(f"/insights/feedback/{f.id}", data={"status": "lost"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    session.expire_all()
    assert f.status == FeedbackStatus.NEW


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_every_post_needs_a_csrf_token(client, auth, session, post, app_config):
    assert client.post(f"/p/{post.id}/feedback", data={"message": "No token"}).status_code == 400
    auth.login(post.author)
    assert client.post("/insights/leaderboard", data={"enabled": "y"}).status_code == 400
    assert stored(session) == []
