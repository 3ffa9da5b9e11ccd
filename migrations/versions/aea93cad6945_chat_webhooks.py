"""chat webhooks: Slack and Teams channels (chat_webhook), and webhook messages in the outbox
(its address and a key that keeps one piece of news from being queued twice)

Revision ID: aea93cad6945
Revises: 3f200b2f7439
Create Date: 2026-11-29 14:20:09.498465
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db


revision = 'aea93cad6945'
down_revision = '3f200b2f7439'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chat_webhook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('slack', 'teams', name='chatkind', native_enum=False, length=16), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_hint', sa.String(length=160), nullable=False),
    sa.Column('events_text', sa.String(length=60), nullable=False),
    sa.Column('areas_text', sa.String(length=600), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('digest_sent_at', hub.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_chat_webhook_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_webhook'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('url', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('dedupe_key', sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_dedupe_key'), ['dedupe_key'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_dedupe_key'))
        batch_op.drop_column('dedupe_key')
        batch_op.drop_column('url')

    op.drop_table('chat_webhook')
