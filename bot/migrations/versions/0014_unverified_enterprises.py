"""unverified enterprises: names typed in onboarding wait for an admin

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 12:00:00.000000

``enterprise.verified`` is false for an enterprise a newcomer created by confirming a name
that matched none; the picker lists only verified ones. ``user.enterprise_draft`` holds the
typed name between the search and the confirmation, so any worker can take the press.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("enterprise") as batch:
        batch.add_column(
            sa.Column("verified", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("user") as batch:
        batch.add_column(
            sa.Column(
                "enterprise_draft", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True
            )
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("user") as batch:
        batch.drop_column("enterprise_draft")
    with op.batch_alter_table("enterprise") as batch:
        batch.drop_column("verified")
