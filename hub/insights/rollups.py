"""Daily click rollups: kept current as clicks are ingested, and rebuildable from ``click``.

One row per UTC day, scope (see ``RollupScope``), key and human/bot: how many clicks, and how
many *distinct visitors*. The visitor hash rotates every UTC day (``hub.sharing.services.visitor_hash``),
so a reader cannot be followed from one day to the next: "unique visitors" over a date range is
the number of distinct visitors of each day, summed over the days. Each scope keeps its own exact
daily count, so a reader who follows two links of the same post on one day is one visitor of
that post, of the site and of that day, but one visitor of each platform they came from.

Ingestion (``hub.sharing.clicklog.insert_clicks``) calls ``roll_up`` in its transaction *before*
inserting a batch, with only the clicks whose ``uid`` is not stored yet (the insert leaves the
others out too), so ingesting a log file twice never counts a click twice. Concurrent flushes
from several workers roll up one after the other (``INGEST_LOCK``: an advisory lock on
PostgreSQL, the write lock taken up front on SQLite), so a visitor is never counted new by both.
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import InstrumentedAttribute

from hub.db import copy_rows, serialize
from hub.insights.models import ClickRollup, RollupScope
from hub.sharing.clicklog import INGEST_LOCK, new_clicks
from hub.sharing.models import Click

# The PostgreSQL advisory lock key of hub's rollups: the click ingestion's, so a rebuild and a
# flush never interleave.
ADVISORY_LOCK_KEY = INGEST_LOCK

CellKey = tuple[int, int, str]  # (post_id, user_id, platform) with 0 / "" where the scope has none

KEYS: dict[RollupScope, Callable[[int, int, str], CellKey]] = {
    RollupScope.SITE: lambda post, user, platform: (0, 0, ""),
    RollupScope.PLATFORM: lambda post, user, platform: (0, 0, platform),
    RollupScope.POST: lambda post, user, platform: (post, 0, ""),
    RollupScope.USER: lambda post, user, platform: (0, user, ""),
    RollupScope.USER_POST: lambda post, user, platform: (post, user, ""),
    RollupScope.USER_PLATFORM: lambda post, user, platform: (0, user, platform),
}
# The same, as the columns ``rebuild`` groups by.
KEPT: dict[RollupScope, tuple[str, ...]] = {
    RollupScope.SITE: (), RollupScope.PLATFORM: ("platform",), RollupScope.POST: ("post_id",),
    RollupScope.USER: ("user_id",), RollupScope.USER_POST: ("post_id", "user_id"),
    RollupScope.USER_PLATFORM: ("user_id", "platform"),
}
# Scopes keyed by post: a library item's click (no post) counts in the others only.
POST_SCOPES = frozenset({RollupScope.POST, RollupScope.USER_POST})
_CHUNK = 500


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def utc_day(at: datetime) -> date:
    """The UTC calendar day of an aware datetime."""
    return (at if at.tzinfo is UTC else at.astimezone(UTC)).date()


Cell = tuple[str, date, int, int, str, bool]  # a rollup row's key: scope, day, post, person, platform, bot
Counts = tuple[str, date, int, int, str, bool, int, int]  # a cell, its clicks and its new visitors


class _Held(set[str]):
    """A set of visitors SeenVisitors made itself, so may change in place (see ``SeenVisitors.add``)."""

    __slots__ = ()


class SeenVisitors:
    """The visitors one process knows are already counted in the rollups, as a set per cell.

    Once a visitor is counted in a cell (a day's) it stays counted, so this knowledge never goes
    stale: a flush skips the database look-up for visitors it already knows (the same office or
    reader clicking again). Keeping a set of visitors per cell, rather than a set of (cell,
    visitor) pairs, lets a flush compare each of its cells with what is known in one set
    operation (in C) instead of hashing a nested tuple per visit and cell.

    Visitors are added only after their transaction has committed (``add``, which the ingestion
    calls once it has), and a lock makes a flush's reading (``unknown``) and another thread's
    adding take turns. Memory is bounded as before: ``size`` counts (cell, visitor) pairs, the
    sum of the sets' sizes; when an ``add`` would go past it, all is forgotten first (the next
    flushes look their visitors up in the database again)."""

    def __init__(self, size: int = 200_000) -> None:
        self._cells: dict[Cell, set[str]] = {}
        self._pairs = 0  # the sum of the sets' sizes
        self._size = size
        self._lock = threading.Lock()

    def __contains__(self, pair: object) -> bool:
        """Whether a (cell, visitor) pair is known."""
        cell, visitor = cast(tuple[Cell, str], pair)
        return visitor in self._cells.get(cell, ())

    def __len__(self) -> int:
        """How many (cell, visitor) pairs are known."""
        return self._pairs

    def unknown(self, cells: Sequence[Cell], visitors: Sequence[set[str]]) -> list[set[str]]:
        """For each of ``cells``, which of its ``visitors`` are not known to be counted in it yet
        (all of them, the set itself rather than a copy, when none are)."""
        with self._lock:
            held = self._cells.get
            return [visiting - known if (known := held(cell)) is not None else visiting
                    for cell, visiting in zip(cells, visitors, strict=True)]

    def add(self, cells: Sequence[tuple[Cell, set[str]]]) -> None:
        """Remember that the visitors of ``cells`` (cell and visitors) are counted in them (their
        transaction has committed).

        The sets are kept as they are, not copied (several cells may share one: a group of clicks
        alone in its cells), so they must not change afterwards; this never changes them either:
        merging into a cell already known makes a set of its own (``_Held``) the first time,
        which later merges then grow in place."""
        incoming = sum(len(visitors) for _cell, visitors in cells)
        with self._lock:
            if self._pairs + incoming > self._size:
                self._cells.clear()
                self._pairs = 0
            known = self._cells
            for cell, visitors in cells:
                held = known.setdefault(cell, visitors)
                if held is visitors:  # a cell it knew nothing of
                    self._pairs += len(visitors)
                    continue
                before = len(held)
                if not isinstance(held, _Held):
                    known[cell] = held = _Held(held)
                held |= visitors
                self._pairs += len(held) - before


Group = tuple[date, int | None, int, str, bool]  # what places a click in its cells: day, post, person, platform, bot
Tally = list[Any]  # a group's [clicks, set of visitors]: a list rather than a class, made for most clicks
_CLICKS, _VISITORS = itemgetter(0), itemgetter(1)  # a Tally's


_SITE, _PLATFORM, _POST = RollupScope.SITE.value, RollupScope.PLATFORM.value, RollupScope.POST.value
_USER, _USER_POST, _USER_PLATFORM = RollupScope.USER.value, RollupScope.USER_POST.value, RollupScope.USER_PLATFORM.value
_FIELDS = itemgetter("at", "post_id", "user_id", "platform", "is_bot", "visitor")


class _Day:
    """One day's cells of one kind (human or bot) in ``_Cells``: each scope's by what it keeps
    besides the day and kind, with the tallies of the groups counted in it."""

    __slots__ = ("site", "platform", "user", "user_platform", "post", "user_post")

    def __init__(self) -> None:
        self.site: list[Tally] = []
        self.platform: defaultdict[str, list[Tally]] = defaultdict(list)
        self.user: defaultdict[int, list[Tally]] = defaultdict(list)
        self.user_platform: defaultdict[tuple[int, str], list[Tally]] = defaultdict(list)
        self.post: defaultdict[int, list[Tally]] = defaultdict(list)
        self.user_post: defaultdict[tuple[int, int], list[Tally]] = defaultdict(list)


class _Cells:
    """The cells (scope, day, post, person, platform, bot) groups of clicks count in, one per
    scope as ``KEYS`` says (a library item's click, without a post, in the scopes not keyed by
    post), each with the tallies of its groups. Written out, since it runs for every group: a
    group finds its cells by day and kind, then by what each scope keeps besides, a number, a
    name or a pair of them, cheaper to hash than a whole cell, which is made once (``listed``)."""

    def __init__(self) -> None:
        self._days: dict[tuple[date, bool], _Day] = {}

    def add(self, groups: Mapping[Group, Tally]) -> None:
        """Place each of ``groups``' tallies in its cells."""
        days = self._days
        for (day, post_id, user_id, platform, is_bot), tally in groups.items():
            of = days.get(key := (day, bool(is_bot)))
            if of is None:
                of = days[key] = _Day()
            of.site.append(tally)
            of.platform[platform].append(tally)
            of.user[user_id].append(tally)
            of.user_platform[user_id, platform].append(tally)
            if post_id is not None:
                of.post[post_id].append(tally)
                of.user_post[post_id, user_id].append(tally)

    def listed(self) -> tuple[list[Cell], list[list[Tally]]]:
        """The cells so far, and each one's list of tallies (the list itself: tallies added
        later to the cell join it)."""
        cells: list[Cell] = []
        tallies: list[list[Tally]] = []
        for (day, is_bot), of in self._days.items():
            cells.append((_SITE, day, 0, 0, "", is_bot))
            cells += [(_PLATFORM, day, 0, 0, platform, is_bot) for platform in of.platform]
            cells += [(_USER, day, 0, user_id, "", is_bot) for user_id in of.user]
            cells += [(_USER_PLATFORM, day, 0, user_id, platform, is_bot) for user_id, platform in of.user_platform]
            cells += [(_POST, day, post_id, 0, "", is_bot) for post_id in of.post]
            cells += [(_USER_POST, day, post_id, user_id, "", is_bot) for post_id, user_id in of.user_post]
            tallies += [of.site, *of.platform.values(), *of.user.values(), *of.user_platform.values(),
                        *of.post.values(), *of.user_post.values()]
        return cells, tallies


def on_clicks_ingesting(conn: Connection, *, rows: Sequence[Mapping[str, Any]], memory: dict[str, Any],
                       **_: Any) -> Callable[[], None]:
    """hub.sharing's ``clicks_ingesting``, connected in hub/events.py: roll the new clicks up in
    their transaction; the visitors learned join the process's SeenVisitors once it commits."""
    known: SeenVisitors = memory.setdefault("insights.seen_visitors", SeenVisitors())
    learned: list[tuple[Cell, set[str]]] = []
    roll_up(conn, rows, known, learned, new=True)  # the signal sends only clicks new to the table
    return lambda: known.add(learned)


def roll_up(conn: Connection, rows: Sequence[Mapping[str, Any]], known: SeenVisitors | None = None,
            learned: list[tuple[Cell, set[str]]] | None = None, *, new: bool = False) -> int:
    """Add the clicks in ``rows`` (dicts shaped like ``click`` rows, about to be inserted in
    this transaction) to the rollups; uids already in ``click`` are skipped, and repeats of a uid
    in ``rows`` (``new``: the caller left them out already, holding ``INGEST_LOCK``, as
    ``clicks_ingesting`` promises). Returns how many clicks were rolled up. With
    ``known``, visitors it already holds are not looked up again; ``learned`` collects each cell
    with the visitors it did not hold, to add to it once the transaction has committed (sets not
    to be changed: see ``SeenVisitors.add``).

    It runs for every click ingested, so it works on sets of visitors rather than visit by visit:
    the clicks are grouped by what places them in cells (day, post, person, platform, bot), the
    groups are placed in their cells (``_Cells``), and a cell's visitors are the union of its
    groups' sets; its new visitors are those less what ``known`` holds and what earlier clicks of
    the day account for (looked up in the database), each a set operation in C."""
    if not rows:
        return 0
    _serialize(conn)  # held already when called by the ingestion: taken again, at no cost
    fresh = rows if new else new_clicks(conn, [dict(r) for r in rows])  # which leaves repeats out too
    if not fresh:
        return 0
    with _collector_paused():
        _roll_up(conn, fresh, known, learned)
    return len(fresh)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (if it runs) while a roll-up works. A roll-up of
    thousands of clicks makes a set and a list or two for every group and cell, all alive until
    it returns and none in a cycle (reference counting frees them): collections in between
    would free nothing, yet move them to the oldest generation, so many that the collector soon
    walks every object of the process, for nothing, in the middle of a flush. Measured on
    bench/dashboard.py's flush, that cost more than the roll-up's own work."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _roll_up(conn: Connection, rows: Iterable[Mapping[str, Any]], known: SeenVisitors | None,
             learned: list[tuple[Cell, set[str]]] | None) -> None:
    """``roll_up``'s work, for ``rows`` new to the table."""
    # The clicks by what places them in cells: how many, and their distinct visitors.
    groups: dict[Group, Tally] = {}
    for at, post_id, user_id, platform, is_bot, visitor in map(_FIELDS, rows):
        group = (at.date() if at.tzinfo is UTC else utc_day(at), post_id, user_id, platform, is_bot)
        tally = groups.get(group)
        if tally is None:
            groups[group] = [1, {visitor} if visitor else set()]
        else:
            tally[0] += 1
            if visitor:
                tally[1].add(visitor)

    # Each cell's clicks, and its visitors: the union of its groups' (a group's set, shared, when
    # it is alone in the cell).
    index = _Cells()
    index.add(groups)
    cells, tallies = index.listed()
    clicks: list[int] = []
    visitors: list[set[str]] = []
    for of in tallies:
        if len(of) == 1:
            n, visiting = of[0]
        else:
            n, visiting = sum(map(_CLICKS, of)), set().union(*map(_VISITORS, of))
        clicks.append(n)
        visitors.append(visiting)

    # Which of them earlier clicks of the same days already account for: first what this process
    # knows, then the database for the other visitors, whose earlier clicks join the cells' lists
    # of tallies after the new ones.
    unseen = known.unknown(cells, visitors) if known is not None else visitors
    if look_up := set().union(*unseen):
        new_tallies = list(map(len, tallies))
        index.add(_earlier(conn, list(look_up), {group[0] for group in groups}))
        for i, (of, n) in enumerate(zip(tallies, new_tallies, strict=True)):
            if len(of) > n and unseen[i]:
                unseen[i] = unseen[i].difference(*map(_VISITORS, of[n:]))

    _upsert(conn, [(*cell, n, len(visiting)) for cell, n, visiting in zip(cells, clicks, unseen, strict=True)])
    if learned is not None:
        learned += [(cell, visiting) for cell, visiting in zip(cells, unseen, strict=True) if visiting]


def _earlier(conn: Connection, visitors: Sequence[str], days: Iterable[date]) -> dict[Group, Tally]:
    """The clicks of ``visitors`` already stored on ``days``, grouped like new clicks (a group's
    count left at 0: only its visitors matter here). DISTINCT in SQL keeps the look-up small even
    for a visitor with thousands of clicks."""
    ordered = sorted(days)
    since = datetime.combine(ordered[0], time(), UTC)
    until = datetime.combine(ordered[-1] + timedelta(days=1), time(), UTC)
    day = day_of(conn.dialect.name, Click.at)
    postgresql = conn.dialect.name == "postgresql"
    if postgresql:
        # One look-up with an array of visitors, planned for its values: the same statement
        # every flush would otherwise get a prepared generic plan that scans the day's clicks.
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    groups: dict[Any, Tally] = {}  # by Group, once the day is a date
    for chunk in _chunks(visitors, len(visitors) if postgresql else _CHUNK):
        among = (Click.visitor == sa.any_(sa.bindparam("visitors", list(chunk), type_=ARRAY(sa.String)))
                 if postgresql else Click.visitor.in_(chunk))
        stored = conn.execute(
            sa.select(Click.visitor, day, Click.post_id, Click.user_id, Click.platform, Click.is_bot)
            .where(among, Click.at >= since, Click.at < until)
            .distinct()
        )
        for visitor, on, post_id, user_id, platform, is_bot in stored:
            tally = groups.get(group := (on, post_id, user_id, platform, is_bot))
            if tally is None:
                groups[group] = [0, {visitor}]
            else:
                tally[1].add(visitor)
    if not postgresql:  # SQLite's date() is text
        groups = {(date.fromisoformat(on), post_id, user_id, platform, is_bot): tally
                  for (on, post_id, user_id, platform, is_bot), tally in groups.items()}
    return groups


def _serialize(conn: Connection) -> None:
    """Make concurrent roll-ups (one flusher per worker) run one after the other, each seeing
    what the previous one committed (``hub.db.serialize`` on the ingestion's lock)."""
    serialize(conn, ADVISORY_LOCK_KEY)


def _rollup_table() -> sa.Table:
    return cast(sa.Table, ClickRollup.__table__)  # a declarative model's table (typed FromClause)


_CELL_COLUMNS = ("scope", "day", "post_id", "user_id", "platform", "is_bot", "clicks", "visitors")
_ADD = "clicks = click_rollup.clicks + excluded.clicks, visitors = click_rollup.visitors + excluded.visitors"


def _upsert(conn: Connection, cells: Sequence[Counts]) -> None:
    """Add ``cells`` (each a cell, its clicks and its new visitors) to click_rollup in one bulk
    statement: on SQLite an ``executemany`` of a prepared upsert; on PostgreSQL a ``COPY`` into a
    temporary table and one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` in the table's key
    order, so concurrent flushes lock rows in one order (SQLite has one writer at a time: any
    order will do)."""
    columns = ", ".join(_CELL_COLUMNS)
    conflict = "ON CONFLICT (scope, day, post_id, user_id, platform, is_bot) DO UPDATE SET " + _ADD
    if conn.dialect.name == "sqlite":
        days = {cell[1]: cell[1].isoformat() for cell in cells}  # a batch spans a day or two
        conn.exec_driver_sql(
            f"INSERT INTO click_rollup ({columns}) VALUES ({', '.join('?' * len(_CELL_COLUMNS))}) {conflict}",
            [(scope, days[day], post_id, user_id, platform, 1 if is_bot else 0, clicks, visitors)
             for scope, day, post_id, user_id, platform, is_bot, clicks, visitors in cells],
        )
        return
    if conn.dialect.name == "postgresql":
        copy_rows(conn, "click_rollup_incoming", _CELL_COLUMNS, cells,
                  temporary="scope varchar(12), day date, post_id integer, user_id integer, platform varchar(16), "
                            "is_bot boolean, clicks integer, visitors integer")
        conn.exec_driver_sql(
            f"INSERT INTO click_rollup ({columns}) SELECT {columns} FROM click_rollup_incoming "
            f"ORDER BY scope, day, post_id, user_id, platform, is_bot {conflict}"
        )
        return
    raise RuntimeError(f"rollups: no bulk upsert for {conn.dialect.name}")  # pragma: no cover - SQLite and PostgreSQL


def day_of(dialect_name: str, column: Any) -> sa.ColumnElement[Any]:
    """SQL for the UTC day of a timestamp column (SQLite stores naive UTC text)."""
    if dialect_name == "postgresql":
        return sa.cast(sa.func.timezone("UTC", column), sa.Date)
    return sa.func.date(column)


def rebuild(engine: Engine, start: date | None = None, end: date | None = None) -> int:
    """Recompute the rollups of the days from ``start`` to ``end`` (inclusive; default: all)
    from the ``click`` table, in one transaction. Returns the number of rollup rows written."""
    table = _rollup_table()
    days, clicks = [], []
    if start is not None:
        days.append(table.c.day >= start)
        clicks.append(Click.at >= datetime.combine(start, time(), UTC))
    if end is not None:
        days.append(table.c.day <= end)
        clicks.append(Click.at < datetime.combine(end + timedelta(days=1), time(), UTC))
    columns: dict[str, sa.ColumnElement[Any] | InstrumentedAttribute[Any]] = {
        "post_id": Click.post_id, "user_id": Click.user_id, "platform": Click.platform
    }
    unused: dict[str, sa.ColumnElement[Any] | InstrumentedAttribute[Any]] = {
        "post_id": sa.literal(0), "user_id": sa.literal(0), "platform": sa.literal("")
    }
    with engine.begin() as conn:
        _serialize(conn)
        conn.execute(table.delete().where(*days))
        day = day_of(conn.dialect.name, Click.at)
        for scope, kept in KEPT.items():
            select = (
                sa.select(
                    sa.literal(scope.value),
                    day,
                    *(columns[c] if c in kept else unused[c] for c in columns),
                    Click.is_bot,
                    sa.func.count(),
                    sa.func.count(sa.distinct(Click.visitor)),
                )
                .where(*clicks, *([Click.post_id.is_not(None)] if scope in POST_SCOPES else []))
                .group_by(day, *(columns[c] for c in kept), Click.is_bot)
            )
            conn.execute(
                table.insert().from_select(
                    ["scope", "day", "post_id", "user_id", "platform", "is_bot", "clicks", "visitors"], select
                )
            )
        return int(conn.scalar(sa.select(sa.func.count()).select_from(table).where(*days)) or 0)
