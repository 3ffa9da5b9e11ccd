"""auth: each person's interface language (None: the browser's)

Revision ID: c3f8a2d5e7b1
Revises: b7d2e4f1a9c3
Create Date: 2026-11-29 17:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3f8a2d5e7b1"
down_revision = "b7d2e4f1a9c3"
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN (SQLite has both): a batch copy of "user" would trip over the tables
# that reference it.
def upgrade() -> None:
    op.add_column("user", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("user", "language")
