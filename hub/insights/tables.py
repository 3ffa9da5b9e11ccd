"""The dashboard's tables as header and rows: one definition for the page's CSV exports.

Each table the dashboard shows has a name here; ``/insights/export/<name>.csv`` (or
``/insights/me/export/<name>.csv``) serves it in full, even where the page shows the first rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from hub.insights.queries import Counts, Dashboard, Sameness

Table = tuple[list[str], list[list[object]]]
COUNT_HEADER = ["human_clicks", "unique_visitors", "shares", "clicks_per_share", "bot_previews"]


def _cps(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _counts(c: Counts) -> list[object]:
    return [c.clicks, c.visitors, c.shares, _cps(c.clicks_per_share), c.previews]


def _hours(delta: timedelta | None) -> str:
    return "" if delta is None else f"{delta.total_seconds() / 3600:.1f}"


def summary(d: Dashboard) -> Table:
    """The key numbers, one measure a row."""
    t, li = d.totals, d.listening
    rows: list[list[object]] = [
        ["start", d.range.start], ["end", d.range.end],
        ["human_clicks", t.clicks], ["unique_visitors", t.visitors], ["bot_previews", t.previews],
        ["shares", t.shares], ["copies", t.copies], ["share_screens_opened", t.intents],
        ["clicks_per_share", _cps(t.clicks_per_share)], ["posts_written", t.posts_written],
        ["people_who_shared", t.sharers], ["active_people", t.people],
        ["feedback_received", li.received], ["median_hours_to_first_response", _hours(li.median_first_response)],
        ["share_acted_on", _cps(li.acted_share)],
        ["own_post_shares", d.bigger_picture.own_shares], ["outside_article_shares", d.bigger_picture.outside_shares],
        ["outside_share_of_shares", _cps(d.bigger_picture.outside_share)],
    ]
    return ["measure", "value"], rows


def days(d: Dashboard) -> Table:
    """Clicks over time, one day a row."""
    return ["day", *COUNT_HEADER], [[r.day, *_counts(r.counts)] for r in d.days]


def platforms(d: Dashboard) -> Table:
    """One platform a row."""
    return ["platform", *COUNT_HEADER], [[r.name, *_counts(r.counts)] for r in d.platforms]


def posts(d: Dashboard) -> Table:
    """Every post with clicks or shares in the range (company-wide: with its sameness, the share
    of its saved share texts that read almost the same as another person's)."""
    if d.is_mine:
        return (["post_id", "title", "author", *COUNT_HEADER],
                [[r.post_id, r.title, r.author, *_counts(r.counts)] for r in d.posts])
    return (["post_id", "title", "author", *COUNT_HEADER, "share_texts", "near_duplicate_texts", "sameness"],
            [[r.post_id, r.title, r.author, *_counts(r.counts), *_sameness(r.sameness)] for r in d.posts])


def _sameness(s: Sameness | None) -> list[object]:
    if s is None:
        return ["", "", ""]
    return [s.texts, s.alike, "" if s.share is None else f"{s.share:.2f}"]


def top_posts(d: Dashboard) -> Table:
    """The posts with the most clicks per share."""
    return (["rank", "post_id", "title", "author", *COUNT_HEADER],
            [[i, r.post_id, r.title, r.author, *_counts(r.counts)] for i, r in enumerate(d.top_posts, start=1)])


def topics(d: Dashboard) -> Table:
    """One topic a row ("No topic" included)."""
    return ["topic", "posts", *COUNT_HEADER], [[r.title, r.posts, *_counts(r.counts)] for r in d.topics]


def people(d: Dashboard) -> Table:
    """One person a row (the company view)."""
    return ["person", *COUNT_HEADER], [[r.name, *_counts(r.counts)] for r in d.people]


def leaderboard(d: Dashboard) -> Table:
    """The leaderboard as shown (people who opted out stay anonymous)."""
    board = d.leaderboard
    rows = [] if board is None else [[r.rank, r.name, r.clicks, r.shares, _cps(r.clicks_per_share)] for r in board.rows]
    return ["rank", "person", "human_clicks", "shares", "clicks_per_share"], rows


def feedback(d: Dashboard) -> Table:
    """Feedback received in the range, per status."""
    return ["status", "feedback"], [[status.label, n] for status, n in d.listening.by_status]


def outside(d: Dashboard) -> Table:
    """Every outside article (the library) with shares or clicks in the range."""
    return (["item_id", "title", "source", *COUNT_HEADER],
            [[r.item_id, r.title, r.source, *_counts(r.counts)] for r in d.outside])


TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "summary": summary, "days": days, "platforms": platforms, "posts": posts, "top-posts": top_posts,
    "topics": topics, "people": people, "leaderboard": leaderboard, "feedback": feedback, "outside": outside,
}


def available(d: Dashboard) -> Sequence[str]:
    """The tables this dashboard shows (people only company-wide, the leaderboard when on)."""
    return [name for name in TABLES
            if not (name == "people" and d.is_mine) and not (name == "leaderboard" and d.leaderboard is None)]
