"""key point per revision, own words per (post, person) on the share page

Adds ``post_revision.key_point`` (nullable: None means the author never set one, "" that they
chose none) and the ``share_own_words`` table the share page saves as the person types.

Revision ID: 5b1e7c0d4a21
Revises: 2cb6233666a1
Create Date: 2026-11-29 10:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = '5b1e7c0d4a21'
down_revision = '2cb6233666a1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('post_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_point', sa.Text(), nullable=True))

    op.create_table('share_own_words',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('updated_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_share_own_words_post_id_post'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_share_own_words_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_own_words')),
    sa.UniqueConstraint('post_id', 'user_id', name='uq_share_own_words_post_user')
    )
    with op.batch_alter_table('share_own_words', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_own_words_post_id'), ['post_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('share_own_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_own_words_post_id'))
    op.drop_table('share_own_words')

    with op.batch_alter_table('post_revision', schema=None) as batch_op:
        batch_op.drop_column('key_point')
