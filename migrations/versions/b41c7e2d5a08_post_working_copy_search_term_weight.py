"""post_working_copy: autosave keeps the author's unsaved changes in one row per post and person
instead of appending revisions; search_term.weight dropped (written, never read)

Revision ID: b41c7e2d5a08
Revises: 7d3e1f0a9b21
Create Date: 2026-11-29 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = 'b41c7e2d5a08'
down_revision = '7d3e1f0a9b21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('post_working_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('started_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_post_working_copy_author_id_user'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['base_revision_id'], ['post_revision.id'],
                            name=op.f('fk_post_working_copy_base_revision_id_post_revision')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_post_working_copy_post_id_post'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_working_copy')),
    sa.UniqueConstraint('post_id', 'author_id', name='uq_post_working_copy_post_id_author_id')
    )
    with op.batch_alter_table('post_working_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_working_copy_author_id'), ['author_id'], unique=False)
    op.drop_column('search_term', 'weight')


def downgrade() -> None:
    op.add_column('search_term', sa.Column('weight', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('post_working_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_working_copy_author_id'))
    op.drop_table('post_working_copy')
