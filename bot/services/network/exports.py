"""Experts, studios, enterprises and bases written out in the import's own columns.

An export imports back unchanged, so staff can download a table, correct it and load it again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.network import DemoBase, ExpertProfile
from bot.models.organizations import OrgUnit, Studio, StudioMember
from bot.models.users import Enterprise, Role, RoleGrant, User
from bot.services.network.import_rules import EXPERT_ROLES, LEVELS


async def _export_experts(session: AsyncSession) -> list[dict[str, str]]:
    rows = await session.exec(
        select(ExpertProfile, User, Enterprise.name)
        .join(User, col(User.id) == ExpertProfile.user_id)
        .join(Enterprise, col(Enterprise.id) == User.enterprise_id, isouter=True)
        .order_by(col(ExpertProfile.id))
    )
    out = []
    for profile, user, enterprise in rows.all():
        roles = (
            await session.exec(select(RoleGrant.role).where(RoleGrant.user_id == user.id))
        ).all()
        role = next((r for r in EXPERT_ROLES if r in roles), Role.MODEL_WORKER.value)
        out.append(
            {
                "telegram_id": str(user.id),
                "name": user.name,
                "role": role,
                "honour": profile.honour,
                "field": profile.field,
                "skills": profile.skills,
                "enterprise": enterprise or "",
                "region": profile.region or "",
                "story": profile.story or "",
                "first_line": "yes" if profile.first_line else "no",
            }
        )
    return out


async def _export_studios(session: AsyncSession) -> list[dict[str, str]]:
    rows = await session.exec(
        select(Studio, Enterprise.name)
        .join(Enterprise, col(Enterprise.id) == Studio.enterprise_id, isouter=True)
        .order_by(col(Studio.name))
    )
    out = []
    for studio, enterprise in rows.all():
        members = (
            await session.exec(
                select(StudioMember.user_id)
                .where(StudioMember.studio_id == studio.id)
                .order_by(col(StudioMember.user_id))
            )
        ).all()
        out.append(
            {
                "name": studio.name,
                "leader_telegram_id": str(studio.leader_id or ""),
                "enterprise": enterprise or "",
                "field": studio.field or "",
                "founded_on": studio.founded_on.isoformat() if studio.founded_on else "",
                "members": ";".join(str(m) for m in members),
            }
        )
    return out


async def _export_enterprises(session: AsyncSession) -> list[dict[str, str]]:
    units = {u.id: u for u in (await session.exec(select(OrgUnit))).all()}
    out = []
    for enterprise in (await session.exec(select(Enterprise).order_by(col(Enterprise.name)))).all():
        row = {"name": enterprise.name, "region": enterprise.region or ""}
        row |= {level.value: "" for level in LEVELS}
        current = units.get(enterprise.org_unit_id)
        while current is not None:
            row[current.level] = current.name
            current = units.get(current.parent_id)
        out.append(row)
    return out


async def _export_bases(session: AsyncSession) -> list[dict[str, str]]:
    rows = await session.exec(select(DemoBase).order_by(col(DemoBase.name)))
    return [
        {
            "name": b.name,
            "region": b.region,
            "specialities": b.specialities,
            "leader_telegram_id": str(b.leader_id or ""),
            "description": b.description or "",
        }
        for b in rows.all()
    ]


EXPORTS: dict[str, Callable[[AsyncSession], Awaitable[list[dict[str, str]]]]] = {
    "experts": _export_experts,
    "studios": _export_studios,
    "enterprises": _export_enterprises,
    "bases": _export_bases,
}
