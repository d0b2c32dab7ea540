"""quiz order: each answer keeps the order its options were shown in

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 21:00:00.000000

Answers saved before options were shuffled were shown in the file's order, so they get the
identity order; their ``choices`` already index the file's options and keep their meaning.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('quizanswer') as batch:
        batch.add_column(sa.Column('shown', sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            'SELECT quizanswer.id, quizquestion.options FROM quizanswer '
            'JOIN quizquestion ON quizquestion.id = quizanswer.question_id'
        )
    ).all()
    for answer_id, options in rows:
        count = len(json.loads(options) if isinstance(options, str) else options)
        connection.execute(
            sa.text('UPDATE quizanswer SET shown = :shown WHERE id = :id').bindparams(
                sa.bindparam('shown', type_=sa.JSON())
            ),
            {'shown': list(range(count)), 'id': answer_id},
        )
    with op.batch_alter_table('quizanswer') as batch:
        batch.alter_column('shown', existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('quizanswer') as batch:
        batch.drop_column('shown')
