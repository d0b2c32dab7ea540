"""dashboard: organisers bound to one unit of the organisation tree

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 10:00:00.000000

``organiserscope`` holds the unit (or the enterprise) an organiser's dashboard and reports are
limited to; the role itself is a ``rolegrant`` row like every other role.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('organiserscope',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('granted_by', sa.BigInteger(), nullable=True),
    sa.Column('granted_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['orgunit.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('organiserscope')
