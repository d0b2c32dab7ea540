"""recurring reminders: a rule, a time of day and a zone on the reminder

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00.000000

``reminder.repeat`` is the rule of a recurring reminder (``daily``, ``workdays``,
``weekly:4``, ``monthly:31``; NULL for a one-off), ``clock`` its local time of day (``16:00``)
and ``timezone`` the zone it is read in. Each occurrence is its own scheduled job
(``reminder:<id>:<n>``); ``job_key`` names the pending one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('reminder') as batch:
        batch.add_column(sa.Column('repeat', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch.add_column(sa.Column('clock', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True))
        batch.add_column(sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('reminder') as batch:
        batch.drop_column('timezone')
        batch.drop_column('clock')
        batch.drop_column('repeat')
