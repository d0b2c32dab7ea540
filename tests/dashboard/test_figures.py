"""Learning and overview figures at their edges: retired lessons, lessons only opened, periods.

On the province of helpers.py (甲厂 1001-1004 and 乙厂 1005-1009 in 西安市, 丙厂 1010-1011 in
宝鸡市): 1001 and 1002 completed both lessons of the safety course three days ago, 1010 the
first.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlmodel import col, select

from bot.clock import utcnow
from bot.config import Settings
from bot.models.learning import Lesson, LessonProgress
from bot.models.proposals import Proposal
from bot.services import Services
from tests.dashboard.helpers import ADMIN, XIAN_ORGANISER, Province, get


async def test_a_retired_lesson_is_neither_needed_nor_counted(
    client: httpx.AsyncClient, settings: Settings, services: Services, made: Province
) -> None:
    """With lesson 2 retired, lesson 1 alone finishes the course; one only opened starts none."""
    async with services.db.session() as session:
        second = (await session.exec(select(Lesson).where(col(Lesson.key) == "l2"))).one()
        second.retired_at = utcnow()
        session.add(second)
        session.add(LessonProgress(user_id=1003, lesson_id=second.id or 0, completed_at=utcnow()))
        first = (await session.exec(select(Lesson).where(col(Lesson.key) == "l1"))).one()
        session.add(LessonProgress(user_id=1011, lesson_id=first.id or 0))  # opened, not done
    report = await get(client, settings, "learning", ADMIN)
    course = report["courses"][0]
    assert (course["lessons"], course["started"], course["finished"]) == (1, 3, 3)
    by_unit = {u["name"]: (u["people"], u["finished"]) for u in report["units"]}
    assert by_unit == {"西安市": (9, 2), "宝鸡市": (2, 1)}
    city = await get(client, settings, "learning", XIAN_ORGANISER)
    assert (city["courses"][0]["started"], city["courses"][0]["finished"]) == (2, 2)


async def test_overview_trends_split_the_last_30_days_from_the_30_before(
    client: httpx.AsyncClient, settings: Settings, services: Services, made: Province
) -> None:
    """Lessons done 3 and 45 days ago, and one 70 days ago that is in neither period."""
    async with services.db.session() as session:
        lessons = (await session.exec(select(Lesson.id).order_by(col(Lesson.id)))).all()
        for user_id, days in ((1005, 45), (1006, 45), (1010, 70)):
            done = utcnow() - timedelta(days=days)
            session.add(LessonProgress(user_id=user_id, lesson_id=lessons[1], completed_at=done))
        withdrawn = Proposal(
            title="撤回", author_id=1001, status="withdrawn", submitted_at=utcnow()
        )
        session.add(withdrawn)
    figures = {f["key"]: f for f in (await get(client, settings, "overview", ADMIN))["figures"]}
    lessons_figure = figures["lessons"]
    assert (lessons_figure["value"], lessons_figure["recent"], lessons_figure["previous"]) == (
        8,
        5,
        2,
    )
    assert figures["registered"]["recent"] == 12  # all 15 seen but the three who came 45 days ago
    assert figures["registered"]["previous"] == 3
    assert figures["proposals"]["value"] == 5
    mine = await get(client, settings, "overview", XIAN_ORGANISER)
    city = {f["key"]: f for f in mine["figures"]}
    assert (city["lessons"]["value"], city["lessons"]["previous"]) == (6, 2)
    states = (await get(client, settings, "overview", ADMIN))["proposals_by_status"]
    assert "draft" not in states
    assert (states["withdrawn"], states["accepted"], states["submitted"]) == (1, 1, 1)
