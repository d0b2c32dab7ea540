"""Moving everything that names one enterprise to another, inside the caller's transaction.

Rows are found from the tables' foreign keys, so a table added later that points at an
enterprise moves with the rest without being listed here. A row whose key would then clash
with a row the other enterprise already has (a team serving both) is the same fact twice and
is dropped. Audiences keep enterprise ids inside JSON, which no foreign key sees: those of
announcements, events and the admins' drafts are rewritten here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Column, Table, UniqueConstraint, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from bot.models.base import table
from bot.models.broadcasts import AnnouncementDraft, Broadcast
from bot.models.events import Event
from bot.models.users import Enterprise, User

PUSHES = "proposal"  # broadcasts of this kind go to named people, never to an enterprise


def references() -> Iterator[tuple[Table, Column[Any]]]:
    """Every column of every table that points at an enterprise."""
    target = table(Enterprise)
    for found in SQLModel.metadata.sorted_tables:
        for key in found.foreign_keys:
            if key.column.table is target:
                yield found, key.parent


def _keys(found: Table, column: Column[Any]) -> list[list[Column[Any]]]:
    """The other columns of each primary or unique key that ``column`` is part of."""
    groups = [list(found.primary_key.columns)]
    groups += [list(c.columns) for c in found.constraints if isinstance(c, UniqueConstraint)]
    groups += [list(index.columns) for index in found.indexes if index.unique]
    return [
        [c for c in group if c is not column] for group in groups if any(c is column for c in group)
    ]


async def move_rows(connection: AsyncConnection, *, source: int, target: int) -> int:
    """Point every row that names ``source`` at ``target``; how many people moved."""
    people = 0
    for found, column in references():
        for others in _keys(found, column):
            twin = found.alias()
            same = [twin.c[column.name] == target, *(twin.c[o.name] == o for o in others)]
            await connection.execute(delete(found).where(column == source, exists().where(*same)))
        moved = await connection.execute(
            update(found).where(column == source).values({column.name: target})
        )
        if found is table(User):
            people = moved.rowcount
    return people


def _swapped(ids: list[int], source: int, target: int) -> list[int] | None:
    """``ids`` with ``source`` replaced by ``target`` (once); ``None`` if it was not there."""
    if source not in ids:
        return None
    return list(dict.fromkeys(target if i == source else i for i in ids))


async def move_audiences(connection: AsyncConnection, *, source: int, target: int) -> None:
    """Rewrite the enterprise ids kept in audiences: broadcasts, events, announcement drafts."""
    for audiences in (table(Broadcast), table(Event)):
        query = select(audiences.c.id, audiences.c.audience)
        if audiences is table(Broadcast):
            query = query.where(audiences.c.kind != PUSHES)
        for row_id, audience in (await connection.execute(query)).all():
            ids = _swapped(list(audience.get("enterprise_ids") or ()), source, target)
            if ids is not None:
                changed = audience | {"enterprise_ids": ids}
                await connection.execute(
                    update(audiences).where(audiences.c.id == row_id).values(audience=changed)
                )
    drafts = table(AnnouncementDraft)
    for admin_id, chosen in (
        await connection.execute(select(drafts.c.admin_id, drafts.c.enterprise_ids))
    ).all():
        ids = _swapped(list(chosen or ()), source, target)
        if ids is not None:
            await connection.execute(
                update(drafts).where(drafts.c.admin_id == admin_id).values(enterprise_ids=ids)
            )
