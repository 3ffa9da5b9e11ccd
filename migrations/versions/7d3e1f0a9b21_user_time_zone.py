"""user.time_zone: the IANA zone a person last scheduled in, the default for the next time

Revision ID: 7d3e1f0a9b21
Revises: 2cb6233666a1
Create Date: 2026-11-29 10:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '7d3e1f0a9b21'
down_revision = '2cb6233666a1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
