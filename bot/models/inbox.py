"""The update inbox: every update Telegram sent, stored before it is acknowledged.

A row is claimed by one worker at a time with a lease, renewed while the worker lives; a worker
that dies leaves the lease to expire and the update to be claimed again: handled afresh if its
writes were never committed, or only its stored replies sent if they were. Done rows are kept
for a day and a bit, so that Telegram's re-deliveries (it retries an unacknowledged update for
up to a day) meet the primary key and are dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, text
from sqlmodel import Field, SQLModel

from bot.models.base import UTCDateTime

_UNDONE = text("done_at IS NULL")


class InboxUpdate(SQLModel, table=True):
    """One update from Telegram, as JSON, with who holds it and whether it was handled."""

    __tablename__ = "inboxupdate"
    __table_args__ = (
        # Claiming looks only at undone rows, per chat in update order; the done tail is large.
        Index(
            "ix_inboxupdate_undone",
            "chat_key",
            "update_id",
            postgresql_where=_UNDONE,
            sqlite_where=_UNDONE,
        ),
        Index("ix_inboxupdate_done_at", "done_at"),
    )

    update_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    chat_key: int = Field(sa_type=BigInteger)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    received_at: datetime = Field(sa_type=UTCDateTime)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    # Set with the update's own writes, in their transaction; ``replies`` are the calls it
    # made, sent after that commit. ``done_at`` follows once they are sent.
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replies: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, max_length=500)
