"""user.time_zone: the IANA zone a person last scheduled in, the default for the next time

Revision ID: 7d3e1f0a9b21
Revises: 83685c9724d4
Create Date: 2026-11-29 10:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '7d3e1f0a9b21'
down_revision = '83685c9724d4'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN (SQLite has both): a batch copy of "user" would trip over the tables
# that reference it.
def upgrade() -> None:
    op.add_column('user', sa.Column('time_zone', sa.String(length=64), server_default='', nullable=False))


def downgrade() -> None:
    op.drop_column('user', 'time_zone')
