"""The three onboarding questions (enterprise, department, occupation), also used to edit a profile.

The step a user is on is stored on the user row in the same transaction as their answer,
so a restart, or a crash right after the bot replied, resumes at the next question.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Update, bindparam, update
from sqlmodel import col, select

from bot.db import Database
from bot.models.users import OnboardingStep, User
from bot.services.core.enterprises import (
    NAME_MAX,
    NAME_MIN,
    EnterpriseService,
    EnterpriseView,
    exact_of,
    normalize,
)

FIELD_MAX = 64
ORDER = [OnboardingStep.ENTERPRISE, OnboardingStep.DEPARTMENT, OnboardingStep.OCCUPATION]
EDIT_PREFIX = "edit_"
# The step of a user /start has not asked anything yet (never restored as a conversation).
NOT_STARTED = OnboardingStep.NEW.value


class InvalidAnswer(ValueError):
    """An answer the question cannot take; the question is asked again."""


@dataclass(frozen=True, slots=True)
class EnterpriseLookup:
    """What a typed enterprise name found: the one it names exactly, or those it resembles."""

    name: str
    picked: EnterpriseView | None
    similar: list[EnterpriseView]
    next_step: str | None


def _next(step: str) -> str | None:
    if step.startswith(EDIT_PREFIX):
        return None
    index = ORDER.index(OnboardingStep(step))
    return ORDER[index + 1].value if index + 1 < len(ORDER) else None


def field_of(step: str) -> OnboardingStep:
    """The profile field a step asks about."""
    return OnboardingStep(step.removeprefix(EDIT_PREFIX))


class OnboardingService:
    """Ask, record and advance; skipping is always allowed."""

    def __init__(self, db: Database, enterprises: EnterpriseService) -> None:
        self._db = db
        self._enterprises = enterprises

    async def pending(self) -> dict[int, str]:
        """Users in the middle of onboarding or an edit, with the step each is on."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(User.id, User.onboarding_step).where(
                    col(User.onboarding_step).is_not(None),
                    col(User.onboarding_step) != OnboardingStep.NEW,
                )
            )
            return {user_id: step for user_id, step in rows.all() if step}

    async def step(self, *, user_id: int) -> str | None:
        """The question this user is on, if any."""
        async with self._db.reader() as session:
            user = await session.get(User, user_id)
            return user.onboarding_step if user else None

    async def begin(self, *, user_id: int, step: str = OnboardingStep.ENTERPRISE) -> str:
        """Start onboarding (or an edit of one field) at ``step``."""
        await self._store(user_id, step=step)
        return step

    async def finish(self, *, user_id: int) -> None:
        """Stop asking; answers given so far stay."""
        await self._store(user_id, step=None)

    async def choose_enterprise(
        self, *, user_id: int, enterprise_id: int | None, step: str
    ) -> str | None:
        """Record a picked enterprise (``None`` skips, keeping any earlier one) and move on."""
        if (
            enterprise_id is not None
            and await self._enterprises.find(enterprise_id=enterprise_id) is None
        ):
            raise InvalidAnswer("enterprise")
        if enterprise_id is None:
            return await self._store(user_id, step=_next(step), enterprise_draft=None)
        return await self._store(
            user_id, step=_next(step), enterprise_id=enterprise_id, enterprise_draft=None
        )

    async def look_up_enterprise(self, *, user_id: int, text: str, step: str) -> EnterpriseLookup:
        """Pick the enterprise ``text`` names exactly; otherwise keep it and list similar ones."""
        name = normalize(text)
        if not NAME_MIN <= len(name) <= NAME_MAX:
            raise InvalidAnswer("enterprise")
        similar = await self._enterprises.search(text=name)
        exact = exact_of(name, similar)  # one read of the names for both questions
        if exact:
            next_step = await self.choose_enterprise(
                user_id=user_id, enterprise_id=exact.id, step=step
            )
            return EnterpriseLookup(name, exact, [], next_step)
        await self._store(user_id, step=step, enterprise_draft=name)
        return EnterpriseLookup(name, None, similar, step)

    async def confirm_enterprise(self, *, user_id: int, step: str) -> tuple[str, str | None]:
        """Add the name the user typed as a new (unverified) enterprise, and move on."""
        async with self._db.reader() as session:
            user = await session.get(User, user_id)
            draft = user.enterprise_draft if user else None
        if not draft:
            raise InvalidAnswer("enterprise")
        next_step = await self.name_enterprise(
            user_id=user_id, name=draft, step=step, verified=False
        )
        return draft, next_step

    async def name_enterprise(
        self, *, user_id: int, name: str, step: str, verified: bool = True
    ) -> str | None:
        """Record an enterprise by name (created when new: unverified if a user added it)."""
        try:
            enterprise = await self._enterprises.named(name=name, verified=verified)
        except ValueError as exc:
            raise InvalidAnswer("enterprise") from exc
        return await self._store(
            user_id, step=_next(step), enterprise_id=enterprise.id, enterprise_draft=None
        )

    async def answer(self, *, user_id: int, step: str, text: str | None) -> str | None:
        """Record a department or occupation (``None`` skips, keeping an earlier one); move on."""
        if text is None:
            return await self._store(user_id, step=_next(step))
        value = " ".join(text.split())
        if not 1 <= len(value) <= FIELD_MAX:
            raise InvalidAnswer(field_of(step).value)
        return await self._store(user_id, step=_next(step), **{field_of(step).value: value})

    async def _store(self, user_id: int, *, step: str | None, **values: object) -> str | None:
        """Record answers and the step in one UPDATE."""
        given = {"onboarding_step": step, **values}
        async with self._db.statement() as connection:
            result = await connection.execute(
                _storing(frozenset(given)), {"b_user_id": user_id} | _bound(given)
            )
        if not result.rowcount:
            raise InvalidAnswer("user")
        return step


@functools.lru_cache(maxsize=32)
def _storing(columns: frozenset[str]) -> Update:
    """The UPDATE of these columns of one user, built once per set of columns."""
    values: dict[str, Any] = {name: bindparam(f"b_{name}") for name in sorted(columns)}
    return update(User).where(col(User.id) == bindparam("b_user_id")).values(values)


def _bound(values: dict[str, object]) -> dict[str, Any]:
    return {f"b_{name}": value for name, value in values.items()}
