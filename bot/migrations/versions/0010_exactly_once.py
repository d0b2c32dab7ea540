"""exactly once: an update's calls kept with its commit, the flows' steps on the user

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 18:00:00.000000

``inboxupdate.applied_at`` is set in the transaction of the update's own writes, with
``replies`` (the Bot API calls it made, sent after the commit); ``done_at`` once they are sent.
``user.flows`` holds the step of every flow the user is in, read with each update.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('inboxupdate') as batch:
        batch.add_column(sa.Column('applied_at', bot.models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('replies', sa.JSON(), nullable=True))
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('flows', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('user') as batch:
        batch.drop_column('flows')
    with op.batch_alter_table('inboxupdate') as batch:
        batch.drop_column('replies')
        batch.drop_column('applied_at')
