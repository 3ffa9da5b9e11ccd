"""KPI reads: the company dashboard, each person's "my shares", and the listening numbers.

Definitions (what the dashboards and their CSV files mean):

- **Human clicks**: follows of tracked links by browsers; link-preview fetchers and crawlers
  (``click.is_bot``) are counted apart as **previews**.
- **Unique visitors**: distinct visitors of each UTC day, summed over the days of the range. The
  visitor hash rotates daily (no reader can be followed across days), so a reader who comes
  back on three days is three visitors. Each breakdown (day, platform, post, person) counts its
  own distinct visitors; a topic's visitors are the sum of its posts'.
- **Shares**: share events (text copied, share screen opened, Web Share), a person's intent to
  post. **Clicks per share** = human clicks / shares over the same range and breakdown.
- **Posts written**: posts first published in the range. **People who shared**: distinct
  people with at least one share event in the range, out of the active accounts.
- **Sameness** (per post, company view): of the share texts people saved for the post in the
  range (one per person and platform), the share that reads almost the same as another
  person's text for the same post and platform (``hub.rewrite`` near-duplicates: links,
  hashtags and mentions do not count). Many colleagues posting the same words looks scripted.
- **Outside articles** (the library): shares and clicks of tracked links to other sites'
  articles. They count in the totals, per day, platform and person, never per post or topic.
  **The bigger picture**: of all shares in the range, the part that was outside articles (a
  company that only talks about itself loses people's interest); own posts are the rest.
- Date ranges are whole UTC days, both ends included.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from hub import platforms
from hub.auth.models import User, UserStatus
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.i18n import _, _l
from hub.insights.models import ClickRollup, Feedback, FeedbackStatus, RollupScope
from hub.insights.rollups import day_of
from hub.lib.text import slugify
from hub.lib.timeutil import FIRST_DAY, LAST_DAY, parse_day
from hub.library.models import LibraryItem
from hub.posts.models import Post, PostRevision
from hub.rewrite import NEAR_DUPLICATE_THRESHOLD, similar_pairs
from hub.sharing.models import Click, ShareEvent, ShareLink, ShareText
from hub.sharing.services import get_setting
from hub.topics.models import Topic

DEFAULT_DAYS = 30
MAX_DAYS = 732  # two years, leap day included
# The leaderboard ranks by clicks per share; fewer shares than this in the range and a person
# is not ranked (one lucky share with one click would otherwise top it at 1.0).
MIN_SHARES_TO_RANK = 3
LEADERBOARD_SIZE = 10
LEADERBOARD_KEY = "leaderboard_enabled"
TOP_POSTS = 10
ANONYMOUS = _l("Anonymous colleague")  # a name shown in place of people who opted out
# Sameness compares at most this many texts per post and platform (the newest): pairs grow
# with the square, and a few hundred already tell whether people copy each other.
SAMENESS_GROUP_MAX = 200


# --- date ranges ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateRange:
    """Whole UTC days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        """The first instant of the range (aware UTC)."""
        return datetime.combine(self.start, time(), UTC)

    @property
    def end_before(self) -> datetime:
        """The first instant after the range (aware UTC): ranges are ``[start_at, end_before)``."""
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)


def default_range(today: date, days: int = DEFAULT_DAYS) -> DateRange:
    """The last ``days`` days, today included."""
    return DateRange(today - timedelta(days=days - 1), today)


def parse_range(start: str | None, end: str | None, today: date) -> DateRange:
    """A range from ``?start=YYYY-MM-DD&end=YYYY-MM-DD``; a missing end is today, a missing
    start is 30 days before the end. Raises ValidationError on anything else."""
    def parse(value: str, name: str) -> date:
        day = parse_day(value)  # within hub's calendar, so the day after the range always exists
        if day is None:
            raise ValidationError(name, _("“%(value)s” is not a date from %(first)s to %(last)s: use YYYY-MM-DD.",
                                          value=value[:20], first=FIRST_DAY, last=LAST_DAY))
        return day

    end_day = parse(end, "end") if end and end.strip() else today
    start_day = parse(start, "start") if start and start.strip() else end_day - timedelta(days=DEFAULT_DAYS - 1)
    if start_day > end_day:
        raise ValidationError("start", _("The start date must be on or before the end date."))
    if (end_day - start_day).days + 1 > MAX_DAYS:
        raise ValidationError("start", _("Choose at most %(num)s days.", num=MAX_DAYS))
    return DateRange(start_day, end_day)


# --- results -------------------------------------------------------------------------------------


def ratio(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator``, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


@dataclass
class Counts:
    """Human clicks, their visitors, previews and shares of one row of a breakdown."""

    clicks: int = 0
    visitors: int = 0
    previews: int = 0
    shares: int = 0

    @property
    def clicks_per_share(self) -> float | None:
        return ratio(self.clicks, self.shares)


@dataclass(frozen=True)
class Totals:
    clicks: int
    visitors: int
    previews: int
    shares: int
    copies: int
    intents: int  # share screens opened, Web Share included
    posts_written: int
    authors: int
    sharers: int
    people: int  # active accounts (the company view) or 1 (my shares)

    @property
    def clicks_per_share(self) -> float | None:
        return ratio(self.clicks, self.shares)

    @property
    def participation(self) -> float | None:
        return ratio(self.sharers, self.people)


@dataclass(frozen=True)
class DayRow:
    day: date
    counts: Counts


@dataclass(frozen=True)
class PlatformRow:
    platform: str
    name: str
    counts: Counts


@dataclass(frozen=True)
class Sameness:
    """How alike people's share texts of one post are (see the module docstring)."""

    texts: int  # share texts saved in the range, one per person and platform
    alike: int  # of those, near-duplicates of another person's text on the same platform

    @property
    def share(self) -> float | None:
        return ratio(self.alike, self.texts)


@dataclass(frozen=True)
class PostRow:
    post_id: int
    title: str
    slug: str
    author: str
    topic_id: int | None
    counts: Counts
    series: tuple[int, ...] = ()  # human clicks per day (the displayed rows only)
    sameness: Sameness | None = None  # the company view only


@dataclass(frozen=True)
class TopicRow:
    topic_id: int | None
    title: str
    posts: int
    counts: Counts


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    name: str
    counts: Counts


@dataclass(frozen=True)
class LeaderRow:
    rank: int
    user_id: int
    name: str  # ANONYMOUS for people who opted out (except to themselves)
    clicks: int
    shares: int
    clicks_per_share: float
    is_viewer: bool


@dataclass(frozen=True)
class Leaderboard:
    rows: tuple[LeaderRow, ...]  # the top LEADERBOARD_SIZE
    viewer: LeaderRow | None  # the viewer's own row when ranked (whether or not in the top)
    ranked: int  # how many people had enough shares to be ranked
    min_shares: int = MIN_SHARES_TO_RANK


@dataclass(frozen=True)
class Listening:
    received: int
    responded: int  # got a first response (status change or public answer)
    waiting: int  # still new
    acted_on: int  # acting on it, or done
    median_first_response: timedelta | None
    by_status: tuple[tuple[FeedbackStatus, int], ...]

    @property
    def acted_share(self) -> float | None:
        return ratio(self.acted_on, self.received)


@dataclass(frozen=True)
class ItemRow:
    """An outside article of the library, with its shares and clicks in the range."""

    item_id: int
    title: str
    source: str
    counts: Counts


@dataclass(frozen=True)
class BiggerPicture:
    """Own posts versus outside articles among the shares (and their clicks) in a range."""

    own_shares: int
    outside_shares: int
    own_clicks: int
    outside_clicks: int

    @property
    def outside_share(self) -> float | None:
        """The part of all shares that were outside articles (0..1), or None without shares."""
        return ratio(self.outside_shares, self.own_shares + self.outside_shares)

    @property
    def own_share(self) -> float | None:
        share = self.outside_share
        return None if share is None else 1 - share


@dataclass(frozen=True)
class Dashboard:
    """Everything one dashboard page (or one of its CSV files) shows."""

    range: DateRange
    user_id: int | None  # None: the whole company; else one person's shares
    totals: Totals
    days: tuple[DayRow, ...]
    platforms: tuple[PlatformRow, ...]
    posts: tuple[PostRow, ...]  # by human clicks, most first
    topics: tuple[TopicRow, ...]
    people: tuple[PersonRow, ...]  # the company view only
    top_posts: tuple[PostRow, ...]  # by clicks per share
    listening: Listening
    leaderboard: Leaderboard | None  # None when switched off
    outside: tuple[ItemRow, ...] = ()  # library items, by human clicks, most first
    bigger_picture: BiggerPicture = BiggerPicture(0, 0, 0, 0)

    @property
    def is_mine(self) -> bool:
        return self.user_id is not None


# --- switches --------------------------------------------------------------------------------------


def leaderboard_enabled(session: Session) -> bool:
    """Whether an admin switched the leaderboard on (it is off by default)."""
    return get_setting(session, LEADERBOARD_KEY) == "1"


def can_see_company(viewer: User) -> bool:
    """Comms and admins see everyone's numbers; everyone sees their own."""
    return bool(viewer.is_authenticated and viewer.is_active and viewer.is_comms)


def can_handle(viewer: User, feedback: Feedback) -> bool:
    """The post's author, comms and admins read and answer its feedback."""
    return bool(
        viewer.is_authenticated and viewer.is_active and (viewer.is_comms or feedback.post.author_id == viewer.id)
    )


# --- the dashboard --------------------------------------------------------------------------------


def dashboard(session: Session, viewer: User, rng: DateRange, *, mine: bool, sparklines: int = 50) -> Dashboard:
    """The company dashboard (``mine=False``: comms and admins only) or ``viewer``'s own
    ("my shares") over ``rng``. Sparklines are computed for the ``sparklines`` posts with the
    most clicks."""
    if not mine and not can_see_company(viewer):
        raise PermissionDenied(_("Only comms and admins see the company's numbers."))
    user_id = viewer.id if mine else None
    shares = _shares(session, rng, user_id)

    by_day = _by_key(session, rng, user_id, ClickRollup.day, shares.by_day)
    days = [DayRow(d, by_day.get(d, Counts())) for d in rng.days]  # every day: charts need the empty ones
    by_platform = _by_key(session, rng, user_id, ClickRollup.platform, shares.by_platform)
    by_post = _by_key(session, rng, user_id, ClickRollup.post_id, shares.by_post)
    by_user = {} if mine else _by_key(session, rng, None, ClickRollup.user_id, shares.by_user)

    post_info = _post_info(session, by_post)
    post_rows = sorted(
        (
            PostRow(pid, *post_info.get(pid, ("(deleted post)", "post", "", None)), counts)
            for pid, counts in by_post.items()
        ),
        key=lambda r: (-r.counts.clicks, -r.counts.shares, r.post_id),
    )
    series = _series(session, rng, user_id, [r.post_id for r in post_rows[:sparklines]])
    post_rows = [replace(r, series=series[r.post_id]) if r.post_id in series else r for r in post_rows]
    if not mine:
        alike = sameness(session, rng, [r.post_id for r in post_rows])
        post_rows = [replace(r, sameness=alike.get(r.post_id, Sameness(0, 0))) for r in post_rows]

    platform_rows = sorted(
        (
            PlatformRow(pid, platforms.PLATFORMS[pid].name if pid in platforms.PLATFORMS else pid, counts)
            for pid, counts in by_platform.items()
        ),
        key=lambda r: (-r.counts.clicks, -r.counts.shares, r.name),
    )
    names = _names(session, by_user)
    people_rows = sorted(
        (PersonRow(uid, names.get(uid, ("(unknown)", False))[0], counts) for uid, counts in by_user.items()),
        key=lambda r: (-r.counts.clicks, -r.counts.shares, r.name),
    )

    totals = Totals(
        clicks=sum(d.counts.clicks for d in days),
        visitors=sum(d.counts.visitors for d in days),
        previews=sum(d.counts.previews for d in days),
        shares=shares.total,
        copies=shares.by_kind.get("copy", 0),
        intents=shares.by_kind.get("intent", 0) + shares.by_kind.get("webshare", 0),
        **_written(session, rng, user_id),
        sharers=len(shares.by_user),
        people=1 if mine else _active_people(session),
    )
    top = sorted(
        (r for r in post_rows if r.counts.shares),
        key=lambda r: (-(r.counts.clicks_per_share or 0), -r.counts.clicks, r.post_id),
    )
    board = None
    if leaderboard_enabled(session):  # it ranks everyone, on "my shares" too
        everyone = (
            _by_key(session, rng, None, ClickRollup.user_id, _share_counts(session, rng, None, ShareEvent.user_id))
            if mine
            else by_user
        )
        board = _leaderboard(session, everyone, viewer)
    outside = _outside(session, rng, user_id)
    outside_shares = sum(r.counts.shares for r in outside)
    outside_clicks = sum(r.counts.clicks for r in outside)
    picture = BiggerPicture(totals.shares - outside_shares, outside_shares, totals.clicks - outside_clicks,
                            outside_clicks)
    return Dashboard(
        range=rng,
        user_id=user_id,
        totals=totals,
        days=tuple(days),
        platforms=tuple(platform_rows),
        posts=tuple(post_rows),
        topics=tuple(_topics(session, post_rows)),
        people=tuple(people_rows),
        top_posts=tuple(top[:TOP_POSTS]),
        listening=listening(session, rng, author_id=user_id),
        leaderboard=board,
        outside=tuple(outside),
        bigger_picture=picture,
    )


def _outside(session: Session, rng: DateRange, user_id: int | None) -> list[ItemRow]:
    """Shares and clicks of library items in the range (``user_id``'s, or everyone's). Read from
    the facts (share events by item, clicks through their links): the library is small beside
    the posts, and the rollups keep no per-item cells."""
    shares = sa.select(ShareEvent.item_id, sa.func.count()).where(
        ShareEvent.item_id.is_not(None), ShareEvent.at >= rng.start_at, ShareEvent.at < rng.end_before)
    links = sa.select(ShareLink.id).where(ShareLink.item_id.is_not(None))
    if user_id is not None:
        shares = shares.where(ShareEvent.user_id == user_id)
        links = links.where(ShareLink.user_id == user_id)
    # The items' links first, then their clicks by link: joined in one statement, SQLite's
    # planner walked every click of the range (ix_click_at) to find the few of items' links.
    link_ids = list(session.scalars(links))
    clicks = (
        sa.select(ShareLink.item_id, Click.is_bot, sa.func.count(), sa.func.count(sa.distinct(Click.visitor)))
        .join(ShareLink, ShareLink.id == Click.link_id)
        .where(Click.link_id.in_(link_ids), Click.at >= rng.start_at, Click.at < rng.end_before)
    )
    counts: dict[int, Counts] = defaultdict(Counts)
    for item_id, n in session.execute(shares.group_by(ShareEvent.item_id)):
        if item_id is not None:  # always (the WHERE); narrows the type
            counts[item_id].shares = int(n)
    for item_id, is_bot, n, visitors in (session.execute(clicks.group_by(ShareLink.item_id, Click.is_bot))
                                         if link_ids else ()):
        if item_id is None:
            continue
        if is_bot:
            counts[item_id].previews += int(n)
        else:
            counts[item_id].clicks += int(n)
            counts[item_id].visitors += int(visitors)  # distinct over the range: a floor of the daily sum
    if not counts:
        return []
    info = {i.id: i for i in session.scalars(sa.select(LibraryItem).where(LibraryItem.id.in_(list(counts))))}
    rows = [ItemRow(iid, info[iid].title if iid in info else "(removed article)",
                    info[iid].source_name if iid in info else "", c) for iid, c in counts.items()]
    return sorted(rows, key=lambda r: (-r.counts.clicks, -r.counts.shares, r.item_id))


@dataclass
class _Shares:
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_day: dict[date, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    by_post: dict[int, int] = field(default_factory=dict)
    by_user: dict[int, int] = field(default_factory=dict)


def _share_counts(
    session: Session, rng: DateRange, user_id: int | None, key: sa.ColumnElement[Any] | InstrumentedAttribute[Any]
) -> dict[Any, int]:
    """Share events in the range (``user_id``'s, or everyone's) per value of ``key``: one small
    aggregate query, read through ``ix_share_event_at``."""
    stmt = (
        sa.select(key, sa.func.count())
        .where(ShareEvent.at >= rng.start_at, ShareEvent.at < rng.end_before)
        .group_by(key)
    )
    if user_id is not None:
        stmt = stmt.where(ShareEvent.user_id == user_id)
    return {k: int(n) for k, n in session.execute(stmt)}


def _shares(session: Session, rng: DateRange, user_id: int | None) -> _Shares:
    """Share events in the range, counted per kind, day, platform, post and person."""
    result = _Shares(by_kind=_share_counts(session, rng, user_id, ShareEvent.kind))
    result.total = sum(result.by_kind.values())
    if not result.total:
        return result
    day = day_of(session.get_bind().dialect.name, ShareEvent.at)
    result.by_day = {
        (d if isinstance(d, date) else date.fromisoformat(d)): n
        for d, n in _share_counts(session, rng, user_id, day).items()
    }
    result.by_platform = _share_counts(session, rng, user_id, ShareEvent.platform)
    result.by_post = {k: n for k, n in _share_counts(session, rng, user_id, ShareEvent.post_id).items()
                      if k is not None}  # library items' shares have no post
    result.by_user = _share_counts(session, rng, user_id, ShareEvent.user_id)
    return result


# The rollup scope that answers each breakdown: (its column, whether for one person's links).
_SCOPES = {
    ("day", False): RollupScope.SITE,
    ("day", True): RollupScope.USER,
    ("platform", False): RollupScope.PLATFORM,
    ("platform", True): RollupScope.USER_PLATFORM,
    ("post_id", False): RollupScope.POST,
    ("post_id", True): RollupScope.USER_POST,
    ("user_id", False): RollupScope.USER,
}


def _rollup_stmt(
    rng: DateRange, user_id: int | None, key: InstrumentedAttribute[Any], *more: InstrumentedAttribute[Any]
) -> sa.Select:
    """Clicks and visitors per ``key`` (then ``more``) and human/bot over the range, read from
    the scope that keeps ``key``'s breakdown (``user_id``: that person's links only)."""
    keys = (key, *more)
    stmt = (
        sa.select(*keys, ClickRollup.is_bot, sa.func.sum(ClickRollup.clicks), sa.func.sum(ClickRollup.visitors))
        .where(
            ClickRollup.scope == _SCOPES[key.key, user_id is not None].value,
            ClickRollup.day >= rng.start,
            ClickRollup.day <= rng.end,
        )
        .group_by(*keys, ClickRollup.is_bot)
    )
    if user_id is not None:
        stmt = stmt.where(ClickRollup.user_id == user_id)
    return stmt


def _by_key(
    session: Session, rng: DateRange, user_id: int | None, key: InstrumentedAttribute[Any], shares: Mapping[Any, int]
) -> dict[Any, Counts]:
    """Counts per value of ``key`` (day, platform, post or person) with their ``shares``; values
    with neither clicks nor shares are left out."""
    out: defaultdict[Any, Counts] = defaultdict(Counts)
    for value, is_bot, clicks, visitors in session.execute(_rollup_stmt(rng, user_id, key)):
        counts = out[value]
        if is_bot:
            counts.previews += int(clicks)
        else:
            counts.clicks += int(clicks)
            counts.visitors += int(visitors)
    for value, n in shares.items():
        out[value].shares += n
    return dict(out)


def _post_info(session: Session, posts: Iterable[int]) -> dict[int, tuple[str, str, str, int | None]]:
    """post id -> (title, slug, author's name, topic id) for the posts shown."""
    ids = sorted(posts)
    info: dict[int, tuple[str, str, str, int | None]] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        rows = session.execute(
            sa.select(Post.id, PostRevision.title, User.display_name, Post.topic_id)
            .join(PostRevision, PostRevision.id == sa.func.coalesce(Post.live_revision_id, Post.current_revision_id))
            .join(User, User.id == Post.author_id)
            .where(Post.id.in_(chunk))
        )
        for pid, title, author, topic_id in rows:
            info[pid] = (title or _("Untitled"), slugify(title or "", 80), author, topic_id)
    return info


def sameness(session: Session, rng: DateRange, post_ids: Sequence[int]) -> dict[int, Sameness]:
    """post id -> how alike the share texts saved for it in ``rng`` are (posts with texts only).

    One query per 500 posts; the comparison runs per post and platform in Python, on at most
    SAMENESS_GROUP_MAX texts each."""
    groups: dict[tuple[int, str], dict[int, str]] = defaultdict(dict)
    ids = sorted(set(post_ids))
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        rows = session.execute(
            sa.select(ShareText.post_id, ShareText.platform, ShareText.user_id, ShareText.text)
            .where(ShareText.post_id.in_(chunk), ShareText.updated_at >= rng.start_at,
                   ShareText.updated_at < rng.end_before)
            .order_by(ShareText.updated_at.desc(), ShareText.id.desc())
        )
        for post_id, platform, user_id, text in rows:
            assert post_id is not None  # one of ``chunk``
            group = groups[(post_id, platform)]
            if len(group) < SAMENESS_GROUP_MAX:
                group[user_id] = text
    texts: dict[int, int] = defaultdict(int)
    alike: dict[int, int] = defaultdict(int)
    for (post_id, _platform), by_user in groups.items():
        texts[post_id] += len(by_user)
        if len(by_user) > 1:
            pairs = similar_pairs(by_user, NEAR_DUPLICATE_THRESHOLD)
            alike[post_id] += len({uid for a, b, _score in pairs for uid in (a, b)})
    return {pid: Sameness(n, alike[pid]) for pid, n in texts.items()}


def _series(
    session: Session, rng: DateRange, user_id: int | None, post_ids: Sequence[int]
) -> dict[int, tuple[int, ...]]:
    """Human clicks per day of the range for each of ``post_ids``."""
    if not post_ids:
        return {}
    index = {d: i for i, d in enumerate(rng.days)}
    series = {pid: [0] * rng.length for pid in post_ids}
    stmt = _rollup_stmt(rng, user_id, ClickRollup.post_id, ClickRollup.day).where(
        ClickRollup.is_bot == sa.false(), ClickRollup.post_id.in_(list(post_ids))
    )
    for pid, day, _bot, clicks, _visitors in session.execute(stmt):
        series[pid][index[day]] = int(clicks)
    return {pid: tuple(values) for pid, values in series.items()}


def _topics(session: Session, posts: Sequence[PostRow]) -> list[TopicRow]:
    """The post rows summed per topic ("No topic" for posts written for none)."""
    grouped: dict[int | None, list[PostRow]] = defaultdict(list)
    for row in posts:
        grouped[row.topic_id].append(row)
    ids = [tid for tid in grouped if tid is not None]
    titles = (
        {tid: title for tid, title in session.execute(sa.select(Topic.id, Topic.title).where(Topic.id.in_(ids)))}
        if ids
        else {}
    )
    rows = []
    for tid, members in grouped.items():
        counts = Counts(
            clicks=sum(r.counts.clicks for r in members),
            visitors=sum(r.counts.visitors for r in members),
            previews=sum(r.counts.previews for r in members),
            shares=sum(r.counts.shares for r in members),
        )
        no_topic = _("No topic")
        rows.append(TopicRow(tid, titles.get(tid, no_topic) if tid is not None else no_topic, len(members), counts))
    return sorted(rows, key=lambda r: (-r.counts.clicks, -r.counts.shares, r.topic_id is None, r.title))


def _names(session: Session, user_ids: Iterable[int]) -> dict[int, tuple[str, bool]]:
    """user id -> (display name, opted out of the leaderboard)."""
    ids = sorted(user_ids)
    if not ids:
        return {}
    out: dict[int, tuple[str, bool]] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for uid, name, hidden in session.execute(
            sa.select(User.id, User.display_name, User.leaderboard_opt_out).where(User.id.in_(chunk))
        ):
            out[uid] = (name, bool(hidden))
    return out


def _written(session: Session, rng: DateRange, author_id: int | None) -> dict[str, int]:
    stmt = sa.select(sa.func.count(Post.id), sa.func.count(sa.distinct(Post.author_id))).where(
        Post.first_published_at >= rng.start_at, Post.first_published_at < rng.end_before
    )
    if author_id is not None:
        stmt = stmt.where(Post.author_id == author_id)
    posts, authors = session.execute(stmt).one()
    return {"posts_written": int(posts), "authors": int(authors)}


def _active_people(session: Session) -> int:
    return int(session.scalar(sa.select(sa.func.count(User.id)).where(User.status == UserStatus.ACTIVE)) or 0)


def _leaderboard(session: Session, by_user: dict[int, Counts], viewer: User) -> Leaderboard:
    """People ranked by clicks per share (at least MIN_SHARES_TO_RANK shares), then by clicks."""
    eligible = {uid: c for uid, c in by_user.items() if c.shares >= MIN_SHARES_TO_RANK}
    names = _names(session, eligible)
    ordered = sorted(eligible.items(), key=lambda kv: (-(kv[1].clicks / kv[1].shares), -kv[1].clicks, kv[0]))
    rows: list[LeaderRow] = []
    mine = None
    for rank, (uid, c) in enumerate(ordered, start=1):
        name, hidden = names.get(uid, ("(unknown)", False))
        is_viewer = uid == viewer.id
        shown = name if (is_viewer or not hidden) else str(ANONYMOUS)
        row = LeaderRow(
            rank, uid if not hidden or is_viewer else 0, shown, c.clicks, c.shares, c.clicks / c.shares, is_viewer
        )
        if rank <= LEADERBOARD_SIZE:
            rows.append(row)
        if is_viewer:
            mine = row
    return Leaderboard(tuple(rows), mine, len(ordered))


# --- listening --------------------------------------------------------------------------------------


def listening(session: Session, rng: DateRange, *, author_id: int | None = None) -> Listening:
    """Feedback received in the range (on ``author_id``'s posts, or all): how much, how fast
    the first response came (median over the feedback that got one), and the share acted on."""
    stmt = sa.select(Feedback.status, Feedback.created_at, Feedback.first_response_at).where(
        Feedback.created_at >= rng.start_at, Feedback.created_at < rng.end_before)
    if author_id is not None:
        stmt = stmt.join(Post, Post.id == Feedback.post_id).where(Post.author_id == author_id)
    rows = session.execute(stmt).all()
    delays = [first - created for _status, created, first in rows if first is not None]
    by_status = {s: 0 for s in FeedbackStatus}
    for status, _created, _first in rows:
        by_status[FeedbackStatus(status)] += 1
    median = timedelta(seconds=statistics.median(d.total_seconds() for d in delays)) if delays else None
    return Listening(
        received=len(rows),
        responded=len(delays),
        waiting=by_status[FeedbackStatus.NEW],
        acted_on=sum(n for s, n in by_status.items() if s.is_acted_on),
        median_first_response=median,
        by_status=tuple(by_status.items()),
    )


# --- the feedback inbox and the public answers ----------------------------------------------------


@dataclass(frozen=True)
class Inbox:
    items: tuple[Feedback, ...]
    status: FeedbackStatus | None  # the filter (None: every status)
    counts: tuple[tuple[FeedbackStatus, int], ...]  # per status, over everything the viewer sees
    page: int
    has_next: bool


def _visible_feedback(viewer: User) -> sa.Select:
    stmt = sa.select(Feedback).join(Post, Post.id == Feedback.post_id)
    if not can_see_company(viewer):
        stmt = stmt.where(Post.author_id == viewer.id)
    return stmt


def inbox(
    session: Session, viewer: User, status: FeedbackStatus | None = None, page: int = 1, per_page: int = 30
) -> Inbox:
    """Feedback the viewer handles, newest first: on their own posts, or all of it for comms."""
    page = max(1, page)
    stmt = _visible_feedback(viewer).options(
        joinedload(Feedback.post).joinedload(Post.live_revision),
        joinedload(Feedback.post).joinedload(Post.current_revision),
    )
    if status is not None:
        stmt = stmt.where(Feedback.status == status)
    rows = (
        session.scalars(
            stmt.order_by(Feedback.created_at.desc(), Feedback.id.desc())
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        )
        .unique()
        .all()
    )
    base = _visible_feedback(viewer).with_only_columns(Feedback.status, sa.func.count()).group_by(Feedback.status)
    found = {FeedbackStatus(s): n for s, n in session.execute(base)}
    counts = tuple((s, found.get(s, 0)) for s in FeedbackStatus)
    return Inbox(tuple(rows[:per_page]), status, counts, page, len(rows) > per_page)


def get_feedback(session: Session, viewer: User, feedback_id: int) -> Feedback:
    """One piece of feedback the viewer may handle; NotFound otherwise (its existence is not revealed)."""
    feedback = session.get(Feedback, feedback_id)
    if feedback is None or not can_handle(viewer, feedback):
        raise NotFound(_("No such feedback."))
    return feedback


def public_responses(session: Session, post_id: int) -> list[Feedback]:
    """The feedback on a post that got a public response ("You said, we did"), newest answer first."""
    return list(session.scalars(
        sa.select(Feedback)
        .where(Feedback.post_id == post_id, Feedback.public_response != "")
        .order_by(Feedback.responded_at.desc(), Feedback.id.desc())
    ))


def reach(post_ids: Sequence[int], *, session: Session, **_: Any) -> dict[int, tuple[int, int]]:
    """``{post_id: (share events, human clicks)}`` for the posts in ``post_ids`` (bots left out);
    hub.topics' ``post_reach``, connected in hub/events.py. The clicks are read from the daily
    rollups (a post's cells, every day): ``click`` has no index by post, so that every ingested
    click costs one index entry less."""
    ids = list(post_ids)
    if not ids:
        return {}
    shares = dict(session.execute(
        sa.select(ShareEvent.post_id, sa.func.count()).where(ShareEvent.post_id.in_(ids)).group_by(ShareEvent.post_id)
    ).all())
    clicks = dict(session.execute(
        sa.select(ClickRollup.post_id, sa.func.sum(ClickRollup.clicks))
        .where(ClickRollup.scope == RollupScope.POST.value, ClickRollup.post_id.in_(ids), ClickRollup.is_bot.is_(False))
        .group_by(ClickRollup.post_id)
    ).all())
    return {pid: (shares.get(pid, 0), int(clicks.get(pid, 0))) for pid in ids if pid in shares or pid in clicks}
