"""The people of the sandbox: simulated Telegram users kept in step with the bot's database.

The people the database knows (the hundred seen most recently) become simulated users when the
sandbox starts, as their chats would exist in Telegram; the bot's notifications to them (a
reviewer's decision, an event reminder) then arrive in their chats instead of failing with
"chat not found".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

import handlers
from bot.context import services_of
from bot.models.users import Role, User
from bot.sandbox.users import SimUser
from handlers.commands import publish_for

if TYPE_CHECKING:
    from bot.app import App
    from bot.sandbox.emulator import Emulator
    from bot.services import Services

# Shown for a person holding several roles: the most privileged one.
ROLE_ORDER = (Role.ADMIN, Role.REVIEWER, Role.CRAFTSMAN, Role.MODEL_WORKER, Role.WORKER)
FIRST_ID = 7_100_000_001
RESTORED = 100


class People:
    """Simulated people and their roles, kept in step with the bot's database."""

    def __init__(self, emu: Emulator, app: App) -> None:
        self.emu, self.app = emu, app

    @property
    def services(self) -> Services:
        """The running bot's services."""
        return services_of(self.app)

    async def restore(self, *, limit: int = RESTORED) -> int:
        """Bring back the people most recently seen by the bot (up to ``limit``); how many."""
        async with self.services.db.reader() as session:
            rows = await session.exec(
                select(User.id, User.name, User.locale)
                .order_by(col(User.last_seen_at).desc())
                .limit(limit)
            )
            known = list(rows.all())
        for user_id, name, locale in reversed(known):
            if self.emu.user_by_id(user_id) is None:
                self.emu.user(name, locale, user_id=user_id).started = True
        return len(known)

    async def role(self, user_id: int) -> Role:
        """The role the page shows for this person."""
        held = await self.services.users.roles(user_id=user_id)
        return next(role for role in ROLE_ORDER if role in held)

    async def describe(self, user: SimUser) -> dict[str, Any]:
        """A person as the page lists them."""
        return {**user.to_json(), "role": (await self.role(user.id)).value}

    async def add(self, *, name: str, lang: str, role: Role, user_id: int | None) -> SimUser:
        """Create a person: a demo person by id, or someone new to the bot's database."""
        if user_id is None:
            user_id = await self._fresh_id()
        elif self.emu.user_by_id(user_id) is not None:
            raise ValueError(f"{user_id} is already in the sandbox")
        user = self.emu.user(name, lang, user_id=user_id)
        if role != Role.WORKER:
            await self.services.users.seen(user_id=user_id, name=name, language_code=lang)
        await self.set_role(user, role)
        return user

    async def _fresh_id(self) -> int:
        """An id neither in the sandbox nor in the database, so a new person starts from scratch."""
        candidate = max([FIRST_ID - 1, *(u.id for u in self.emu.users)]) + 1
        while await self.services.users.find(user_id=candidate) is not None:
            candidate += 1
        return candidate

    async def set_role(self, user: SimUser, role: Role) -> None:
        """Make ``role`` the person's only role and give their chat the matching command menu."""
        users = self.services.users
        for held in await users.roles(user_id=user.id):
            if held not in (role, Role.WORKER):
                await users.revoke(user_id=user.id, role=held)
        if role != Role.WORKER:
            await users.grant(user_id=user.id, role=role)
        found = await users.find(user_id=user.id)
        await publish_for(
            self.app,
            handlers.commands(),
            self.services.i18n,
            user_id=user.id,
            roles=await users.roles(user_id=user.id),
            locale=found.locale if found else self.services.settings.default_locale,
        )
        self.emu.publish({"type": "people_changed"})
