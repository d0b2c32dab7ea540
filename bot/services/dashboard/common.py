"""What every dashboard query shares: the period compared, the scope as a filter, a row shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.users import User
from bot.services.dashboard.scopes import Area

PERIOD = timedelta(days=30)
"""Figures compare the last 30 days with the 30 days before."""


@dataclass(frozen=True, slots=True)
class Window:
    """The two periods a trend compares: [``start``, ``now``) against [``before``, ``start``)."""

    now: datetime

    @property
    def start(self) -> datetime:
        """Where the last 30 days begin."""
        return self.now - PERIOD

    @property
    def before(self) -> datetime:
        """Where the 30 days before them begin."""
        return self.now - 2 * PERIOD


def within(column: Any, area: Area) -> Any:
    """A condition keeping rows whose enterprise column lies inside ``area`` (None: all)."""
    if area.enterprises is None:
        return None
    return col(column).in_(sorted(area.enterprises))


def people_within(user_column: Any, area: Area) -> Any:
    """A condition keeping rows whose user works at an enterprise inside ``area``."""
    if area.enterprises is None:
        return None
    return col(user_column).in_(
        select(User.id).where(col(User.enterprise_id).in_(sorted(area.enterprises)))
    )


def where(query: Any, *conditions: Any) -> Any:
    """``query`` with each condition that is not None."""
    for condition in conditions:
        if condition is not None:
            query = query.where(condition)
    return query


async def scalar(session: AsyncSession, query: Any) -> int:
    """One number (0 for nothing)."""
    return int((await session.exec(query)).one() or 0)


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole``, or None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None
