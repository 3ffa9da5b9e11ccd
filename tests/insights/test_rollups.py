"""Daily rollups: kept current at ingestion, idempotent, and equal to a rebuild from the clicks."""

from __future__ import annotations

import random
import secrets
from datetime import date

import pytest
import sqlalchemy as sa

from hub.db import get_engine
from hub.insights import rollups
from hub.insights.models import ClickRollup
from hub.sharing import services as sharing
from tests.insights.conftest import at

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def table(session):  # type: ignore[no-untyped-def]
    session.expire_all()
    return sorted(
        (r.scope, r.day, r.post_id, r.user_id, r.platform, r.is_bot, r.clicks, r.visitors)
        for r in session.scalars(sa.select(ClickRollup))
    )


def site(session, day):  # type: ignore[no-untyped-def]
    return {(r[5], r[6], r[7]) for r in table(session) if r[0] == "site" and r[1] == day}


def test_ingesting_the_same_clicks_twice_counts_them_once(session, shared, activity):
    _post, _sharer, links = shared
    records = activity.records(links["x"], "2026-05-01 12:00:00", "r1", n=3)
    activity.ingest(records)
    before = table(session)
    activity.ingest(records)  # a crash between commit and delete: the file is read again
    activity.ingest(records[:1] + activity.records(links["x"], "2026-05-01 13:00:00", "r2"))
    assert site(session, date(2026, 5, 1)) == {(False, 4, 2)}
    assert len(before) == len(table(session))


def test_a_returning_visitor_counts_once_per_day_and_cell_across_flushes(session, shared, activity):
    _post, _sharer, links = shared
    activity.click(links["x"], "2026-05-01 08:00:00", "r1")
    activity.click(links["x"], "2026-05-01 09:00:00", "r1")
    activity.click(links["linkedin"], "2026-05-01 10:00:00", "r1")
    activity.click(links["linkedin"], "2026-05-02 10:00:00", "r1")
    rows = table(session)
    platform = {(r[1], r[4]): (r[6], r[7]) for r in rows if r[0] == "platform"}
    assert platform == {(date(2026, 5, 1), "x"): (2, 1), (date(2026, 5, 1), "linkedin"): (1, 1),
                        (date(2026, 5, 2), "linkedin"): (1, 1)}
    assert site(session, date(2026, 5, 1)) == {(False, 3, 1)}


def test_clicks_without_a_visitor_hash_count_as_clicks_only(session, shared, activity):
    _post, _sharer, links = shared
    activity.click(links["x"], "2026-05-01 08:00:00", "")
    assert site(session, date(2026, 5, 1)) == {(False, 1, 0)}


def spoil(session, day=None):  # type: ignore[no-untyped-def]
    """Overwrite the counts (of one day, or all), so that only a rebuild can bring them back."""
    stmt = sa.update(ClickRollup).values(clicks=99, visitors=99)
    session.execute(stmt if day is None else stmt.where(ClickRollup.day == day))
    session.commit()


def test_rebuild_gives_what_ingestion_kept(app, session, known):
    kept = table(session)
    assert kept
    spoil(session)
    rollups.rebuild(get_engine(app))
    assert table(session) == kept
    spoil(session, date(2026, 3, 2))
    rollups.rebuild(get_engine(app), date(2026, 3, 2), date(2026, 3, 2))  # one day only
    assert table(session) == kept


def test_rebuild_of_some_days_leaves_the_others(app, session, known):
    spoil(session)
    rollups.rebuild(get_engine(app), date(2026, 3, 1), date(2026, 3, 1))
    rows = table(session)
    assert {r[6] for r in rows if r[1] == date(2026, 3, 2)} == {99}
    assert 99 not in {r[6] for r in rows if r[1] == date(2026, 3, 1)}


def test_following_a_link_reaches_the_rollup_through_the_click_log(client, session, shared, clicks):
    _post, sharer, links = shared
    client.get(f"/s/{links['linkedin'].code}", headers={"User-Agent": BROWSER})
    client.get(f"/s/{links['linkedin'].code}", headers={"User-Agent": "LinkedInBot/1.0"})
    assert len(clicks()) == 2
    rows = [r for r in table(session) if r[0] == "user_plat"]
    assert [(r[3], r[4], r[5], r[6], r[7]) for r in rows] == [(sharer.id, "linkedin", False, 1, 1), (sharer.id, "linkedin", True, 1, 1)]


def test_the_rebuild_command(runner, session, known):
    spoil(session)
    result = runner.invoke(args=["insights", "rebuild", "--start", "2026-03-01", "--end", "2026-03-03"])
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    assert site(session, date(2026, 3, 1)) == {(False, 4, 2)}


def test_visitor_hash_is_per_day():
    a = sharing.visitor_hash("k", "1.2.3.4", "UA", at("2026-05-01 23:59:59"))
    b = sharing.visitor_hash("k", "1.2.3.4", "UA", at("2026-05-02 00:00:00"))
    assert a != b  # the reason unique visitors are summed per day


def test_a_roll_up_reads_under_the_lock_that_serializes_concurrent_flushes(app, session, shared, activity, monkeypatch):
    """Two workers flushing the same reader's clicks at once must not both count them as a new
    visitor: the roll-up takes a lock the other flusher waits for *before* it reads."""
    import sqlite3

    _post, _sharer, links = shared
    session.commit()
    engine = get_engine(app)

    def locked_elsewhere() -> bool:
        if engine.dialect.name == "sqlite":
            other = sqlite3.connect(engine.url.database, timeout=0)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.rollback()
                return False
            except sqlite3.OperationalError as exc:
                return "locked" in str(exc)
            finally:
                other.close()
        with engine.connect() as other:
            return bool(other.scalar(sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND classid::bigint = :high AND objid::bigint = :low"),
                {"high": rollups.ADVISORY_LOCK_KEY >> 32, "low": rollups.ADVISORY_LOCK_KEY & 0xFFFFFFFF}))

    seen: list[bool] = []
    real_chunks = rollups._chunks

    def chunks(items, size=500):  # type: ignore[no-untyped-def]
        if not seen:
            seen.append(locked_elsewhere())  # the first read of the roll-up
        return real_chunks(items, size)

    monkeypatch.setattr(rollups, "_chunks", chunks)
    activity.click(links["x"], "2026-05-01 08:00:00", "r1")
    assert seen == [True]
    assert not locked_elsewhere()  # released with the transaction


def test_a_known_visitor_is_not_looked_up_again_and_counts_stay_exact(app, session, shared, activity):
    from hub.sharing.clicklog import insert_clicks

    _post, _sharer, links = shared
    engine = get_engine(app)
    memory: dict[str, object] = {}  # the click log's, one per process: the rollups keep their SeenVisitors there
    session.commit()
    insert_clicks(engine, activity.records(links["x"], "2026-05-01 08:00:00", "r1", n=2), memory=memory)
    assert isinstance(memory["insights.seen_visitors"], rollups.SeenVisitors)

    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        insert_clicks(engine, activity.records(links["x"], "2026-05-01 09:00:00", "r1"), memory=memory)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert not any("DISTINCT" in s.upper() for s in statements)  # r1 was known: no look-up of earlier clicks
    # a new visitor, and r1 in a new cell (another platform), are still looked up and counted
    insert_clicks(engine, activity.records(links["linkedin"], "2026-05-01 10:00:00", "r1")
                  + activity.records(links["x"], "2026-05-01 11:00:00", "r2"), memory=memory)
    assert site(session, date(2026, 5, 1)) == {(False, 5, 2)}
    platform = {r[4]: (r[6], r[7]) for r in table(session) if r[0] == "platform"}
    assert platform == {"x": (4, 2), "linkedin": (1, 1)}
    # and a rebuild from the clicks agrees with what ingestion kept
    kept = table(session)
    rollups.rebuild(engine)
    assert table(session) == kept


@pytest.mark.parametrize("size", [200_000, 40])  # the default, and one small enough to be forgotten often
def test_random_flushes_sharing_a_memory_keep_what_a_rebuild_gives(app, session, make_user, make_post, size):
    """Readers coming back within a flush, across flushes and across midnight, on posts and on a
    library item (no post), some without a visitor hash, humans and bots: the rollups that
    ingestion keeps, with the process's SeenVisitors in between, are the ones a rebuild computes."""
    from hub.library import services as library
    from hub.sharing.clicklog import ClickRecord, insert_clicks

    alice, bob = make_user(name="Alice"), make_user(name="Bob")
    posts = [make_post(author=alice, publish=True), make_post(author=bob, publish=True)]
    item = library.add_item(session, alice, library.ItemInput(url="https://news.example/a", title="An article"))
    session.commit()
    links = [link for post in posts for user in (alice, bob)
             for link in sharing.links_for(session, post, user).values()]
    links += list(sharing.item_links_for(session, item.id, bob).values())
    session.commit()
    engine = get_engine(app)
    memory: dict[str, object] = {"insights.seen_visitors": rollups.SeenVisitors(size)}
    rnd = random.Random(size)
    readers = [f"reader{n}" for n in range(15)] + [""]
    start = at("2026-05-01 21:00:00").timestamp()
    for flush in range(12):
        records = []
        for _ in range(rnd.choice([1, 5, 40, 120])):
            link = rnd.choice(links[:6] if flush % 3 else links)  # some flushes on a few links only
            records.append(ClickRecord(secrets.token_hex(16), link.id, link.post_id, link.user_id, link.platform,
                                       start + rnd.uniform(0, 6 * 3600), rnd.random() < 0.15, rnd.choice(readers)))
        insert_clicks(engine, records, memory=memory)
    kept = table(session)
    assert {r[1] for r in kept} == {date(2026, 5, 1), date(2026, 5, 2)}
    assert any(r[7] < r[6] for r in kept if r[0] == "site")  # readers did come back
    rollups.rebuild(engine)
    assert table(session) == kept


def test_a_roll_up_leaves_the_garbage_collector_as_it_found_it(session, shared, activity, monkeypatch):
    import gc

    _post, _sharer, links = shared
    assert gc.isenabled()
    activity.click(links["x"], "2026-05-01 08:00:00", "r1")
    assert gc.isenabled()
    gc.disable()
    try:
        activity.click(links["x"], "2026-05-01 09:00:00", "r2")
        assert not gc.isenabled()  # a process that turned it off keeps it off
    finally:
        gc.enable()

    def fail(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the upsert failed")

    monkeypatch.setattr(rollups, "_upsert", fail)
    with pytest.raises(RuntimeError):
        activity.click(links["x"], "2026-05-01 10:00:00", "r3")
    assert gc.isenabled()


def test_the_cells_a_click_counts_in_are_the_ones_keys_says():
    """``_Cells`` writes out, scope by scope, what ``KEYS`` says: each group's cells, once each."""
    day = date(2026, 5, 1)
    keys = [(day, post, user, platform, bot)
            for post in (None, 7, 8) for user in (1, 2) for platform in ("x", "linkedin") for bot in (False, True)]
    groups = {key: [n, {f"reader{n}"}] for n, key in enumerate(keys)}
    index = rollups._Cells()
    index.add(groups)
    cells, tallies = index.listed()
    expected: dict[tuple[object, ...], list[object]] = {}
    for (on, post, user, platform, bot), tally in groups.items():
        for scope, key in rollups.KEYS.items():
            if post is None and scope in rollups.POST_SCOPES:
                continue
            expected.setdefault((scope.value, on, *key(post or 0, user, platform), bot), []).append(tally)
    assert len(cells) == len(set(cells))
    assert dict(zip(cells, tallies, strict=True)) == expected
