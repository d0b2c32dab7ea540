"""Scheduled jobs: every timer the bot keeps is a row, so nothing is lost when it stops."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import UTCDateTime


class JobStatus(StrEnum):
    """Where a job is in its life; only ``pending`` jobs are ever claimed."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    MISSED = "missed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


class ScheduledJob(SQLModel, table=True):
    """One timer: a reminder, an event reminder, a scheduled announcement, a recurring task."""

    __table_args__ = (Index("ix_scheduledjob_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=128, unique=True)
    kind: str = Field(max_length=48, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=JobStatus.PENDING, max_length=16)
    cron: str | None = Field(default=None, max_length=64)
    timezone: str | None = Field(default=None, max_length=64)
    attempts: int = Field(default=0)
    late: bool = Field(default=False)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
