"""dashboards: share events by time carry the columns the dashboards group by (covering index)

Revision ID: b7d2e4f1a9c3
Revises: 9a4e1b7c2d30
Create Date: 2026-11-29 14:58:00
"""

from __future__ import annotations

from alembic import op

revision = "b7d2e4f1a9c3"
down_revision = "9a4e1b7c2d30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_share_event_at", table_name="share_event")
    op.create_index("ix_share_event_at", "share_event", ["at", "post_id", "user_id", "platform", "kind"])


def downgrade() -> None:
    op.drop_index("ix_share_event_at", table_name="share_event")
    op.create_index("ix_share_event_at", "share_event", ["at"])
