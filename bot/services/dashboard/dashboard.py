"""The dashboard's one service: a viewer's scope, then each page's figures inside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.db import Database
from bot.services.dashboard import activity as teams
from bot.services.dashboard import coverage as studios
from bot.services.dashboard import learning as courses
from bot.services.dashboard import overview as glance
from bot.services.dashboard import proposals as ideas
from bot.services.dashboard.activity import Activity30
from bot.services.dashboard.common import Window
from bot.services.dashboard.coverage import CoverageLevel
from bot.services.dashboard.learning import LearningReport
from bot.services.dashboard.overview import Overview
from bot.services.dashboard.proposals import PAGE, Cells, Funnel, ProposalDetail, ProposalLine
from bot.services.dashboard.scopes import Area, Scope, ScopeService, resolve
from bot.services.network.orgtree import OrgTree

T = TypeVar("T")


class DashboardService:
    """Figures for the Mini App and its exports, always inside the viewer's scope."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.scopes = ScopeService(db)

    async def scope(self, *, user_id: int) -> Scope:
        """The viewer's scope; :class:`~bot.services.dashboard.scopes.NotAllowed` for a worker."""
        return await self.scopes.of(user_id=user_id)

    async def overview(self, *, scope: Scope) -> Overview:
        """People, lessons, proposals, events and must-read acknowledgements, with trends."""
        async with self._db.reader() as session:
            area = await self._area(session, scope)
            return await glance.overview(session, area, Window(utcnow()))

    async def coverage(self, *, scope: Scope, unit_id: int | None = None) -> CoverageLevel:
        """Studio coverage at one unit of the scope, its children and its enterprises."""
        async with self._db.reader() as session:
            area = await self._area(session, scope)
            return await studios.coverage(session, area, unit_id)

    async def activity(self, *, scope: Scope) -> Activity30:
        """Service teams and pairings, the quiet ones first."""
        async with self._db.reader() as session:
            area = await self._area(session, scope)
            return await teams.activity(session, area, Window(utcnow()))

    async def funnel(self, *, scope: Scope) -> Funnel:
        """The proposals funnel, decision times and the oldest waiting."""
        async with self._db.reader() as session:
            area = await self._area(session, scope)
            return await ideas.funnel(session, area, Window(utcnow()))

    async def proposals(
        self,
        *,
        scope: Scope,
        unit_id: int | None = None,
        statuses: tuple[str, ...] | None = None,
        offset: int = 0,
        limit: int = PAGE,
    ) -> tuple[ProposalLine, ...]:
        """Submitted proposals, filtered by unit and state, newest first."""
        async with self._db.reader() as session:
            area = await self._area(session, scope)
            return await ideas.listing(
                session,
                area,
                Window(utcnow()),
                unit_id=unit_id,
                statuses=statuses,
                offset=offset,
                limit=limit,
            )

    async def proposal_table(
        self,
        *,
        scope: Scope,
        each: Callable[[Cells], T],
        unit_id: int | None = None,
        statuses: tuple[str, ...] | None = None,
        limit: int = PAGE,
    ) -> list[T]:
        """The same proposals as :meth:`proposals`, each line turned by ``each`` as it is read."""
        async with self._db.reader() as session:
            area = await self._area(session, scope)
            return await ideas.table(
                session,
                area,
                Window(utcnow()),
                each,
                unit_id=unit_id,
                statuses=statuses,
                limit=limit,
            )

    async def proposal(self, *, scope: Scope, proposal_id: int) -> ProposalDetail | None:
        """One proposal opened, if it lies inside the scope."""
        async with self._db.reader() as session:
            area = await self._area(session, scope)
            return await ideas.detail(session, area, Window(utcnow()), proposal_id)

    async def learning(
        self, *, scope: Scope, course_id: int | None = None, unit_id: int | None = None
    ) -> LearningReport:
        """Completion by course, and of one course by unit."""
        async with self._db.reader() as session:
            area = await self._area(session, scope)
            return await courses.learning(session, area, course_id=course_id, unit_id=unit_id)

    async def label(self, *, scope: Scope) -> str | None:
        """The scope's name (``陕西省 / 西安市``), None for everything."""
        return await self.scopes.label(scope)

    async def _area(self, session: AsyncSession, scope: Scope) -> Area:
        return await resolve(session, await OrgTree.load(session), scope)
