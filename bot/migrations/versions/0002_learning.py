"""learning: courses, lessons, quiz questions, progress, attempts, review items, preferences

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models.base

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("audience", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title_zh", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("retired_at", bot.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title_zh", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("image_zh", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("image_en", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("sources_zh", sa.JSON(), nullable=False),
        sa.Column("sources_en", sa.JSON(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("retired_at", bot.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("course_id", "key"),
    )
    op.create_table(
        "quizquestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("explanation_zh", sa.Text(), nullable=False),
        sa.Column("explanation_en", sa.Text(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("retired_at", bot.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("course_id", "key"),
    )
    op.create_table(
        "learningpreference",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("daily_at", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
        sa.Column("leaderboard_hidden", sa.Boolean(), nullable=False),
        sa.Column("updated_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "lessonprogress",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("started_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", bot.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "lesson_id"),
    )
    with op.batch_alter_table("lessonprogress", schema=None) as batch_op:
        batch_op.create_index("ix_lessonprogress_lesson", ["lesson_id"], unique=False)

    op.create_table(
        "quizattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("started_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", bot.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quizattempt", schema=None) as batch_op:
        batch_op.create_index("ix_quizattempt_user_course", ["user_id", "course_id"], unique=False)

    op.create_table(
        "reviewitem",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("repetitions", sa.Integer(), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("ease", sa.Float(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("due_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", bot.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["question_id"], ["quizquestion.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "question_id"),
    )
    with op.batch_alter_table("reviewitem", schema=None) as batch_op:
        batch_op.create_index("ix_reviewitem_user_due", ["user_id", "due_at"], unique=False)

    op.create_table(
        "quizanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["quizattempt.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["quizquestion.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attempt_id", "question_id"),
    )
    with op.batch_alter_table("quizanswer", schema=None) as batch_op:
        batch_op.create_index("ix_quizanswer_question", ["question_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("quizanswer", schema=None) as batch_op:
        batch_op.drop_index("ix_quizanswer_question")

    op.drop_table("quizanswer")
    with op.batch_alter_table("reviewitem", schema=None) as batch_op:
        batch_op.drop_index("ix_reviewitem_user_due")

    op.drop_table("reviewitem")
    with op.batch_alter_table("quizattempt", schema=None) as batch_op:
        batch_op.drop_index("ix_quizattempt_user_course")

    op.drop_table("quizattempt")
    with op.batch_alter_table("lessonprogress", schema=None) as batch_op:
        batch_op.drop_index("ix_lessonprogress_lesson")

    op.drop_table("lessonprogress")
    op.drop_table("learningpreference")
    op.drop_table("quizquestion")
    op.drop_table("lesson")
    op.drop_table("course")
