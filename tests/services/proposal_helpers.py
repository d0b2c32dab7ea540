"""People and proposals for the proposal tests: a worker writes, reviewers decide."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.models.proposals import BenefitCategory
from bot.models.users import Role
from bot.services import Services
from bot.services.proposals.rules import Moved
from tests.conftest import make_settings

WORKER, OTHER, REVIEWER, CRAFTSMAN, ADMIN = 1001, 1002, 2001, 2002, 900001


@asynccontextmanager
async def cast(database_url: str) -> AsyncIterator[Services]:
    """Services on a fresh database with a worker, a colleague, two reviewers and an admin."""
    services = Services.build(make_settings(database_url, admin_ids=[ADMIN]))
    try:
        await person(services, WORKER, "王师傅", "zh", enterprise="宝鸡石油机械")
        await person(services, OTHER, "Li Wei", "en", enterprise="宝鸡石油机械")
        await person(services, REVIEWER, "张劳模", "zh", role=Role.MODEL_WORKER)
        await person(services, CRAFTSMAN, "Zhao the craftsman", "en", role=Role.CRAFTSMAN)
        await person(services, ADMIN, "Admin", "en", role=Role.ADMIN)
        yield services
    finally:
        await services.close()


async def person(
    services: Services,
    user_id: int,
    name: str,
    lang: str,
    *,
    enterprise: str | None = None,
    role: Role | None = None,
) -> None:
    """Someone who has talked to the bot, optionally working somewhere or holding a role."""
    await services.users.seen(user_id=user_id, name=name, language_code=lang)
    if enterprise:
        await services.onboarding.name_enterprise(
            user_id=user_id, name=enterprise, step="enterprise"
        )
    await services.onboarding.finish(user_id=user_id)
    if role:
        await services.users.grant(user_id=user_id, role=role)


async def write(
    services: Services,
    user_id: int = WORKER,
    *,
    title: str = "焊接工装快速定位",
    problem: str = "每次换型都要重新找正，浪费半小时",
    solution: str = "用定位销和快换夹具",
    anonymous: bool = False,
    place: str | None = None,
) -> None:
    """Answer every question of a draft, up to the preview."""
    drafts = services.proposal_drafts
    await drafts.start(user_id=user_id, place=place)
    for text in (title, problem, solution):
        await drafts.answer(user_id=user_id, text=text)
    await drafts.choose_benefit(user_id=user_id, category=BenefitCategory.EFFICIENCY)
    await drafts.answer(user_id=user_id, text="每班节省 30 分钟")
    await drafts.skip(user_id=user_id)
    await drafts.skip(user_id=user_id)
    if await services.proposals.studios():
        await drafts.skip(user_id=user_id)
    await drafts.choose_anonymous(user_id=user_id, anonymous=anonymous)


async def submit(services: Services, user_id: int = WORKER, **fields: object) -> Moved:
    """Write and submit a proposal."""
    await write(services, user_id, **fields)  # type: ignore[arg-type]
    return await services.proposal_drafts.submit(user_id=user_id)
