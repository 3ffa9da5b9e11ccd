"""share_network: the networks each person chose to share to (the share page starts with them)

Revision ID: 3a7e5c1b9d40
Revises: fcb58f39832b
Create Date: 2026-11-29 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '3a7e5c1b9d40'
down_revision = 'fcb58f39832b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('share_network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_share_network_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_network')),
    sa.UniqueConstraint('user_id', 'platform', name='uq_share_network_user_platform')
    )
    with op.batch_alter_table('share_network', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_network_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('share_network', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_network_user_id'))
    op.drop_table('share_network')
