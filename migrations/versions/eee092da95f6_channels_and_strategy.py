"""channels and strategy: official accounts, their history, closing checklist and requests;
strategy sections with append-only revisions, and KPI targets

Revision ID: eee092da95f6
Revises: c0a6ffd8ee23
Create Date: 2026-11-24 00:06:26.953346
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db


revision = 'eee092da95f6'
down_revision = 'c0a6ffd8ee23'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('strategy_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('current_revision_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_section')),
    sa.UniqueConstraint('key', name=op.f('uq_strategy_section_key'))
    )
    op.create_table('channel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('handle', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('audience', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('backup_owner_id', sa.Integer(), nullable=True),
    sa.Column('opened_by', sa.Enum('internal', 'agency', name='openedby', native_enum=False, length=16), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('campaign', sa.String(length=200), nullable=False),
    sa.Column('campaign_end', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('active', 'dormant', 'closing', 'closed', name='channelstatus', native_enum=False, length=16), nullable=False),
    sa.Column('last_activity_on', sa.Date(), nullable=True),
    sa.Column('main_channel_id', sa.Integer(), nullable=True),
    sa.Column('farewell_text', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['backup_owner_id'], ['user.id'], name=op.f('fk_channel_backup_owner_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_channel_created_by_id_user')),
    sa.ForeignKeyConstraint(['main_channel_id'], ['channel.id'], name=op.f('fk_channel_main_channel_id_channel')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_channel_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel'))
    )
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_backup_owner_id'), ['backup_owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_channel_status_platform', ['status', 'platform'], unique=False)

    op.create_table('strategy_kpi_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('metric', sa.Enum('human_clicks', 'shares', 'clicks_per_share', 'posts_published', 'active_sharers', name='kpimetric', native_enum=False, length=32), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_strategy_kpi_target_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_kpi_target')),
    sa.UniqueConstraint('platform', 'metric', 'period', name='uq_strategy_kpi_target_platform_metric_period')
    )
    op.create_table('strategy_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_strategy_revision_created_by_id_user')),
    sa.ForeignKeyConstraint(['section_id'], ['strategy_section.id'], name=op.f('fk_strategy_revision_section_id_strategy_section'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_revision')),
    sa.UniqueConstraint('section_id', 'number', name='uq_strategy_revision_section_id_number')
    )
    with op.batch_alter_table('strategy_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategy_revision_section_id'), ['section_id'], unique=False)
    # The section <-> revision cycle: the section's pointer gets its key once both tables exist.
    with op.batch_alter_table('strategy_section', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_strategy_section_current_revision_id_strategy_revision', 'strategy_revision',
                                    ['current_revision_id'], ['id'], ondelete='SET NULL')

    op.create_table('channel_checklist_item',
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('done_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_channel_checklist_item_channel_id_channel'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_channel_checklist_item_done_by_id_user')),
    sa.PrimaryKeyConstraint('channel_id', 'key', name=op.f('pk_channel_checklist_item'))
    )
    op.create_table('channel_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_channel_event_actor_id_user')),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_channel_event_channel_id_channel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_event'))
    )
    with op.batch_alter_table('channel_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_event_channel_id'), ['channel_id'], unique=False)

    op.create_table('channel_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('handle', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('audience', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'approved', 'declined', name='requeststatus', native_enum=False, length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', hub.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_channel_request_channel_id_channel')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_channel_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['requester_id'], ['user.id'], name=op.f('fk_channel_request_requester_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_request'))
    )
    with op.batch_alter_table('channel_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_request_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index('ix_channel_request_status_created_at', ['status', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('channel_request', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_request_status_created_at')
        batch_op.drop_index(batch_op.f('ix_channel_request_requester_id'))

    op.drop_table('channel_request')
    with op.batch_alter_table('channel_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_event_channel_id'))

    op.drop_table('channel_event')
    op.drop_table('channel_checklist_item')
    with op.batch_alter_table('strategy_section', schema=None) as batch_op:
        batch_op.drop_constraint('fk_strategy_section_current_revision_id_strategy_revision', type_='foreignkey')
    with op.batch_alter_table('strategy_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategy_revision_section_id'))

    op.drop_table('strategy_revision')
    op.drop_table('strategy_kpi_target')
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_status_platform')
        batch_op.drop_index(batch_op.f('ix_channel_owner_id'))
        batch_op.drop_index(batch_op.f('ix_channel_backup_owner_id'))

    op.drop_table('channel')
    op.drop_table('strategy_section')
