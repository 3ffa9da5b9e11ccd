"""click flush: clicks drop the foreign keys and indexes on post and person (the link's FK holds them)

Every ingested click paid for three foreign-key checks and seven index entries. ``post_id`` and
``user_id`` are copied from the click's link, whose foreign key (``link_id``) already proves the
click's post and person exist and deletes the clicks with the link (and with the post, whose
links it deletes); nothing reads clicks by post or person any more (the dashboards read the
rollups; a post's clicks are counted through its links), so ``ix_click_post_at`` and
``ix_click_user_at`` go too.

Revision ID: c4e8a1f7d2b6
Revises: e5c1a7d3b902
Create Date: 2026-11-29 17:30:00
"""

from __future__ import annotations

from alembic import op

revision = "c4e8a1f7d2b6"
down_revision = "e5c1a7d3b902"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("click", schema=None) as batch_op:
        batch_op.drop_index("ix_click_post_at")
        batch_op.drop_index("ix_click_user_at")
        batch_op.drop_constraint(batch_op.f("fk_click_post_id_post"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_click_user_id_user"), type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("click", schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f("fk_click_post_id_post"), "post", ["post_id"], ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key(batch_op.f("fk_click_user_id_user"), "user", ["user_id"], ["id"])
        batch_op.create_index("ix_click_user_at", ["user_id", "at"], unique=False)
        batch_op.create_index("ix_click_post_at", ["post_id", "at"], unique=False)
