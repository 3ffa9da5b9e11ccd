"""share page speed: a cache of hub's proposed texts (share_proposal_cache)

Revision ID: 9a4e1b7c2d30
Revises: 3a7e5c1b9d40
Create Date: 2026-11-29 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa

import hub.db
from alembic import op

revision = "9a4e1b7c2d30"
down_revision = "3a7e5c1b9d40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_proposal_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("proposals", sa.Text(), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_share_proposal_cache_post_id_post"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_share_proposal_cache_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_share_proposal_cache")),
    )
    op.create_index("ix_share_proposal_cache_post_user", "share_proposal_cache", ["post_id", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_share_proposal_cache_post_user", table_name="share_proposal_cache")
    op.drop_table("share_proposal_cache")
