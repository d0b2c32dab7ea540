"""Every registered command answers, on an empty database and on the demo data, for every role.

A command nobody tried on an empty database is where a first user meets "something went
wrong"; this walks the whole list of commands as a plain worker and as an admin at once.
"""

from __future__ import annotations

import asyncio

import pytest

import handlers
from bot.sandbox import BotMessage, Emulator, SimUser
from bot.sandbox.demo import ORGANISER, PEOPLE, seed
from bot.services import Services
from tests.conftest import BotRunner
from tests.network_helpers import person

pytestmark = pytest.mark.slow

ADMIN_ID, WORKER_ID = 900001, 900002
SENTINEL = "可以使用的功能"  # the first line of /help


def _refusals(services: Services) -> dict[str, str]:
    """Texts no listed command may answer with, in both languages, by what they mean."""
    found = {}
    for locale in ("zh", "en"):
        t = services.i18n.translator(locale)
        found[t("errors.not_saved")] = "the error reply"
        found[t("fallback.unknown_command")] = "'no such command'"
    return found


def _problems(message: BotMessage, refusals: dict[str, str]) -> list[str]:
    """What is wrong with one message the bot sent."""
    found = [meaning for text, meaning in refusals.items() if text in message.text]
    markup = message.raw.get("reply_markup") or {}
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not rows or not all(rows):
            found.append(f"an empty inline keyboard {rows!r}")
    if not (message.text or message.photo or message.document or message.voice):
        found.append("an empty message")
    return found


async def _answers(user: SimUser, command: str) -> list[BotMessage]:
    """Everything the bot sent or edited in answer to ``command``.

    ``/help`` follows it: a user's updates are handled one after another, so whatever came
    before the help text answered the command, however long its work took.
    """
    await user.send(command)
    await user.send("/help")
    answers = [await user.reply(timeout=30)] if command == "/help" else []
    while SENTINEL not in (message := await user.reply(timeout=30)).text:
        answers.append(message)
    return answers


async def _each_answers(emulator: Emulator, user: SimUser, refusals: dict[str, str]) -> None:
    """Send every registered command (``/cancel`` after each) and check every answer.

    Someone without the role a command needs is told so: that is an answer too.
    """
    for name in [command.name for command in handlers.commands()]:
        answers = await _answers(user, f"/{name}")
        assert answers, f"/{name} as {user.name}: no answer"
        problems = [p for message in answers for p in _problems(message, refusals)]
        assert not problems, f"/{name} as {user.name}: {problems}"
        assert emulator.violations == [], f"/{name} as {user.name}: {emulator.violations}"
        await _answers(user, "/cancel")


async def _registered(emulator: Emulator, services: Services, user_id: int, name: str) -> SimUser:
    """Someone who registered earlier: known to the bot and with a chat that exists."""
    await person(services, user_id, name)
    user = emulator.user(name, "zh", user_id=user_id)
    user.started = True
    return user


async def test_every_command_answers_on_an_empty_database(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """On a database holding only themselves, a worker and an admin get every command answered."""
    worker = await _registered(emulator, services, WORKER_ID, "王师傅")
    admin = await _registered(emulator, services, ADMIN_ID, "管理员")  # ENGAGE_ADMIN_IDS
    refusals = _refusals(services)
    await asyncio.gather(*(_each_answers(emulator, u, refusals) for u in (worker, admin)))


async def test_every_command_answers_on_the_demo_data(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """After ``engage demo seed``, a demo worker and the demo admin get each command answered."""
    await seed(services)
    for cast in PEOPLE:
        emulator.user(cast.name, cast.lang, user_id=cast.id).started = True
    users = [emulator.user_by_id(cast.id) for cast in (PEOPLE[0], ORGANISER)]
    refusals = _refusals(services)
    await asyncio.gather(*(_each_answers(emulator, u, refusals) for u in users if u))
    assert all(users)
