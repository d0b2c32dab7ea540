"""The three onboarding questions (enterprise, department, occupation), also used to edit a profile.

The step a user is on is stored on the user row in the same transaction as their answer,
so a restart, or a crash right after the bot replied, resumes at the next question.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from bot.db import Database
from bot.models.users import OnboardingStep, User
from bot.services.core.enterprises import EnterpriseService

FIELD_MAX = 64
ORDER = [OnboardingStep.ENTERPRISE, OnboardingStep.DEPARTMENT, OnboardingStep.OCCUPATION]
EDIT_PREFIX = "edit_"
# The step of a user /start has not asked anything yet (never restored as a conversation).
NOT_STARTED = OnboardingStep.NEW.value


class InvalidAnswer(ValueError):
    """An answer the question cannot take; the question is asked again."""


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
            return await self._store(user_id, step=_next(step))
        return await self._store(user_id, step=_next(step), enterprise_id=enterprise_id)

    async def name_enterprise(self, *, user_id: int, name: str, step: str) -> str | None:
        """Record an enterprise typed in by name (created when new) and move on."""
        try:
            enterprise = await self._enterprises.named(name=name)
        except ValueError as exc:
            raise InvalidAnswer("enterprise") from exc
        return await self._store(user_id, step=_next(step), enterprise_id=enterprise.id)

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
        change = update(User).where(col(User.id) == user_id)
        async with self._db.statement() as connection:
            result = await connection.execute(change.values(onboarding_step=step, **values))
        if not result.rowcount:
            raise InvalidAnswer("user")
        return step
