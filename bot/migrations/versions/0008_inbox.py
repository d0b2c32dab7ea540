"""inbox: every update stored before it is acknowledged, claimed by workers with a lease

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 19:58:13.533940

Self-contained: only ``down_revision`` names another revision, so re-chaining it after a
sibling branch is a one-line change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models.base

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('inboxupdate',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('chat_key', sa.BigInteger(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('received_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('lease_until', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.PrimaryKeyConstraint('update_id')
    )
    with op.batch_alter_table('inboxupdate', schema=None) as batch_op:
        batch_op.create_index('ix_inboxupdate_done_at', ['done_at'], unique=False)
        batch_op.create_index('ix_inboxupdate_undone', ['chat_key', 'update_id'], unique=False, postgresql_where=sa.text('done_at IS NULL'), sqlite_where=sa.text('done_at IS NULL'))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('inboxupdate', schema=None) as batch_op:
        batch_op.drop_index('ix_inboxupdate_undone', postgresql_where=sa.text('done_at IS NULL'), sqlite_where=sa.text('done_at IS NULL'))
        batch_op.drop_index('ix_inboxupdate_done_at')
    op.drop_table('inboxupdate')
