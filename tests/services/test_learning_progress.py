"""Progress: the streak in the learner's timezone, leaderboards with an opt-out, and preferences."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import update
from sqlmodel import col

from bot.content import load
from bot.models.users import User
from bot.services import Services
from bot.services.learning.progress import streak
from tests.conftest import CONTENT, make_settings


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    """Services on a fresh database with the shipped content synced."""
    built = Services.build(make_settings(database_url))
    await built.learning.sync(catalogue=load(CONTENT))
    yield built
    await built.close()


async def lessons(services: Services) -> list[int]:
    """Every live lesson id, in catalogue order."""
    cards, _ = await services.learning.courses(user_id=0, locale="en", limit=10)
    ids: list[int] = []
    for card in cards:
        view = await services.learning.course(user_id=0, course_id=card.id, locale="en")
        assert view is not None
        ids += [line.id for line in view.lessons]
    return ids


async def colleague(
    services: Services, user_id: int, name: str, enterprise_id: int, department: str
) -> None:
    """A learner in an enterprise and workshop."""
    await services.users.seen(user_id=user_id, name=name)
    async with services.db.session() as session:
        await session.exec(
            update(User)
            .where(col(User.id) == user_id)
            .values(enterprise_id=enterprise_id, department=department)
        )


def test_streak_counts_days_in_a_row_ending_today_or_yesterday() -> None:
    """Today not yet done keeps yesterday's streak alive; a gap ends it."""
    today = date(2026, 12, 10)
    days = {today - timedelta(days=n) for n in (1, 2, 3, 5)}
    assert streak(days, today) == 3
    assert streak(days | {today}, today) == 4
    assert streak({today - timedelta(days=2)}, today) == 0


async def test_streak_uses_the_learners_timezone(services: Services) -> None:
    """Lessons at 23:30 and 00:30 Beijing time are two days in a row, though one UTC day."""
    await services.users.seen(user_id=1, name="Learner")
    ids = await lessons(services)
    with time_machine.travel(datetime(2026, 12, 1, 15, 30, tzinfo=UTC), tick=False):
        await services.progress.complete(user_id=1, lesson_id=ids[0])
    with time_machine.travel(datetime(2026, 12, 1, 16, 30, tzinfo=UTC), tick=False):
        await services.progress.complete(user_id=1, lesson_id=ids[1])
        beijing = await services.progress.summary(user_id=1, locale="en", timezone="Asia/Shanghai")
        london = await services.progress.summary(user_id=1, locale="en", timezone="Europe/London")
    assert (beijing.streak, london.streak) == (2, 1)
    assert (beijing.points, beijing.done, beijing.total) == (20, 2, len(ids))
    assert beijing.courses[0].done == 2
    assert beijing.courses[0].best is None


async def test_leaderboards_rank_colleagues_and_respect_the_opt_out(services: Services) -> None:
    """Enterprise and workshop boards rank learning points; who opts out vanishes from both."""
    enterprise = await services.enterprises.named(name="陕西法士特")
    other = await services.enterprises.named(name="宝鸡钛业")
    assert enterprise is not None
    assert other is not None
    ids = await lessons(services)
    await colleague(services, 1, "甲", enterprise.id or 0, "装配车间")
    await colleague(services, 2, "乙", enterprise.id or 0, "装配车间")
    await colleague(services, 3, "丙", enterprise.id or 0, "机加车间")
    await colleague(services, 4, "丁", other.id or 0, "装配车间")
    for user_id, count in ((1, 3), (2, 2), (3, 1), (4, 5)):
        for lesson_id in ids[:count]:
            await services.progress.complete(user_id=user_id, lesson_id=lesson_id)

    boards = await services.progress.boards(user_id=2)
    assert [row.name for row in boards.enterprise_rows] == ["甲", "乙", "丙"]
    assert [row.name for row in boards.department_rows] == ["甲", "乙"]
    assert (boards.enterprise, boards.department, boards.hidden) == (
        "陕西法士特",
        "装配车间",
        False,
    )

    await services.progress.set_hidden(user_id=1, hidden=True)
    boards = await services.progress.boards(user_id=2)
    assert [row.name for row in boards.enterprise_rows] == ["乙", "丙"]
    assert [row.name for row in boards.department_rows] == ["乙"]
    assert (await services.progress.boards(user_id=1)).hidden
    await services.progress.set_hidden(user_id=1, hidden=False)
    assert (
        next(row.name for row in (await services.progress.boards(user_id=2)).enterprise_rows)
        == "甲"
    )


async def test_a_learner_without_an_enterprise_has_no_boards(services: Services) -> None:
    """Without an enterprise there is nothing to rank against."""
    await services.users.seen(user_id=5, name="Solo")
    boards = await services.progress.boards(user_id=5)
    assert boards.enterprise is None
    assert boards.enterprise_rows == ()


async def test_preferences_are_remembered(services: Services) -> None:
    """Lesson-of-the-day time and leaderboard choice are kept; the push is one row, then none."""
    await services.users.seen(user_id=6, name="Pref")
    assert (await services.progress.preference(user_id=6)).daily_at is None
    first = await services.progress.set_daily(user_id=6, at="07:00", timezone="Asia/Shanghai")
    await services.progress.set_hidden(user_id=6, hidden=True)
    preference = await services.progress.preference(user_id=6)
    assert (preference.daily_at, preference.hidden) == ("07:00", True)
    assert first is not None
    assert first.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M") == "07:00"
    assert [job.due_at for job in await services.scheduler.pending(prefix="lesson_of_day:")] == [
        first
    ]
    await services.progress.set_daily(user_id=6, at=None, timezone="Asia/Shanghai")
    assert (await services.progress.preference(user_id=6)).daily_at is None
    assert await services.scheduler.pending(prefix="lesson_of_day:") == []
