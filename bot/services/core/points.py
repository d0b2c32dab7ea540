"""Points for what people do (a lesson, a quiz, a proposal accepted), and boards of the best."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import Database
from bot.models.points import PointsEntry
from bot.models.users import User


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One line of a leaderboard."""

    user_id: int
    name: str
    points: int


class PointsService:
    """An idempotent ledger: the same (user, reason, ref) is counted once, whoever retries."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def award(self, *, user_id: int, reason: str, ref: str, points: int) -> bool:
        """Give points once; False when this (user, reason, ref) was already awarded."""
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        statement = (
            insert(PointsEntry)
            .values(user_id=user_id, reason=reason, ref=ref, points=points)
            .on_conflict_do_nothing(index_elements=["user_id", "reason", "ref"])
        )
        async with self._db.session() as session:
            result = await session.exec(statement)
        return bool(result.rowcount)

    async def total(self, *, user_id: int, reasons: tuple[str, ...] | None = None) -> int:
        """A user's points, optionally only for some reasons."""
        async with self._db.reader() as session:
            return await self.total_in(session, user_id=user_id, reasons=reasons)

    @staticmethod
    async def total_in(
        session: AsyncSession, *, user_id: int, reasons: tuple[str, ...] | None = None
    ) -> int:
        """The same total, read in a session the caller already holds."""
        query = select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.user_id == user_id
        )
        if reasons:
            query = query.where(col(PointsEntry.reason).in_(reasons))
        return int((await session.exec(query)).one())

    async def board(
        self,
        *,
        enterprise_id: int | None = None,
        department: str | None = None,
        reasons: tuple[str, ...] | None = None,
        since: datetime | None = None,
        exclude: set[int] | None = None,
        limit: int = 10,
    ) -> list[BoardRow]:
        """The top of a leaderboard, optionally of one enterprise, department, period or reason."""
        total = func.sum(PointsEntry.points).label("total")
        query = select(col(User.id), col(User.name), total).join(
            User, col(User.id) == col(PointsEntry.user_id)
        )
        if enterprise_id is not None:
            query = query.where(User.enterprise_id == enterprise_id)
        if department is not None:
            query = query.where(User.department == department)
        if reasons:
            query = query.where(col(PointsEntry.reason).in_(reasons))
        if since is not None:
            query = query.where(PointsEntry.awarded_at >= since)
        if exclude:
            query = query.where(col(User.id).not_in(exclude))
        query = (
            query.group_by(col(User.id), col(User.name))
            .order_by(total.desc(), col(User.id))
            .limit(limit)
        )
        async with self._db.reader() as session:
            rows = await session.exec(query)
            return [BoardRow(user_id, name, int(points)) for user_id, name, points in rows.all()]
