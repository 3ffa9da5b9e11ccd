"""click flush: a click's link is checked once per statement, not by a per-row foreign key

On PostgreSQL the foreign key ``fk_click_link_id_share_link`` cost every ingested click a trigger
call (a look-up and a row lock): about 12 of the 18 µs a click spent in the flush's ``COPY``.
The same two rules (a click's link exists, locked as the foreign key locks it; deleting a link
deletes its clicks) are now triggers that run once per statement on PostgreSQL and per row on
SQLite (``hub.sharing.linkcheck``, which ``create_all`` uses too). Every stored click passed
the foreign key, so the rule already holds for them.

Revision ID: f1d9b3c6a2e8
Revises: c4e8a1f7d2b6
Create Date: 2026-11-29 20:10:00
"""

from __future__ import annotations

from alembic import op

from hub.sharing import linkcheck

revision = "f1d9b3c6a2e8"
down_revision = "c4e8a1f7d2b6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("click", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_click_link_id_share_link"), type_="foreignkey")
    linkcheck.create(op.get_bind())


def downgrade() -> None:
    linkcheck.drop(op.get_bind())
    with op.batch_alter_table("click", schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f("fk_click_link_id_share_link"), "share_link", ["link_id"], ["id"],
                                    ondelete="CASCADE")
