"""Who a help request is offered to: experts ranked by how well they fit, and finally the admins.

Non-rural requests rank by field, then skills named in the text, then region, then current
load; rural requests put the region first. Only available experts who can be reached (they
opened the bot) are ranked, and only those who match on something. A request written to one
expert from their card is offered to that expert alone first.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.network import ExpertProfile, HelpRequest, HelpStatus
from bot.models.users import Role, RoleGrant, User
from bot.services.network import regions
from bot.services.network.experts import split_skills


async def rank_experts(session: AsyncSession, request: HelpRequest, exclude: set[int]) -> list[int]:
    """Available experts by field and skills, then region, then load (rural: region first)."""
    load = dict(
        (
            await session.exec(
                select(HelpRequest.expert_id, func.count())
                .where(HelpRequest.status == HelpStatus.ACCEPTED.value)
                .group_by(col(HelpRequest.expert_id))
            )
        ).all()
    )
    rows = await session.exec(
        select(ExpertProfile)
        .join(User, col(User.id) == ExpertProfile.user_id)
        .where(col(ExpertProfile.available), col(User.is_active))
    )
    text = (request.text or "").lower()
    scored: list[tuple[tuple[int, ...], int]] = []
    eligible: set[int] = set()
    for profile in rows.all():
        if profile.user_id in exclude:
            continue
        eligible.add(profile.user_id)
        field = int(profile.field == request.field)
        skills = sum(1 for skill in split_skills(profile.skills) if skill.lower() in text)
        region = int(regions.same_place(profile.region, request.region))
        if request.rural:
            key = (region, field, skills, -load.get(profile.user_id, 0))
        else:
            key = (field, skills, region, -load.get(profile.user_id, 0))
        if field or skills or (request.rural and region):
            scored.append((key, profile.user_id))
    scored.sort(key=lambda item: (tuple(-k for k in item[0]), item[1]))
    ranked = [user_id for _, user_id in scored]
    preferred = request.preferred_expert_id
    if request.round == 1 and preferred in eligible:
        return [preferred]  # asked by name: that expert alone, others only if they pass
    return ranked


async def admins(session: AsyncSession, exclude: set[int]) -> list[int]:
    """Active admins not in ``exclude``: the last round of every request."""
    rows = await session.exec(
        select(RoleGrant.user_id)
        .join(User, col(User.id) == RoleGrant.user_id)
        .where(RoleGrant.role == Role.ADMIN.value, col(User.is_active))
        .order_by(col(RoleGrant.user_id))
    )
    return [user_id for user_id in rows.all() if user_id not in exclude]
