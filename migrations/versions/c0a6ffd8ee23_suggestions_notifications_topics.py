"""suggestions, notifications, topics

Revision ID: c0a6ffd8ee23
Revises: 9502c8c31ecf
Create Date: 2026-11-23 23:59:11.729244
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = 'c0a6ffd8ee23'
down_revision = '9502c8c31ecf'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('brief', sa.Text(), nullable=False),
    sa.Column('brief_html', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=120), nullable=False),
    sa.Column('platforms_text', sa.String(length=300), nullable=False),
    sa.Column('key_messages', sa.Text(), nullable=False),
    sa.Column('hashtags_text', sa.String(length=600), nullable=False),
    sa.Column('useful_until', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('proposed', 'open', 'closed', name='topicstate', native_enum=False, length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', hub.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', hub.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_topic_added_by_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_topic_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('slug', name=op.f('uq_topic_slug'))
    )
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.create_index('ix_topic_state_created_at', ['state', 'created_at'], unique=False)

    op.create_table('topic_follow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('area', sa.String(length=120), nullable=True),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(topic_id IS NULL) <> (area IS NULL)', name=op.f('ck_topic_follow_one_target')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_topic_follow_topic_id_topic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_topic_follow_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_follow')),
    sa.UniqueConstraint('user_id', 'area', name='uq_topic_follow_user_id_area'),
    sa.UniqueConstraint('user_id', 'topic_id', name='uq_topic_follow_user_id_topic_id')
    )
    with op.batch_alter_table('topic_follow', schema=None) as batch_op:
        batch_op.create_index('ix_topic_follow_area', ['area'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_follow_topic_id'), ['topic_id'], unique=False)

    op.create_table('suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('comment', 'edit', name='suggestionkind', native_enum=False, length=16), nullable=False),
    sa.Column('state', sa.Enum('open', 'accepted', 'declined', 'resolved', name='suggestionstate', native_enum=False, length=16), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_activity_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', hub.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('decline_note', sa.Text(), nullable=False),
    sa.Column('applied_revision_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['applied_revision_id'], ['post_revision.id'], name=op.f('fk_suggestion_applied_revision_id_post_revision')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_suggestion_author_id_user')),
    sa.ForeignKeyConstraint(['base_revision_id'], ['post_revision.id'], name=op.f('fk_suggestion_base_revision_id_post_revision')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_suggestion_closed_by_id_user')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_suggestion_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion'))
    )
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_suggestion_post_id_state', ['post_id', 'state'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('suggestion', 'reply', 'accepted', 'declined', 'topic_new', 'topic_post', 'topic_added', name='notificationkind', native_enum=False, length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('suggestion_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', hub.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_notification_actor_id_user')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_notification_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestion.id'], name=op.f('fk_notification_suggestion_id_suggestion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_notification_topic_id_topic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_suggestion_id'), ['suggestion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index('ix_notification_user_id_read_at', ['user_id', 'read_at'], unique=False)

    op.create_table('suggestion_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_suggestion_reply_author_id_user')),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestion.id'], name=op.f('fk_suggestion_reply_suggestion_id_suggestion'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_reply'))
    )
    with op.batch_alter_table('suggestion_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_reply_suggestion_id'), ['suggestion_id'], unique=False)

    # New columns on existing tables are added with plain ALTER TABLE on every database: a batch
    # "move and copy" of post or user on SQLite would drop tables that others reference (and,
    # with foreign keys on, cascade the drop into post_revision).
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column('post', sa.Column('open_for_feedback', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('post', sa.Column('topic_id', sa.Integer(), sa.ForeignKey('topic.id', name='fk_post_topic_id_topic'),
                                    nullable=True), inline_references=sqlite)
    op.create_index('ix_post_topic_id', 'post', ['topic_id'], unique=False)
    op.add_column('user', sa.Column('digest_opt_in', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('user', sa.Column('digest_sent_at', hub.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops these columns in place; see upgrade() for why no batch copy.
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_column('user', 'digest_sent_at')
    op.drop_column('user', 'digest_opt_in')
    op.drop_index('ix_post_topic_id', table_name='post')
    if not sqlite:
        op.drop_constraint('fk_post_topic_id_topic', 'post', type_='foreignkey')
    op.drop_column('post', 'topic_id')
    op.drop_column('post', 'open_for_feedback')

    with op.batch_alter_table('suggestion_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_reply_suggestion_id'))

    op.drop_table('suggestion_reply')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_id_read_at')
        batch_op.drop_index(batch_op.f('ix_notification_topic_id'))
        batch_op.drop_index(batch_op.f('ix_notification_suggestion_id'))
        batch_op.drop_index(batch_op.f('ix_notification_post_id'))

    op.drop_table('notification')
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestion_post_id_state')
        batch_op.drop_index(batch_op.f('ix_suggestion_author_id'))

    op.drop_table('suggestion')
    with op.batch_alter_table('topic_follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_follow_topic_id'))
        batch_op.drop_index('ix_topic_follow_area')

    op.drop_table('topic_follow')
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_state_created_at')

    op.drop_table('topic')
