"""library items and feeds; share links, texts, words, events and clicks of a library item

The library's tables (``library_feed``, ``library_item``), and the sharing tables generalised so
that a row is about a post *or* a library item: ``post_id`` becomes nullable, ``item_id`` joins
it, and a check constraint keeps exactly one of them set (``click`` keeps ``post_id`` only: a
library item's click is found through its link). Every existing row is a post's and stays valid.
The downgrade deletes the library items' rows before ``post_id`` becomes required again.

Revision ID: fcb58f39832b
Revises: aea93cad6945
Create Date: 2026-11-29 14:08:08.649428
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = 'fcb58f39832b'
down_revision = 'aea93cad6945'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('library_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('url_key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('polled_at', hub.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('items_seen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_library_feed_added_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_feed')),
    sa.UniqueConstraint('url_key', name=op.f('uq_library_feed_url_key'))
    )
    op.create_table('library_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('url_key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('image_url', sa.String(length=2000), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('site_name', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('suggested', 'active', 'dismissed', 'removed', name='itemstate', native_enum=False, length=16), nullable=False),
    sa.Column('use_utm', sa.Boolean(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('feed_id', sa.Integer(), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('picked_by_id', sa.Integer(), nullable=True),
    sa.Column('fetched', sa.Boolean(), nullable=False),
    sa.Column('published_at', hub.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hub.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_library_item_added_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feed_id'], ['library_feed.id'], name=op.f('fk_library_item_feed_id_library_feed'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['picked_by_id'], ['user.id'], name=op.f('fk_library_item_picked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_library_item_topic_id_topic'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_item')),
    sa.UniqueConstraint('url_key', name=op.f('uq_library_item_url_key'))
    )
    with op.batch_alter_table('library_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_item_feed_id'), ['feed_id'], unique=False)
        batch_op.create_index('ix_library_item_state_created_at', ['state', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_item_topic_id'), ['topic_id'], unique=False)

    with op.batch_alter_table('click', schema=None) as batch_op:
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('share_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_id', sa.Integer(), nullable=True))
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index('ix_share_event_item_at', ['item_id', 'at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_share_event_item_id_library_item'), 'library_item', ['item_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_share_event_post_or_item'), '(post_id IS NULL) <> (item_id IS NULL)')

    with op.batch_alter_table('share_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_id', sa.Integer(), nullable=True))
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_share_link_item_id'), ['item_id'], unique=False)
        batch_op.create_unique_constraint('uq_share_link_item_user_platform', ['item_id', 'user_id', 'platform'])
        batch_op.create_foreign_key(batch_op.f('fk_share_link_item_id_library_item'), 'library_item', ['item_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_share_link_post_or_item'), '(post_id IS NULL) <> (item_id IS NULL)')

    with op.batch_alter_table('share_own_words', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_id', sa.Integer(), nullable=True))
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_share_own_words_item_id'), ['item_id'], unique=False)
        batch_op.create_unique_constraint('uq_share_own_words_item_user', ['item_id', 'user_id'])
        batch_op.create_foreign_key(batch_op.f('fk_share_own_words_item_id_library_item'), 'library_item', ['item_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_share_own_words_post_or_item'), '(post_id IS NULL) <> (item_id IS NULL)')

    with op.batch_alter_table('share_text', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_id', sa.Integer(), nullable=True))
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_share_text_item_id'), ['item_id'], unique=False)
        batch_op.create_unique_constraint('uq_share_text_item_user_platform', ['item_id', 'user_id', 'platform'])
        batch_op.create_foreign_key(batch_op.f('fk_share_text_item_id_library_item'), 'library_item', ['item_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_share_text_post_or_item'), '(post_id IS NULL) <> (item_id IS NULL)')



def downgrade() -> None:
    # clicks of library items' links go with the links (click.link_id cascades only in the database)
    op.execute("DELETE FROM click WHERE post_id IS NULL")
    op.execute("DELETE FROM share_text WHERE post_id IS NULL")
    with op.batch_alter_table('share_text', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_share_text_item_id_library_item'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_share_text_post_or_item'), type_='check')
        batch_op.drop_constraint('uq_share_text_item_user_platform', type_='unique')
        batch_op.drop_index(batch_op.f('ix_share_text_item_id'))
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('item_id')

    op.execute("DELETE FROM share_own_words WHERE post_id IS NULL")
    with op.batch_alter_table('share_own_words', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_share_own_words_item_id_library_item'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_share_own_words_post_or_item'), type_='check')
        batch_op.drop_constraint('uq_share_own_words_item_user', type_='unique')
        batch_op.drop_index(batch_op.f('ix_share_own_words_item_id'))
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('item_id')

    op.execute("DELETE FROM share_link WHERE post_id IS NULL")
    with op.batch_alter_table('share_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_share_link_item_id_library_item'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_share_link_post_or_item'), type_='check')
        batch_op.drop_constraint('uq_share_link_item_user_platform', type_='unique')
        batch_op.drop_index(batch_op.f('ix_share_link_item_id'))
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('item_id')

    op.execute("DELETE FROM share_event WHERE post_id IS NULL")
    with op.batch_alter_table('share_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_share_event_item_id_library_item'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_share_event_post_or_item'), type_='check')
        batch_op.drop_index('ix_share_event_item_at')
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('item_id')

    with op.batch_alter_table('click', schema=None) as batch_op:
        batch_op.alter_column('post_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('library_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_item_topic_id'))
        batch_op.drop_index('ix_library_item_state_created_at')
        batch_op.drop_index(batch_op.f('ix_library_item_feed_id'))

    op.drop_table('library_item')
    op.drop_table('library_feed')
