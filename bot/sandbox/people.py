"""The people of the sandbox: simulated Telegram users kept in step with the bot's database.

The people who have talked to the bot (the hundred seen most recently) become simulated users
when the sandbox starts, as their chats would exist in Telegram; the bot's notifications to them
(a reviewer's decision, an event reminder) then arrive in their chats instead of failing with
"chat not found". The database is looked at again every few seconds while the sandbox runs,
so people added by another process (``engage demo seed``) join the running page.
Someone the database knows only from a roster or a role grant has no chat yet, as in Telegram.
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
ROLE_ORDER = (
    Role.ADMIN,
    Role.REVIEWER,
    Role.ORGANISER,
    Role.CRAFTSMAN,
    Role.MODEL_WORKER,
    Role.WORKER,
)
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

    async def restore(self, *, limit: int = RESTORED, running: bool = False) -> int:
        """Give a chat to everyone seen by the bot who has none yet (up to ``limit``); how many.

        While the bot runs (``running``), newcomers get the command menus of their roles and
        the page is told, so they appear without a reload.
        """
        async with self.services.db.reader() as session:
            rows = await session.exec(
                select(User.id, User.name, User.locale, User.username)
                .where(col(User.last_seen_at).is_not(None))
                .order_by(col(User.last_seen_at).desc())
                .limit(limit)
            )
            known = list(rows.all())
        new = [row for row in reversed(known) if self.emu.user_by_id(row[0]) is None]
        for user_id, name, locale, username in new:  # no await in between: a look running
            sim = self.emu.user(name, locale, user_id=user_id, username=username)  # alongside
            sim.started = True  # sees them all
        if new and running:
            for user_id, _, locale, _ in new:
                await self._publish_menu(user_id, locale)
            self.emu.publish({"type": "people_changed"})
        return len(new)

    async def role(self, user_id: int) -> Role:
        """The role the page shows for this person."""
        held = await self.services.users.roles(user_id=user_id)
        return next(role for role in ROLE_ORDER if role in held)

    async def describe(self, user: SimUser) -> dict[str, Any]:
        """A person as the page lists them: their role, and the language the bot speaks to them."""
        found = await self.services.users.find(user_id=user.id)
        chosen = found.locale if found is not None and found.is_active else user.lang
        locale = "en" if (chosen or "").startswith("en") else "zh"
        return {**user.to_json(), "role": (await self.role(user.id)).value, "locale": locale}

    async def add(
        self,
        *,
        name: str,
        lang: str,
        role: Role,
        user_id: int | None,
        username: str | None = None,
    ) -> SimUser:
        """Create a person: a demo person by id, or someone new to the bot's database."""
        if user_id is None:
            user_id = await self._fresh_id()
        elif self.emu.user_by_id(user_id) is not None:
            raise ValueError(f"{user_id} is already in the sandbox")
        if username and any((u.username or "").lower() == username.lower() for u in self.emu.users):
            raise ValueError(f"@{username} is already someone's username")
        user = self.emu.user(name, lang, user_id=user_id, username=username)
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
            # Someone new is only a placeholder until they press START: nothing is sent to
            # a chat that does not exist yet, as with a role granted to an id in Telegram.
            await users.grant(user_id=user.id, role=role)
        found = await users.find(user_id=user.id)
        locale = found.locale if found and found.is_active else user.lang or ""
        await self._publish_menu(user.id, locale)
        self.emu.publish({"type": "people_changed"})

    async def _publish_menu(self, user_id: int, locale: str) -> None:
        """The command menu of the person's roles, in their language."""
        await publish_for(
            self.app,
            handlers.commands(),
            self.services.i18n,
            user_id=user_id,
            roles=await self.services.users.roles(user_id=user_id),
            locale="en" if locale.startswith("en") else "zh",
        )
