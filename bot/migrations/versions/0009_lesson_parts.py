"""lesson parts: the part of a lesson each learner has reached

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 12:00:00.000000

Lessons read before they had parts were read as one: every existing row starts at part 1.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('lessonprogress') as batch:
        batch.add_column(sa.Column('part', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('lessonprogress') as batch:
        batch.drop_column('part')
