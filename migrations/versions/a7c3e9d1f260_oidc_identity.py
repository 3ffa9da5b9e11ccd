"""oidc_identity: people linked to the company's OpenID provider by (issuer, subject)

Revision ID: a7c3e9d1f260
Revises: 5f1c0de7a9b2
Create Date: 2026-11-29 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = 'a7c3e9d1f260'
down_revision = '5f1c0de7a9b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'oidc_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=500), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('session_id', sa.String(length=255), nullable=True),
        sa.Column('created_at', hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_login_at', hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('issuer', 'subject'),
    )
    op.create_index(op.f('ix_oidc_identity_user_id'), 'oidc_identity', ['user_id'], unique=False)
    op.create_index(op.f('ix_oidc_identity_session_id'), 'oidc_identity', ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_oidc_identity_session_id'), table_name='oidc_identity')
    op.drop_index(op.f('ix_oidc_identity_user_id'), table_name='oidc_identity')
    op.drop_table('oidc_identity')
