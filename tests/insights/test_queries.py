"""Every KPI on known data (see the ``known`` fixture), on SQLite and PostgreSQL: bots apart,
both edges of the date range, unique visitors per day, the leaderboard and listening."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hub.errors import PermissionDenied, ValidationError
from hub.insights import queries, services
from hub.insights.models import FeedbackStatus
from hub.insights.queries import DateRange

RANGE = DateRange(date(2026, 3, 1), date(2026, 3, 3))


def counts(c):  # type: ignore[no-untyped-def]
    return (c.clicks, c.visitors, c.shares, c.previews)


def company(session, known, rng=RANGE):  # type: ignore[no-untyped-def]
    return queries.dashboard(session, known.comms, rng, mine=False)


def test_totals_count_humans_apart_from_bots_and_both_range_edges(session, known):
    t = company(session, known).totals
    assert (t.clicks, t.visitors, t.previews) == (6, 4, 1)
    assert (t.shares, t.copies, t.intents) == (5, 2, 3)
    assert t.clicks_per_share == pytest.approx(6 / 5)
    assert (t.posts_written, t.authors) == (2, 1)
    assert (t.sharers, t.people) == (2, 4)  # active accounts
    assert t.participation == pytest.approx(2 / 4)


def test_by_day_has_every_day_with_daily_unique_visitors(session, known):
    days = company(session, known).days
    assert [(r.day, counts(r.counts)) for r in days] == [
        (date(2026, 3, 1), (4, 2, 3, 0)),  # r1 three times on two platforms, r2 once: 2 visitors
        (date(2026, 3, 2), (1, 1, 1, 1)),  # r1 again, on a new day: a visitor of that day
        (date(2026, 3, 3), (1, 1, 1, 0)),
    ]


def test_by_platform_post_topic_and_person(session, known):
    d = company(session, known)
    assert [(r.platform, counts(r.counts)) for r in d.platforms] == [("x", (3, 3, 3, 0)), ("linkedin", (3, 2, 2, 1))]
    assert d.platforms[1].name == "LinkedIn" and d.platforms[1].counts.clicks_per_share == pytest.approx(1.5)
    assert [(r.post_id, r.title, r.author, counts(r.counts)) for r in d.posts] == [
        (known.p1.id, "Why we moved to Postgres", "Alice Author", (4, 2, 3, 1)),
        (known.p2.id, "On-call without burnout", "Alice Author", (2, 2, 2, 0)),
    ]
    assert [(r.title, r.posts, counts(r.counts)) for r in d.topics] == [
        ("Engineering culture", 1, (4, 2, 3, 1)),
        ("No topic", 1, (2, 2, 2, 0)),
    ]
    # equal clicks: the one with more shares first
    assert [(r.name, counts(r.counts)) for r in d.people] == [("Bob Builder", (3, 3, 3, 0)), ("Alice Author", (3, 1, 2, 1))]


def test_top_posts_rank_by_clicks_per_share(session, known):
    top = company(session, known).top_posts
    assert [(r.post_id, round(r.counts.clicks_per_share, 3)) for r in top] == [(known.p1.id, 1.333), (known.p2.id, 1.0)]


def test_sparklines_give_clicks_per_day_of_the_range(session, known):
    posts = {r.post_id: r for r in company(session, known).posts}
    assert posts[known.p1.id].series == (4, 0, 0)
    assert posts[known.p2.id].series == (0, 1, 1)


@pytest.mark.parametrize(("start", "end", "clicks", "previews"), [
    (date(2026, 2, 28), date(2026, 2, 28), 1, 0),  # 23:59:59 on the end day counts
    (date(2026, 3, 4), date(2026, 3, 4), 1, 0),  # 00:00:00 is the next day's
    (date(2026, 3, 2), date(2026, 3, 2), 1, 1),
    (date(2026, 2, 28), date(2026, 3, 4), 8, 1),
    (date(2026, 3, 5), date(2026, 3, 9), 0, 0),
])
def test_range_edges(session, known, start, end, clicks, previews):
    t = company(session, known, DateRange(start, end)).totals
    assert (t.clicks, t.previews) == (clicks, previews)


def test_share_events_on_the_edges(session, known):
    assert company(session, known, DateRange(date(2026, 3, 3), date(2026, 3, 3))).totals.shares == 1  # 23:59:59
    assert company(session, known, DateRange(date(2026, 3, 4), date(2026, 3, 4))).totals.shares == 1  # 00:00:00
    assert company(session, known, DateRange(date(2026, 2, 28), date(2026, 2, 28))).totals.sharers == 1


def test_my_shares_count_only_my_links_and_my_shares(session, known):
    bob = queries.dashboard(session, known.bob, RANGE, mine=True)
    assert bob.is_mine and bob.people == ()
    t = bob.totals
    assert (t.clicks, t.visitors, t.previews, t.shares, t.sharers, t.people) == (3, 3, 0, 3, 1, 1)
    assert (t.posts_written, t.authors) == (0, 0)  # p3 was first published on the day after
    assert [(r.platform, counts(r.counts)) for r in bob.platforms] == [("x", (2, 2, 2, 0)), ("linkedin", (1, 1, 1, 0))]
    assert [(r.post_id, counts(r.counts)) for r in bob.posts] == [(known.p2.id, (2, 2, 2, 0)), (known.p1.id, (1, 1, 1, 0))]
    assert [(r.day, r.counts.clicks) for r in bob.days] == [(date(2026, 3, 1), 1), (date(2026, 3, 2), 1), (date(2026, 3, 3), 1)]
    alice = queries.dashboard(session, known.alice, RANGE, mine=True).totals
    assert (alice.clicks, alice.visitors, alice.previews, alice.shares, alice.posts_written) == (3, 1, 1, 2, 2)


def test_someone_without_activity_sees_zeros(session, known, make_user):
    d = queries.dashboard(session, make_user(), RANGE, mine=True)
    assert (d.totals.clicks, d.totals.shares, d.totals.clicks_per_share) == (0, 0, None)
    assert d.posts == () and d.platforms == () and len(d.days) == 3


def test_only_comms_and_admins_see_the_company(session, known, make_user):
    with pytest.raises(PermissionDenied):
        queries.dashboard(session, known.alice, RANGE, mine=False)
    assert queries.dashboard(session, make_user(role="admin"), RANGE, mine=False).totals.clicks == 6


def test_listening_kpis(session, known):
    li = company(session, known).listening
    assert (li.received, li.responded, li.waiting, li.acted_on) == (4, 3, 1, 2)
    assert li.median_first_response == timedelta(hours=4)
    assert li.acted_share == pytest.approx(0.5)
    assert dict(li.by_status) == {FeedbackStatus.NEW: 1, FeedbackStatus.ACKNOWLEDGED: 0, FeedbackStatus.ACTING: 1,
                                  FeedbackStatus.DONE: 1, FeedbackStatus.DECLINED: 1}
    mine = queries.dashboard(session, known.alice, RANGE, mine=True).listening
    assert (mine.received, mine.responded, mine.acted_on) == (3, 2, 1)
    assert mine.median_first_response == timedelta(hours=13)  # the median of 2 h and 24 h
    empty = company(session, known, DateRange(date(2026, 1, 1), date(2026, 1, 2))).listening
    assert (empty.received, empty.median_first_response, empty.acted_share) == (0, None, None)


def test_leaderboard_is_off_by_default(session, known):
    assert company(session, known).leaderboard is None
    assert queries.dashboard(session, known.bob, RANGE, mine=True).leaderboard is None


def test_leaderboard_ranks_by_clicks_per_share_with_a_minimum_of_shares(session, known, make_user, activity):
    services.set_leaderboard(session, make_user(role="admin"), True)
    session.commit()
    board = company(session, known).leaderboard
    assert board is not None
    # Alice has 3 clicks from 2 shares (1.5) but fewer than MIN_SHARES_TO_RANK shares: not ranked.
    assert [(r.rank, r.name, r.clicks, r.shares, r.clicks_per_share) for r in board.rows] == [(1, "Bob Builder", 3, 3, 1.0)]
    activity.share(known.p2, known.alice, "x", "copy", "2026-03-02 12:00:00")  # Alice: 3 shares, 1.0 per share
    board = company(session, known).leaderboard
    # Both at 1.0 per share with 3 clicks: a tie, kept in a stable order (the older account first).
    assert [(r.rank, r.name, r.clicks_per_share) for r in board.rows] == [(1, "Alice Author", 1.0), (2, "Bob Builder", 1.0)]
    assert board.ranked == 2


def test_opted_out_people_are_anonymous_to_others_but_not_to_themselves(session, known, make_user):
    services.set_leaderboard(session, make_user(role="admin"), True)
    known.bob.leaderboard_opt_out = True
    session.commit()
    others = company(session, known).leaderboard
    assert [(r.name, r.user_id) for r in others.rows] == [(queries.ANONYMOUS, 0)]
    own = queries.dashboard(session, known.bob, RANGE, mine=True).leaderboard
    assert own.viewer is not None and own.viewer.name == "Bob Builder" and own.viewer.rank == 1


def test_only_admins_switch_the_leaderboard(session, known):
    with pytest.raises(PermissionDenied):
        services.set_leaderboard(session, known.comms, True)


@pytest.mark.parametrize(("start", "end", "expected"), [
    (None, None, DateRange(date(2026, 4, 1), date(2026, 4, 30))),
    ("2026-04-01", "2026-04-01", DateRange(date(2026, 4, 1), date(2026, 4, 1))),
    ("", "2026-04-10", DateRange(date(2026, 3, 12), date(2026, 4, 10))),
    (" 2026-01-01 ", "2026-12-31", DateRange(date(2026, 1, 1), date(2026, 12, 31))),
])
def test_parse_range(start, end, expected):
    assert queries.parse_range(start, end, date(2026, 4, 30)) == expected


@pytest.mark.parametrize(("start", "end"), [
    ("2026-04-02", "2026-04-01"), ("yesterday", None), ("2026-02-30", None), ("2020-01-01", "2026-01-01"),
])
def test_parse_range_refuses(start, end):
    with pytest.raises(ValidationError):
        queries.parse_range(start, end, date(2026, 4, 30))
