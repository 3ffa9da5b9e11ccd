"""public speed: full-text search on the database's engine, indexes for public lists

Replaces the portable ``search_term`` table with SQLite FTS5 tables / PostgreSQL tsvector
tables with GIN indexes (hub.posts.search), one per scope, filled from the posts' live and
current revisions; and makes the public lists' indexes match their ORDER BY
(status, published_at, id) and (author_id, status, published_at, id).

Revision ID: 5f1c0de7a9b2
Revises: 7f3a9c2d1e44
Create Date: 2026-11-29 10:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.lib import search as search_terms
from hub.lib.markdown import markdown_to_text
from hub.posts import search

revision = '5f1c0de7a9b2'
down_revision = '7f3a9c2d1e44'
branch_labels = None
depends_on = None

_BATCH = 500


def _revisions(conn: sa.Connection, column: str) -> sa.CursorResult:
    return conn.execute(sa.text(
        "SELECT p.id, r.title, r.tags_text, r.summary, r.body FROM post p "
        f"JOIN post_revision r ON r.id = p.{column} "
        + ("WHERE p.status = 'published' " if column == "live_revision_id" else "")
        + "ORDER BY p.id"
    ))


def upgrade() -> None:
    conn = op.get_bind()
    for statement in search.create_ddl(conn.dialect.name):
        op.execute(statement)
    for scope, column in (("live", "live_revision_id"), ("current", "current_revision_id")):
        rows = []
        for post_id, title, tags_text, summary, body in _revisions(conn, column):
            tags = [t for t in (tags_text or "").split(",") if t]
            rows.append((post_id, *search.document(title or "", tags, summary or "", markdown_to_text(body or ""))))
            if len(rows) >= _BATCH:
                search.bulk_put(conn, scope, rows)
                rows = []
        search.bulk_put(conn, scope, rows)

    with op.batch_alter_table('search_term', schema=None) as batch_op:
        batch_op.drop_index('ix_search_term_scope_term')
    op.drop_table('search_term')

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index('ix_post_author_id')
        batch_op.drop_index('ix_post_status_published_at')
        batch_op.create_index('ix_post_status_published_at', ['status', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_post_author_id_status_published_at', ['author_id', 'status', 'published_at', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index('ix_post_author_id_status_published_at')
        batch_op.drop_index('ix_post_status_published_at')
        batch_op.create_index('ix_post_status_published_at', ['status', 'published_at'], unique=False)
        batch_op.create_index('ix_post_author_id', ['author_id'], unique=False)

    search_term = op.create_table('search_term',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('term', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_search_term_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'scope', 'term', name=op.f('pk_search_term'))
    )
    with op.batch_alter_table('search_term', schema=None) as batch_op:
        batch_op.create_index('ix_search_term_scope_term', ['scope', 'term', 'post_id'], unique=False)
    # Refill the portable index the way the code before this migration wrote it: one row per
    # distinct term of the title, tags, summary and body (no weight: b41c7e2d5a08 dropped it).
    conn = op.get_bind()
    for scope, column in (("live", "live_revision_id"), ("current", "current_revision_id")):
        for post_id, title, tags_text, summary, body in list(_revisions(conn, column)):
            found: set[str] = set()
            for text in (title, (tags_text or "").replace(",", " "), summary, markdown_to_text(body or "")):
                found.update(search_terms.terms(text or ""))
            if found:
                op.bulk_insert(search_term, [{"post_id": post_id, "scope": scope, "term": t} for t in sorted(found)])
    for statement in search.drop_ddl(conn.dialect.name):
        op.execute(statement)
