"""proposals: proposals and their drafts, media, status history, reviews, support, comments, prompts

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models.base

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('problem', sqlmodel.sql.sqltypes.AutoString(length=1500), nullable=True),
    sa.Column('solution', sqlmodel.sql.sqltypes.AutoString(length=1500), nullable=True),
    sa.Column('benefit', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('benefit_text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=True),
    sa.Column('studio_id', sa.Integer(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=True),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['studio_id'], ['studio.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'seq')
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_author_status', ['author_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_proposal_status_submitted', ['status', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_studio_id'), ['studio_id'], unique=False)

    op.create_table('proposalcomment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposalcomment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposalcomment_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposalcomment_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposalmedia',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('file_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('file_unique_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('proposal_id', 'file_unique_id')
    )
    with op.batch_alter_table('proposalmedia', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposalmedia_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposalprompt',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('proposalprompt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposalprompt_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposalreview',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.BigInteger(), nullable=False),
    sa.Column('feasibility', sa.Integer(), nullable=True),
    sa.Column('benefit', sa.Integer(), nullable=True),
    sa.Column('novelty', sa.Integer(), nullable=True),
    sa.Column('updated_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'reviewer_id')
    )
    op.create_table('proposalsupport',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'user_id')
    )
    op.create_table('proposaltransition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=True),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposaltransition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposaltransition_proposal_id'), ['proposal_id'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('proposaltransition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposaltransition_proposal_id'))

    op.drop_table('proposaltransition')
    op.drop_table('proposalsupport')
    op.drop_table('proposalreview')
    with op.batch_alter_table('proposalprompt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposalprompt_proposal_id'))

    op.drop_table('proposalprompt')
    with op.batch_alter_table('proposalmedia', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposalmedia_proposal_id'))

    op.drop_table('proposalmedia')
    with op.batch_alter_table('proposalcomment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposalcomment_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_proposalcomment_author_id'))

    op.drop_table('proposalcomment')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_studio_id'))
        batch_op.drop_index('ix_proposal_status_submitted')
        batch_op.drop_index(batch_op.f('ix_proposal_enterprise_id'))
        batch_op.drop_index('ix_proposal_author_status')

    op.drop_table('proposal')
