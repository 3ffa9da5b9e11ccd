"""post_revision.language: the language each revision is written in, detected for existing rows

Revision ID: d4b8f2a61c07
Revises: a7c3e9d1f260
Create Date: 2026-11-29 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'd4b8f2a61c07'
down_revision = 'a7c3e9d1f260'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    op.add_column('post_revision', sa.Column('language', sa.String(length=16), server_default='en', nullable=False))
    backfill(op.get_bind())


def backfill(conn: sa.Connection) -> None:
    """Detect the language of every existing revision, in batches by id, with the same detector
    new saves use (hub.posts.services.revision_language)."""
    from hub.posts.services import revision_language

    table = sa.table('post_revision', sa.column('id', sa.Integer), sa.column('title', sa.Text),
                     sa.column('summary', sa.Text), sa.column('body', sa.Text), sa.column('language', sa.String))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(table.c.id, table.c.title, table.c.summary, table.c.body)
            .where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            language = revision_language(row.title or "", row.summary or "", row.body or "")
            if language != 'en':
                conn.execute(table.update().where(table.c.id == row.id).values(language=language))
        last = rows[-1].id


def downgrade() -> None:
    op.drop_column('post_revision', 'language')
