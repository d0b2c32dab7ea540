"""People, enterprises and studios of the network fixture (tests/fixtures/network_*.csv)."""

from __future__ import annotations

from pathlib import Path

from bot.models.users import Role
from bot.sandbox import Emulator, SimUser
from bot.services import Services
from bot.services.core.tables import read_table

FIXTURES = Path(__file__).parent / "fixtures"
KINDS = ("enterprises", "experts", "studios", "bases")


async def load_network(services: Services) -> None:
    """Import the fixture's enterprises, experts, studios and bases."""
    for kind in KINDS:
        header, rows = read_table(FIXTURES / f"network_{kind}.csv")
        result = await services.network.imports.run(kind=kind, header=header, rows=rows)
        assert result.ok, result.problems


async def person(
    services: Services, user_id: int, name: str, *, locale: str = "zh", admin: bool = False
) -> int:
    """A worker who has talked to the bot and finished onboarding."""
    await services.users.seen(user_id=user_id, name=name, language_code=locale)
    await services.onboarding.finish(user_id=user_id)
    if admin:
        await services.users.grant(user_id=user_id, role=Role.ADMIN)
    return user_id


async def expert(
    services: Services,
    user_id: int,
    name: str,
    *,
    field: str,
    skills: str = "",
    region: str | None = None,
    locale: str = "zh",
) -> int:
    """A model worker with a directory profile."""
    await person(services, user_id, name, locale=locale)
    await services.users.grant(user_id=user_id, role=Role.MODEL_WORKER)
    await services.network.experts.save(user_id=user_id, field=field, skills=skills, region=region)
    return user_id


async def started(
    emulator: Emulator,
    name: str,
    *,
    lang: str = "zh",
    user_id: int | None = None,
    username: str | None = None,
) -> SimUser:
    """Someone who opened the bot and stopped the onboarding questions."""
    user = emulator.user(name, lang=lang, user_id=user_id, username=username)
    await user.send("/start")
    question = await user.reply()
    while not any(
        (data or "").startswith("onb:skip") for row in question.buttons for _, data in row
    ):
        question = await user.reply()
    await user.send("/cancel")
    await user.reply()
    return user
