"""network: expert profiles, service teams, pairings, help requests, demonstration bases

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-23 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models.base

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('serviceteam',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('servedenterprise',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('added_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['serviceteam.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'enterprise_id')
    )
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('logged_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['serviceteam.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index('ix_activity_author_logged', ['author_id', 'logged_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_team_id'), ['team_id'], unique=False)

    op.create_table('demobase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('specialities', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('leader_id', sa.BigInteger(), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('demobase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demobase_leader_id'), ['leader_id'], unique=False)

    op.create_table('expertprofile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('honour', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('skills', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('story', sqlmodel.sql.sqltypes.AutoString(length=600), nullable=True),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('show_enterprise', sa.Boolean(), nullable=False),
    sa.Column('show_region', sa.Boolean(), nullable=False),
    sa.Column('show_story', sa.Boolean(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('first_line', sa.Boolean(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('updated_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id')
    )
    with op.batch_alter_table('expertprofile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expertprofile_field'), ['field'], unique=False)

    op.create_table('helprequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.BigInteger(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('media', sa.JSON(), nullable=False),
    sa.Column('rural', sa.Boolean(), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('preferred_expert_id', sa.BigInteger(), nullable=True),
    sa.Column('expert_id', sa.BigInteger(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['requester_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('helprequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helprequest_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index('ix_helprequest_status_expert', ['status', 'expert_id'], unique=False)

    op.create_table('pairing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.BigInteger(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.BigInteger(), nullable=True),
    sa.Column('goals', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('cadence_days', sa.Integer(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pairing_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pairing_expert_id'), ['expert_id'], unique=False)

    op.create_table('serviceteammember',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('joined_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['serviceteam.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'user_id')
    )
    with op.batch_alter_table('serviceteammember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serviceteammember_user_id'), ['user_id'], unique=False)

    op.create_table('helpoffer',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('offered_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('response', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('responded_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['helprequest.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'user_id')
    )
    with op.batch_alter_table('helpoffer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helpoffer_user_id'), ['user_id'], unique=False)

    op.create_table('paircheckin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('paircheckin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paircheckin_pairing_id'), ['pairing_id'], unique=False)

    op.create_table('relayfocus',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('set_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['helprequest.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('relaymessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4096), nullable=True),
    sa.Column('file_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('created_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['helprequest.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('relaymessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relaymessage_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('relaymessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relaymessage_request_id'))

    op.drop_table('relaymessage')
    op.drop_table('relayfocus')
    with op.batch_alter_table('paircheckin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paircheckin_pairing_id'))

    op.drop_table('paircheckin')
    with op.batch_alter_table('helpoffer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_helpoffer_user_id'))

    op.drop_table('helpoffer')
    with op.batch_alter_table('serviceteammember', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serviceteammember_user_id'))

    op.drop_table('serviceteammember')
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_expert_id'))
        batch_op.drop_index(batch_op.f('ix_pairing_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_pairing_contact_id'))

    op.drop_table('pairing')
    with op.batch_alter_table('helprequest', schema=None) as batch_op:
        batch_op.drop_index('ix_helprequest_status_expert')
        batch_op.drop_index(batch_op.f('ix_helprequest_requester_id'))

    op.drop_table('helprequest')
    with op.batch_alter_table('expertprofile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expertprofile_field'))

    op.drop_table('expertprofile')
    with op.batch_alter_table('demobase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demobase_leader_id'))

    op.drop_table('demobase')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_team_id'))
        batch_op.drop_index('ix_activity_author_logged')

    op.drop_table('activity')
    op.drop_table('servedenterprise')
    op.drop_table('serviceteam')
