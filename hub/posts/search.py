"""Full-text search on the database's own engine: SQLite FTS5, PostgreSQL tsvector + GIN.

One index per scope: ``live`` holds what readers see (published posts only), ``current`` the
author's newest text. Both engines index the same *terms* (hub.lib.search.terms: NFKC,
case-folded words; CJK runs as overlapping two-character terms), so matching is identical on
both databases and language-neutral: every query word matches as a prefix ("kubern" finds
"Kubernetes", "東京" finds "東京の開発者"), all words must match, results are ranked by relevance
(title terms weigh more than body terms), newest first among equals.

Why terms and not the engines' own language configs: posts are written in many languages in
one company, a stemmer for one language mangles the others, and CJK has no spaces. Feeding
ready-made terms to FTS5's ``unicode61`` tokenizer and to PostgreSQL's ``array_to_tsvector``
(no parser, no stemming: the 'simple' behaviour) keeps prefix matching exact everywhere.

The index tables are created by raw DDL (a migration, and ``create_all`` through the metadata
events below), since neither an FTS5 virtual table nor a tsvector column is portable.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from hub.lib import search as terms_lib

SCOPES = ("live", "current")
MAX_QUERY_WORDS = 8
# A word found in more posts than this is ranked among its newest matches only: ranking every
# match of a very common word costs time proportional to the whole index.
RANK_WINDOW = 1000
TITLE_WEIGHT = 5.0


def table(scope: str) -> str:
    """The index table of ``scope`` (``post_search_live`` or ``post_search_current``)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown search scope {scope!r}")
    return f"post_search_{scope}"


def index_tables() -> set[str]:
    """Every table name the search index creates, shadow tables included (migrations'
    model comparison leaves them alone)."""
    names = set()
    for scope in SCOPES:
        base = table(scope)
        names |= {base, *(f"{base}_{s}" for s in ("data", "idx", "content", "docsize", "config", "vocab"))}
    return names


def create_ddl(dialect: str) -> list[str]:
    """Statements that create the index tables on ``dialect``."""
    out = []
    for scope in SCOPES:
        name = table(scope)
        if dialect == "sqlite":
            # rowid is the post id. Terms are already folded: keep diacritics, split on nothing else.
            out.append(
                f"CREATE VIRTUAL TABLE {name} USING fts5(title, body, "
                "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_' categories 'L* N* Co M*'\")"
            )
            # Its terms, to turn a prefix into the few whole terms it stands for (see _sqlite_match).
            out.append(f"CREATE VIRTUAL TABLE {name}_vocab USING fts5vocab({name}, row)")
        else:
            out.append(
                f"CREATE TABLE {name} (post_id INTEGER PRIMARY KEY "
                "REFERENCES post (id) ON DELETE CASCADE, document TSVECTOR NOT NULL)"
            )
            out.append(f"CREATE INDEX ix_{name}_document ON {name} USING gin (document)")
    return out


def drop_ddl(dialect: str) -> list[str]:
    """Statements that drop the index tables on ``dialect``."""
    vocab = [f"DROP TABLE IF EXISTS {table(scope)}_vocab" for scope in SCOPES] if dialect == "sqlite" else []
    return vocab + [f"DROP TABLE IF EXISTS {table(scope)}" for scope in SCOPES]


def attach(metadata: sa.MetaData) -> None:
    """Create and drop the index with ``metadata.create_all`` / ``drop_all`` (tests, first run)."""

    @sa.event.listens_for(metadata, "after_create")
    def _create(_target: sa.MetaData, connection: Connection, **_kw: object) -> None:
        for statement in create_ddl(connection.dialect.name):
            connection.exec_driver_sql(statement)

    @sa.event.listens_for(metadata, "before_drop")
    def _drop(_target: sa.MetaData, connection: Connection, **_kw: object) -> None:
        for statement in drop_ddl(connection.dialect.name):
            connection.exec_driver_sql(statement)


def document(title: str, tags: Sequence[str], summary: str, body_text: str) -> tuple[list[str], list[str]]:
    """The terms of a post: (title terms, body terms). Tags and summary count as body."""
    title_terms = list(dict.fromkeys(terms_lib.terms(title)))
    body_terms = list(dict.fromkeys(terms_lib.terms(" ".join([" ".join(tags), summary, body_text]))))
    return title_terms, body_terms


def remove(session: Session, post_id: int, scope: str) -> None:
    """Take the post out of the ``scope`` index (nothing happens if it is not there)."""
    _expansions.clear()  # this process's prefix expansions (see _sqlite_terms) may now be short
    key = "rowid" if session.get_bind().dialect.name == "sqlite" else "post_id"
    session.execute(sa.text(f"DELETE FROM {table(scope)} WHERE {key} = :id"), {"id": post_id})


def put(session: Session, post_id: int, scope: str, title_terms: list[str], body_terms: list[str]) -> None:
    """Replace the post's entry in the ``scope`` index."""
    remove(session, post_id, scope)
    session.execute(*_insert(session.get_bind().dialect.name, scope, [(post_id, title_terms, body_terms)]))


Entry = tuple[int, list[str], list[str]]  # post id, title terms, body terms


def _insert(dialect: str, scope: str, rows: list[Entry]) -> tuple[sa.TextClause, list[dict[str, object]]]:
    if dialect == "sqlite":
        stmt = sa.text(f"INSERT INTO {table(scope)} (rowid, title, body) VALUES (:id, :title, :body)")
        return stmt, [{"id": i, "title": " ".join(t), "body": " ".join(b)} for i, t, b in rows]
    stmt = sa.text(
        f"INSERT INTO {table(scope)} (post_id, document) VALUES (:id, "
        "setweight(array_to_tsvector(CAST(:title AS text[])), 'A') "
        "|| array_to_tsvector(CAST(:body AS text[])))"
    )
    return stmt, [{"id": i, "title": t, "body": b} for i, t, b in rows]


def indexed_terms(session: Session, post_id: int, scope: str) -> set[str]:
    """The terms the ``scope`` index holds for the post (empty when it is not indexed)."""
    if session.get_bind().dialect.name == "sqlite":
        row = session.execute(
            sa.text(f"SELECT title, body FROM {table(scope)} WHERE rowid = :id"), {"id": post_id}
        ).first()
        return set(" ".join(row).split()) if row else set()
    stmt = sa.text(f"SELECT unnest(tsvector_to_array(document)) FROM {table(scope)} WHERE post_id = :id")
    return set(session.scalars(stmt, {"id": post_id}))


def bulk_put(connection: Connection, scope: str, rows: list[Entry]) -> None:
    """Insert many entries at once (backfills and benchmarks); the posts must not be indexed yet."""
    if rows:
        _expansions.clear()
        stmt, params = _insert(connection.dialect.name, scope, rows)
        connection.execute(stmt, params)


def _words(query: str) -> list[str]:
    return list(dict.fromkeys(terms_lib.terms(query)))[:MAX_QUERY_WORDS]


def ranked_ids(session: Session, query: str, scope: str, limit: int | None = None) -> sa.Subquery | None:
    """A subquery of (post_id, rank) for posts whose ``scope`` text matches every word of
    ``query`` as a prefix; lower rank is better; the best ``limit`` only, when given (every
    entry of the ``live`` index is a published post, so a page never needs more).
    None when the query has no words."""
    words = _words(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_ranked(session, words, scope, limit)
    return _pg_ranked(session, words, scope, limit)


EXPANSION_MAX = 16


def _sqlite_match(session: Session, words: list[str], scope: str) -> str:
    """The FTS5 query for ``words``, each a quoted string (no FTS5 operator can come from what a
    reader typed). A prefix query ("kubern"*) makes FTS5 gather every matching document before it
    can stop, which for a common word costs time in proportion to the index; so a prefix standing
    for at most EXPANSION_MAX whole terms (looked up in the vocabulary) becomes those terms, OR-ed,
    which FTS5 streams. Broader prefixes stay prefix queries: the same matches either way."""
    parts = []
    for word in words:
        found = _sqlite_terms(session, word, scope)
        if word not in found:  # the whole word always counts, even if the vocabulary answer is older than it
            found = [word, *found]
        quoted = ['"' + t.replace('"', '""') + '"' for t in found]
        if len(found) <= EXPANSION_MAX:
            parts.append("(" + " OR ".join(quoted) + ")")
        else:
            parts.append('"' + word.replace('"', '""') + '"*')
    return " AND ".join(parts)


# (database, scope, word) -> (when looked up, the first EXPANSION_MAX + 1 terms starting with word).
# The vocabulary look-up reads each term's whole list of documents (fts5vocab counts them), ~10 ms
# for a word in every post at 100,000 posts; so this process keeps the answer for EXPANSION_TTL
# seconds, and forgets every answer whenever it changes the index itself. Another worker's new
# post can therefore miss a search for a *prefix* of a term no other post has for that long (as
# long as public pages may be cached anyway: PUBLIC_MAX_AGE); whole words are always searched.
_expansions: dict[tuple[str, str, str], tuple[float, list[str]]] = {}
EXPANSION_TTL = 60.0
EXPANSIONS_KEPT = 4096


def _sqlite_terms(session: Session, word: str, scope: str) -> list[str]:
    key = (str(session.get_bind().engine.url), scope, word)
    now = time.monotonic()
    cached = _expansions.get(key)
    if cached is not None and now - cached[0] < EXPANSION_TTL:
        return cached[1]
    found = list(session.scalars(
        sa.text(f"SELECT term FROM {table(scope)}_vocab WHERE term >= :lo AND term < :hi LIMIT :n"),
        {"lo": word, "hi": terms_lib.prefix_upper_bound(word), "n": EXPANSION_MAX + 1},
    ).all())
    if len(_expansions) >= EXPANSIONS_KEPT:
        _expansions.clear()
    _expansions[key] = (now, found)
    return found


def _sqlite_ranked(session: Session, words: list[str], scope: str, limit: int | None) -> sa.Subquery:
    name = table(scope)
    match = _sqlite_match(session, words, scope)
    if not match:  # some word matches no term at all: nothing can match
        nothing = sa.select(sa.literal(0).label("post_id"), sa.literal(0.0).label("rank")).where(sa.false())
        return nothing.subquery("matches")
    floor = session.scalar(
        sa.text(f"SELECT rowid FROM {name} WHERE {name} MATCH :m ORDER BY rowid DESC LIMIT 1 OFFSET :n"),
        {"m": match, "n": RANK_WINDOW - 1},
    )
    stmt = sa.text(
        f"SELECT rowid AS post_id, bm25({name}, {TITLE_WEIGHT}, 1.0) AS rank FROM {name} "
        f"WHERE {name} MATCH :m AND rowid >= :floor ORDER BY rank, rowid DESC LIMIT :limit"
    ).bindparams(m=match, floor=floor or 0, limit=-1 if limit is None else limit)
    return stmt.columns(sa.column("post_id", sa.Integer), sa.column("rank", sa.Float)).subquery("matches")


def _pg_ranked(session: Session, words: list[str], scope: str, limit: int | None) -> sa.Subquery:
    name = table(scope)
    # A tsquery built from terms, not parsed from the reader's text: each term a quoted prefix.
    tsquery = " & ".join("'" + w.replace("\\", "\\\\").replace("'", "''") + "':*" for w in words)
    floor = session.scalar(
        sa.text(
            f"SELECT post_id FROM {name} WHERE document @@ CAST(:q AS tsquery) ORDER BY post_id DESC LIMIT 1 OFFSET :n"
        ),
        {"q": tsquery, "n": RANK_WINDOW - 1},
    )
    stmt = sa.text(
        "SELECT post_id, -ts_rank('{0.1, 0.2, 0.4, 1.0}', document, CAST(:q AS tsquery)) AS rank "
        f"FROM {name} "
        "WHERE document @@ CAST(:q AS tsquery) AND post_id >= :floor ORDER BY rank, post_id DESC LIMIT :limit"
    ).bindparams(q=tsquery, floor=floor or 0, limit=limit)
    return stmt.columns(sa.column("post_id", sa.Integer), sa.column("rank", sa.Float)).subquery("matches")


def alembic_include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """For Alembic's comparison: the index tables are raw DDL, not models; leave them out."""
    return not (type_ == "table" and name in index_tables())
