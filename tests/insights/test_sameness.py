"""Sameness on the insights dashboard: how alike colleagues' share texts of a post are."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from hub.insights import queries
from hub.sharing.models import ShareText
from tests.insights.conftest import at

RANGE = {"start": "2026-03-01", "end": "2026-03-03"}
SCRIPT = "Postgres made our on-call quieter: fewer pages, faster queries, and a schema we trust again."


def _text(session, post, user, platform, text, when="2026-03-02 10:00:00"):  # type: ignore[no-untyped-def]
    session.add(
        ShareText(post_id=post.id, user_id=user.id, platform=platform, text=text, updated_at=at(when))
    )
    session.commit()


def test_sameness_counts_near_duplicates_of_another_persons_text(session, known, make_user):
    carol, dan = make_user(name="Carol"), make_user(name="Dan")
    # p1, LinkedIn: three people post the script (links and hashtags differ), one writes their own
    _text(session, known.p1, known.alice, "linkedin", f"{SCRIPT} https://hub.test/s/aaaa")
    _text(session, known.p1, known.bob, "linkedin", f"{SCRIPT} #postgres https://hub.test/s/bbbb")
    _text(session, known.p1, carol, "linkedin", f"{SCRIPT}! https://hub.test/s/cccc")
    _text(
        session,
        known.p1,
        dan,
        "linkedin",
        "We argued for months. The numbers ended it: half the pages at night.",
    )
    # p1, X: one text only, nothing to be alike with; the same words on another platform do not count
    _text(session, known.p1, dan, "x", SCRIPT)
    # out of the range: not counted
    _text(session, known.p1, known.eve, "linkedin", SCRIPT, when="2026-03-04 00:00:00")
    # p2: two people, different words
    _text(session, known.p2, known.bob, "x", "On-call changed for me when we wrote down who sleeps when.")
    _text(session, known.p2, carol, "x", "Burnout is a process smell. This post names three of them.")
    d = queries.dashboard(
        session,
        known.comms,
        queries.DateRange(at("2026-03-01 00:00:00").date(), at("2026-03-03 00:00:00").date()),
        mine=False,
    )
    rows = {r.post_id: r.sameness for r in d.posts}
    assert rows[known.p1.id] == queries.Sameness(texts=5, alike=3)
    assert rows[known.p1.id].share == 0.6
    assert rows[known.p2.id] == queries.Sameness(texts=2, alike=0)
    mine = queries.dashboard(session, known.bob, d.range, mine=True)
    assert all(r.sameness is None for r in mine.posts)


def test_sameness_is_one_query_per_500_posts(session, known, make_user):
    for i in range(3):
        _text(session, known.p1, make_user(), "linkedin", f"{SCRIPT} {i}")
    statements: list[str] = []
    engine = session.get_bind()

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if "share_text" in statement:
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        result = queries.sameness(
            session,
            queries.DateRange(at("2026-03-01 00:00:00").date(), at("2026-03-03 00:00:00").date()),
            [known.p1.id, known.p2.id, known.p3.id],
        )
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert result == {known.p1.id: queries.Sameness(3, 3)}


def test_dashboard_and_csv_show_sameness_with_its_explanation(client, auth, session, known):
    _text(session, known.p1, known.alice, "linkedin", SCRIPT)
    _text(session, known.p1, known.bob, "linkedin", SCRIPT + " #db")
    auth.login(known.comms)
    page = client.get("/insights/", query_string=RANGE).get_data(as_text=True)
    assert ">Sameness</a></th>" in page and 'id="sameness-note"' in page and "looks scripted" in page
    table = page[page.index('id="table-posts"') :]
    table = table[: table.index("</table>")]
    assert "2 of 2 share texts read almost the same" in table and ">100%</td>" in table
    rows = list(
        csv.reader(
            io.StringIO(client.get("/insights/export/posts.csv", query_string=RANGE).get_data(as_text=True))
        )
    )
    header = rows[0]
    assert header[-3:] == ["share_texts", "near_duplicate_texts", "sameness"]
    p1 = next(r for r in rows[1:] if r[0] == str(known.p1.id))
    assert p1[-3:] == ["2", "2", "1.00"]
    auth.login(known.bob)  # "my shares" has no sameness column
    mine = client.get("/insights/me", query_string=RANGE).get_data(as_text=True)
    assert ">Sameness</a></th>" not in mine
    mine_csv = client.get("/insights/me/export/posts.csv", query_string=RANGE).get_data(as_text=True)
    assert "sameness" not in mine_csv.splitlines()[0]
