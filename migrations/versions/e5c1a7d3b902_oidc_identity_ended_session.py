"""single sign-on: the provider session hub asked the provider to end (RP-initiated logout)

Revision ID: e5c1a7d3b902
Revises: e5a1c7d93b40
Create Date: 2026-11-29 17:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e5c1a7d3b902"
down_revision = "e5a1c7d93b40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("oidc_identity") as batch:
        batch.add_column(sa.Column("ended_session_id", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oidc_identity") as batch:
        batch.drop_column("ended_session_id")
