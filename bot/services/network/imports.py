"""Bulk import of experts, studios, enterprises and demonstration bases; and the matching exports.

Every row is checked before anything is written; one bad cell means a report of every problem
(row, column, what is wrong) and no change at all. A clean file is written in one transaction,
as upserts keyed by Telegram id or name, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import Database
from bot.models.network import DemoBase, ExpertProfile
from bot.models.organizations import OrgUnit, Studio, StudioMember
from bot.models.users import Enterprise, RoleGrant, User
from bot.services.core import normalize
from bot.services.network.exports import EXPORTS
from bot.services.network.import_rules import (
    KINDS,
    LEVELS,
    YES,
    Problem,
    check_rows,
    numbered,
    split_ids,
)


class _CheckOnly(Exception):
    """Raised to roll back a trial run after every row was written."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, or every problem that stopped it."""

    kind: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the file was clean (and, unless checked only, written)."""
        return not self.problems


class ImportService:
    """Validate and upsert tables of experts, studios, enterprises and bases; export them back."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def run(
        self, *, kind: str, header: list[str], rows: list[dict[str, str]], check_only: bool = False
    ) -> ImportResult:
        """Import a table in one transaction, or report every problem and change nothing."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        present = numbered(rows)
        problems = check_rows(kind, header, rows)
        if not problems:
            async with self._db.reader() as session:
                problems = await _check_references(session, kind, present)
        if problems:
            return ImportResult(kind, len(present), problems=tuple(problems))
        tally: Counter[str] = Counter()
        try:
            async with self._db.session() as session:
                for _, row in present:
                    tally[await UPSERTS[kind](session, row)] += 1
                    await session.flush()
                if check_only:
                    raise _CheckOnly
        except _CheckOnly:
            pass
        return ImportResult(
            kind, len(present), tally["created"], tally["updated"], tally["unchanged"]
        )

    async def export(self, *, kind: str) -> list[dict[str, str]]:
        """Every row of a kind in the import's own format, so an export imports back unchanged."""
        async with self._db.reader() as session:
            return await EXPORTS[kind](session)


async def _check_references(
    session: AsyncSession, kind: str, rows: list[tuple[int, dict[str, str]]]
) -> list[Problem]:
    """People a studio or base names must already be known to the bot; a province must be clear."""
    problems = []
    for number, row in rows:
        for column in ("leader_telegram_id", "members"):
            for part in split_ids(row.get(column, "")):
                if await session.get(User, int(part)) is None:
                    problems.append(Problem(number, column, f"no user with Telegram id {part}"))
        needs_root = kind == "enterprises" and not row.get("province") and any(_org_path(row))
        if needs_root and await _single_root(session) is None:
            problems.append(Problem(number, "province", "needed while no single province exists"))
    return problems


async def _single_root(session: AsyncSession) -> OrgUnit | None:
    roots = (await session.exec(select(OrgUnit).where(col(OrgUnit.parent_id).is_(None)))).all()
    return roots[0] if len(roots) == 1 else None


def _org_path(row: dict[str, str]) -> list[str]:
    return [row.get(level.value, "") for level in LEVELS]


def _changed(item: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    return changed


async def _enterprise(session: AsyncSession, name: str) -> Enterprise | None:
    if not name:
        return None
    name = normalize(name)
    found = (await session.exec(select(Enterprise).where(Enterprise.name == name))).first()
    if found is None:
        found = Enterprise(name=name)
        session.add(found)
        await session.flush()
    return found


async def _upsert_expert(session: AsyncSession, row: dict[str, str]) -> str:
    user_id = int(row["telegram_id"])
    enterprise = await _enterprise(session, row.get("enterprise", ""))
    user = await session.get(User, user_id)
    created = user is None
    if user is None:
        # not reachable until they open the bot themselves (Telegram refuses the first message)
        user = User(id=user_id, name=row["name"], is_active=False)
    changed = _changed(user, {"enterprise_id": enterprise.id if enterprise else user.enterprise_id})
    if user.name in (str(user_id), "") or created:
        changed |= _changed(user, {"name": row["name"]})
    session.add(user)
    await session.flush()
    if await session.get(RoleGrant, (user_id, row["role"])) is None:
        session.add(RoleGrant(user_id=user_id, role=row["role"]))
        changed = True
    profile = (
        await session.exec(select(ExpertProfile).where(ExpertProfile.user_id == user_id))
    ).first()
    if profile is None:
        profile, created = ExpertProfile(user_id=user_id, field=row["field"]), True
    values = {
        "field": row["field"],
        "honour": row.get("honour") or profile.honour,
        "skills": row.get("skills", ""),
        "region": row.get("region") or (enterprise.region if enterprise else None),
        "story": row.get("story") or None,
        "first_line": row.get("first_line", "yes").lower() in YES or not row.get("first_line"),
    }
    changed |= _changed(profile, values)
    session.add(profile)
    return "created" if created else "updated" if changed else "unchanged"


async def _upsert_studio(session: AsyncSession, row: dict[str, str]) -> str:
    name = normalize(row["name"])
    studio = (await session.exec(select(Studio).where(Studio.name == name))).first()
    created = studio is None
    if studio is None:
        studio = Studio(name=name)
    enterprise = await _enterprise(session, row.get("enterprise", ""))
    leader = int(row["leader_telegram_id"]) if row.get("leader_telegram_id") else studio.leader_id
    values = {
        "leader_id": leader,
        "enterprise_id": enterprise.id if enterprise else studio.enterprise_id,
        "field": row.get("field") or studio.field,
        "founded_on": date.fromisoformat(row["founded_on"])
        if row.get("founded_on")
        else studio.founded_on,
    }
    changed = _changed(studio, values)
    session.add(studio)
    await session.flush()
    people = [int(p) for p in split_ids(row.get("members", ""))]
    for user_id in dict.fromkeys([*([leader] if leader else []), *people]):
        if await session.get(StudioMember, (studio.id, user_id)) is None:
            session.add(StudioMember(studio_id=studio.id or 0, user_id=user_id))
            changed = True
    return "created" if created else "updated" if changed else "unchanged"


async def _unit(session: AsyncSession, row: dict[str, str]) -> int | None:
    path = _org_path(row)
    parent: int | None = None
    if not path[0] and any(path[1:]):
        root = await _single_root(session)
        parent = root.id if root else None
    for level, name in zip(LEVELS, path, strict=True):
        if not name:
            continue
        found = (
            await session.exec(
                select(OrgUnit).where(OrgUnit.parent_id == parent, OrgUnit.name == name)
            )
        ).first()
        if found is None:
            found = OrgUnit(name=name, level=level.value, parent_id=parent)
            session.add(found)
            await session.flush()
        parent = found.id
    return parent


async def _upsert_enterprise(session: AsyncSession, row: dict[str, str]) -> str:
    name = normalize(row["name"])
    enterprise = (await session.exec(select(Enterprise).where(Enterprise.name == name))).first()
    created = enterprise is None
    if enterprise is None:
        enterprise = Enterprise(name=name)
    unit = await _unit(session, row)
    values = {
        "region": row.get("region") or enterprise.region,
        "org_unit_id": unit if unit is not None else enterprise.org_unit_id,
    }
    changed = _changed(enterprise, values)
    session.add(enterprise)
    return "created" if created else "updated" if changed else "unchanged"


async def _upsert_base(session: AsyncSession, row: dict[str, str]) -> str:
    name = normalize(row["name"])
    base = (await session.exec(select(DemoBase).where(DemoBase.name == name))).first()
    created = base is None
    if base is None:
        base = DemoBase(name=name, region=row["region"])
    values = {
        "region": row["region"],
        "specialities": row.get("specialities", ""),
        "leader_id": int(row["leader_telegram_id"]) if row.get("leader_telegram_id") else None,
        "description": row.get("description") or None,
    }
    changed = _changed(base, values)
    session.add(base)
    return "created" if created else "updated" if changed else "unchanged"


UPSERTS: dict[str, Callable[[AsyncSession, dict[str, str]], Any]] = {
    "experts": _upsert_expert,
    "studios": _upsert_studio,
    "enterprises": _upsert_enterprise,
    "bases": _upsert_base,
}
