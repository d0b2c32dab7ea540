"""broadcasts: announcements, per-recipient outbox, push preferences, announcement drafts

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-23 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models.base

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('broadcast',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('html_zh', sa.Text(), nullable=False),
    sa.Column('html_en', sa.Text(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('buttons', sa.JSON(), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('must_read', sa.Boolean(), nullable=False),
    sa.Column('remind_after_minutes', sa.Integer(), nullable=False),
    sa.Column('send_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cron', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('occurrence_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('opted_out', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['broadcast.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('parent_id', 'occurrence_at')
    )
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcast_parent_id'), ['parent_id'], unique=False)

    op.create_table('announcementdraft',
    sa.Column('admin_id', sa.BigInteger(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('html_zh', sa.Text(), nullable=False),
    sa.Column('html_en', sa.Text(), nullable=True),
    sa.Column('photo_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
    sa.Column('everyone', sa.Boolean(), nullable=False),
    sa.Column('enterprise_ids', sa.JSON(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('must_read', sa.Boolean(), nullable=False),
    sa.Column('send_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cron', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('updated_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('admin_id')
    )
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('lane', sa.Integer(), nullable=False),
    sa.Column('due_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('claimed_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('reply_to', sa.BigInteger(), nullable=True),
    sa.Column('digest_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcast.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['digest_id'], ['delivery.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('broadcast_id', 'user_id', 'round')
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_claim', ['status', 'lane', 'due_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_digest_id'), ['digest_id'], unique=False)
        batch_op.create_index('ix_delivery_report', ['broadcast_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_user_id'), ['user_id'], unique=False)

    op.create_table('pushpreference',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('announcements', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('events', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('lessons', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('proposals', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('quiet_from', sa.Integer(), nullable=False),
    sa.Column('quiet_until', sa.Integer(), nullable=False),
    sa.Column('digest_hour', sa.Integer(), nullable=False),
    sa.Column('updated_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('pushpreference')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_user_id'))
        batch_op.drop_index('ix_delivery_report')
        batch_op.drop_index(batch_op.f('ix_delivery_digest_id'))
        batch_op.drop_index('ix_delivery_claim')

    op.drop_table('delivery')
    op.drop_table('announcementdraft')
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_parent_id'))

    op.drop_table('broadcast')
