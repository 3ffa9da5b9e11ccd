"""The share page's caches: hub's texts built once per (live revision, own words, settings) and
kept in the process and in share_proposal_cache; similarity warnings kept per person until a
colleague's saved texts change. Correctness first: every change to an input gives new texts."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from hub.db import get_engine
from hub.posts import services as posts
from hub.sharing import proposals as proposal_cache
from hub.sharing import queries, services
from hub.sharing.models import ProposalCache

BASE = "http://hub.test"


@pytest.fixture
def built(monkeypatch):  # type: ignore[no-untyped-def]
    """How many times hub built texts (hub.rewrite.propose ran) since the test began."""
    calls: list[dict[str, Any]] = []
    real = proposal_cache.propose

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(proposal_cache, "propose", spy)
    return calls


def _texts(session, post, user, words: str = "") -> dict[str, str]:  # type: ignore[no-untyped-def]
    links = services.links_for(session, post, user)
    return {c.platform: c.text for c in queries.cards(session, post, user, links, BASE, None, words=words)}


def _uncached(session, post, user, words: str = "") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The texts as built from scratch (no cache), each with the person's own link."""
    links = services.links_for(session, post, user)
    placeholder = queries.link_url(BASE, "x" * len(next(iter(links.values())).code))
    return {
        pid: p.text.replace(placeholder, queries.link_url(BASE, links[pid].code))
        for pid, p in queries.post_proposals(session, post, url=placeholder, disclosure=None, own_words=words).items()
    }


def _rows(session) -> list[tuple[int, int | None]]:  # type: ignore[no-untyped-def]
    return [tuple(r) for r in session.execute(sa.select(ProposalCache.post_id, ProposalCache.user_id)).all()]


def test_texts_are_built_once_and_shared_by_everyone_without_own_words(app, session, shared, make_user, built):
    post, sharer, _links = shared
    first = _texts(session, post, sharer)
    assert len(built) == 1 and first == _uncached(session, post, sharer)
    assert _texts(session, post, sharer) == first and len(built) == 1  # the process's cache
    other = make_user()
    theirs = _texts(session, post, other)
    assert len(built) == 1 and theirs == _uncached(session, post, other)  # same texts, their own links
    assert theirs != first
    session.commit()
    app.extensions["hub.sharecache"].clear()  # a new worker: the database's row, not a rebuild
    assert _texts(session, post, sharer) == first and len(built) == 1
    assert _rows(session) == [(post.id, None)]


def test_a_new_revision_gives_new_texts(session, shared, built):
    post, sharer, _links = shared
    before = _texts(session, post, sharer)
    author = post.author
    posts.save_revision(session, post, author,
                        posts.PostInput("Reviews in hours, not days", "", "Tiny PRs get read the same morning.",
                                        key_point="Tiny PRs get read the same morning."),
                        base_revision_id=post.current_revision_id)
    posts.publish_post(session, post, author)
    session.commit()
    after = _texts(session, post, sharer)
    assert len(built) == 2 and after != before and after == _uncached(session, post, sharer)
    assert any("Tiny PRs" in text for text in after.values())
    assert _rows(session) == [(post.id, None)]  # the old revision's row is gone


def test_new_own_words_give_new_texts_and_one_row_per_person(session, shared, make_user, built):
    post, sharer, _links = shared
    plain = _texts(session, post, sharer)
    first = _texts(session, post, sharer, words="My team tried this and it stuck.")
    second = _texts(session, post, sharer, words="We cut review time in half.")
    assert len(built) == 3 and len({tuple(plain.values()), tuple(first.values()), tuple(second.values())}) == 3
    assert second == _uncached(session, post, sharer, words="We cut review time in half.")
    assert any("We cut review time in half." in text for text in second.values())
    other = make_user()
    _texts(session, post, other, words="We cut review time in half.")  # same words: same texts, no rebuild
    assert len(built) == 3
    session.commit()
    assert sorted(_rows(session), key=str) == sorted([(post.id, None), (post.id, sharer.id)], key=str)


def test_a_new_disclosure_line_gives_new_texts(session, shared, make_user, built):
    post, sharer, links = shared
    before = {c.platform: c.text for c in queries.cards(session, post, sharer, links, BASE, None)}
    after = {c.platform: c.text for c in queries.cards(session, post, sharer, links, BASE, "#IWorkAtAcme")}
    assert len(built) == 2 and any("IWorkAtAcme" in text for text in after.values()) and before != after


def test_similarity_warnings_follow_colleagues_saved_texts(session, shared, make_user):
    post, sharer, links = shared
    colleague = make_user(name="Cam Colleague")
    mine = services.links_for(session, post, colleague)
    text = "Small pull requests changed how our whole team works together, and reviews got faster."
    texts = {"linkedin": f"{text} {queries.link_url(BASE, mine['linkedin'].code)}"}
    assert queries.similarity_warnings(session, post, colleague, texts) == []
    services.save_share_text(session, post, sharer, "linkedin", f"{text} {queries.link_url(BASE, links['linkedin'].code)}")
    session.commit()
    warned = queries.similarity_warnings(session, post, colleague, texts)
    assert [(w.kind, w.other) for w in warned] == [("colleague", "Sam Sharer")]
    services.reset_share_text(session, post, sharer, "linkedin")  # the colleague takes theirs back
    session.commit()
    assert queries.similarity_warnings(session, post, colleague, texts) == []


def test_a_warm_share_page_builds_nothing_and_runs_the_same_statements_for_many_colleagues(
    app, client, auth, session, shared, make_user, built
):
    post, sharer, _links = shared
    reader = auth.login(make_user())
    statements: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    def warm_page() -> list[str]:
        client.get(f"/p/{post.id}/share")  # builds what changed
        statements.clear()
        engine = get_engine(app)
        sa.event.listen(engine, "before_cursor_execute", on_execute)
        try:
            assert client.get(f"/p/{post.id}/share").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", on_execute)
        return list(statements)

    few = warm_page()
    for _ in range(12):  # colleagues who saved their own wording
        colleague = make_user()
        links = services.links_for(session, post, colleague)
        services.save_share_text(session, post, colleague, "x", f"Mine, and nobody else's. {queries.link_url(BASE, links['x'].code)}")
    session.commit()
    many = warm_page()
    assert len(few) == len(many), many
    assert not [s for s in many if "share_proposal_cache" in s or "FROM share_text JOIN" in s]
    assert len(built) == 1


def test_first_view_links_are_made_in_one_statement_and_a_code_collision_is_retried(
    session, shared, make_user, monkeypatch
):
    post, _sharer, links = shared
    taken = links["x"].code
    codes = iter([taken] + [f"fresh{n:07d}" for n in range(40)])
    monkeypatch.setattr(services, "new_code", lambda: next(codes))
    person = make_user()
    mine = services.links_for(session, post, person)
    session.commit()
    assert set(mine) == set(links) and taken not in {link.code for link in mine.values()}
    assert len({link.code for link in mine.values()}) == len(mine)
    assert services.links_for(session, post, person) == mine  # stable
