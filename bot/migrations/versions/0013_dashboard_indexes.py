"""dashboard indexes: the aggregate queries of the organisers' dashboard on real numbers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 11:00:00.000000

Whether a person is in a studio (coverage), lessons completed and people seen in a period
(the overview's trends), and an enterprise's proposals by state. Measured with
``bench/dashboard.py`` (docs/benchmarks.md, "Dashboard").
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_index('ix_studiomember_user', 'studiomember', ['user_id'], unique=False)
    op.create_index('ix_lessonprogress_completed', 'lessonprogress', ['completed_at'], unique=False)
    op.create_index('ix_user_last_seen_at', 'user', ['last_seen_at'], unique=False)
    op.create_index(
        'ix_proposal_enterprise_status',
        'proposal',
        ['enterprise_id', 'status', 'submitted_at'],
        unique=False,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_proposal_enterprise_status', table_name='proposal')
    op.drop_index('ix_user_last_seen_at', table_name='user')
    op.drop_index('ix_lessonprogress_completed', table_name='lessonprogress')
    op.drop_index('ix_studiomember_user', table_name='studiomember')
