"""A small province written row by row, and signed initData, for the dashboard's tests.

陕西省 ─ 西安市 ─ 雁塔区 ─ 甲厂 (4 first-line experts, 3 in a studio: 75 %, below 80 %)
       │        └ 乙厂 (5, all 5 in a studio: 100 %)
       └ 宝鸡市 ─ 丙厂 (2, none in a studio: 0 %)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import init_data_py
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Settings
from bot.models.learning import Course, Lesson, LessonProgress
from bot.models.network import ExpertProfile
from bot.models.organizations import OrgUnit, Studio, StudioMember
from bot.models.proposals import Proposal
from bot.models.users import Enterprise, Role, RoleGrant, User
from bot.services import Services

ADMIN, XIAN_ORGANISER, WORKER, FACTORY_ORGANISER = 900001, 800001, 800002, 800003


@dataclass
class Province:
    """Ids of what :func:`province` wrote."""

    units: dict[str, int] = field(default_factory=dict)
    enterprises: dict[str, int] = field(default_factory=dict)
    proposals: dict[str, int] = field(default_factory=dict)
    courses: dict[str, int] = field(default_factory=dict)


def sign(token: str, user_id: int, *, lang: str = "zh", at: datetime | None = None) -> str:
    """InitData as Telegram would sign it for ``user_id`` with the bot ``token``."""
    user = json.dumps({"id": user_id, "first_name": "测试", "language_code": lang})
    return init_data_py.sign({"user": user, "query_id": "AAH"}, token, auth_date=at or utcnow())


def auth(settings: Settings, user_id: int, **kwargs: object) -> dict[str, str]:
    """The header the page sends."""
    return {"Authorization": "tma " + sign(settings.token or "", user_id, **kwargs)}  # type: ignore[arg-type]


async def get(client: httpx.AsyncClient, settings: Settings, path: str, user_id: int) -> dict:  # type: ignore[type-arg]
    """One API call's JSON answer, which must be a 200."""
    response = await client.get(f"/dashboard/api/{path}", headers=auth(settings, user_id))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def province(services: Services) -> Province:
    """Write the tree, enterprises, people, studios, proposals and lessons described above."""
    made = Province()
    now = utcnow()
    async with services.db.session() as session:
        tree = [
            ("陕西省", "province", None),
            ("西安市", "city", "陕西省"),
            ("宝鸡市", "city", "陕西省"),
        ]
        tree += [("雁塔区", "county", "西安市")]
        for name, level, parent in tree:
            unit = OrgUnit(name=name, level=level, parent_id=made.units.get(parent or ""))
            session.add(unit)
            await session.flush()
            made.units[name] = unit.id or 0
        for name, unit_name in (("甲厂", "雁塔区"), ("乙厂", "雁塔区"), ("丙厂", "宝鸡市")):
            enterprise = Enterprise(name=name, org_unit_id=made.units[unit_name])
            session.add(enterprise)
            await session.flush()
            made.enterprises[name] = enterprise.id or 0
        people = {"甲厂": (4, 3), "乙厂": (5, 5), "丙厂": (2, 0)}
        uid = 1000
        members: list[int] = []
        for name, (count, covered) in people.items():
            for index in range(count):
                uid += 1
                session.add(
                    User(
                        id=uid,
                        name=f"{name}{index}",
                        enterprise_id=made.enterprises[name],
                        last_seen_at=now - timedelta(days=40 if index == 0 else 1),
                        created_at=now - timedelta(days=45 if index == 0 else 10),
                    )
                )
                await session.flush()
                session.add(ExpertProfile(user_id=uid, field="welding"))
                if index < covered:
                    members.append(uid)
        staff = ((ADMIN, "管理员"), (XIAN_ORGANISER, "西安组织者"), (WORKER, "工人"))
        for user_id, name in (*staff, (FACTORY_ORGANISER, "甲厂组织者")):
            if await session.get(User, user_id) is None:  # the bot may have made the admin
                session.add(User(id=user_id, name=name, last_seen_at=now))
        await session.flush()
        if await session.get(RoleGrant, (ADMIN, Role.ADMIN.value)) is None:
            session.add(RoleGrant(user_id=ADMIN, role=Role.ADMIN.value))
        studio = Studio(name="焊接工作室", enterprise_id=made.enterprises["甲厂"])
        session.add(studio)
        await session.flush()
        for member in members:
            session.add(StudioMember(studio_id=studio.id or 0, user_id=member))
        await _proposals(session, made, now)
        await _lessons(session, made, now)
    await services.dashboard.scopes.assign(user_id=XIAN_ORGANISER, unit_id=made.units["西安市"])
    await services.dashboard.scopes.assign(
        user_id=FACTORY_ORGANISER, enterprise_id=made.enterprises["甲厂"]
    )
    return made


async def _proposals(session: AsyncSession, made: Province, now: datetime) -> None:
    """甲厂: accepted after 2 days, rejected after 10, one waiting 20 days; 丙厂: one waiting 5."""
    rows = [
        ("快换焊枪", "甲厂", "accepted", 30, 2),
        ("减少返工", "甲厂", "rejected", 25, 10),
        ("节能照明", "甲厂", "submitted", 20, None),
        ("安全通道", "丙厂", "under_review", 5, None),
        ("草稿", "甲厂", "draft", None, None),
    ]
    for seq, (title, firm, status, ago, took) in enumerate(rows, start=1):
        submitted = now - timedelta(days=ago) if ago is not None else None
        decided = submitted + timedelta(days=took) if submitted and took else None
        proposal = Proposal(
            title=title,
            author_id=1001,
            enterprise_id=made.enterprises[firm],
            status=status,
            submitted_at=submitted,
            decided_at=decided,
            year=2026 if submitted else None,
            seq=seq if submitted else None,
            problem="问题",
            solution="办法",
        )
        session.add(proposal)
        await session.flush()
        made.proposals[title] = proposal.id or 0


async def _lessons(session: AsyncSession, made: Province, now: datetime) -> None:
    """A two-lesson safety course: 甲厂's first two people finish it, 丙厂's first starts it."""
    course = Course(
        slug="safety",
        position=1,
        theme="safety",
        audience="all",
        title_zh="安全生产",
        title_en="Safety",
        description_zh="",
        description_en="",
        content_hash="x",
    )
    session.add(course)
    await session.flush()
    made.courses["safety"] = course.id or 0
    lessons = []
    for position in (1, 2):
        lesson = Lesson(
            course_id=course.id or 0,
            key=f"l{position}",
            position=position,
            title_zh="课",
            title_en="Lesson",
            body_zh="",
            body_en="",
            content_hash="x",
        )
        session.add(lesson)
        await session.flush()
        lessons.append(lesson.id or 0)
    done = now - timedelta(days=3)
    for user_id in (1001, 1002):  # 甲厂
        for lesson_id in lessons:
            session.add(LessonProgress(user_id=user_id, lesson_id=lesson_id, completed_at=done))
    session.add(LessonProgress(user_id=1010, lesson_id=lessons[0], completed_at=done))
