"""A baseline of ``bench/updates.py``: aiogram 3's bare echo bot, answering like this bot.

It runs in a process and a virtual environment of its own (aiogram pins its own aiohttp;
``bench/common.py`` ``aiogram_python`` builds the environment), against the same emulator
child as the other bots. Like ``bench/echo.py``, it answers each user's n-th update with as
many messages (each with one button) as this bot sent for the n-th step of the script; a press
is answered and its message edited, then any further messages follow. It is written the way
aiogram's own echo example is: a ``Dispatcher`` with two handlers, long polling, defaults.

    <aiogram venv>/bin/python bench/aiogram_echo.py URL TOKEN COUNTS_JSON

Prints ``ready`` once polling has started; stops when its stdin closes and prints its CPU
seconds as one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="▶", callback_data="echo")]]
)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(url: str, token: str, counts: list[int]) -> None:
    steps: dict[int, int] = {}

    def count(user_id: int) -> int:
        step = steps.get(user_id, 0)
        steps[user_id] = step + 1
        return counts[step % len(counts)]

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
    dispatcher = Dispatcher()

    @dispatcher.message(F.text)
    async def text(message: Message) -> None:
        assert message.from_user is not None
        for _ in range(count(message.from_user.id)):
            await message.answer(message.text or "…", reply_markup=KEYBOARD)

    @dispatcher.callback_query()
    async def press(query: CallbackQuery) -> None:
        await query.answer()
        n = count(query.from_user.id)
        message = query.message
        assert isinstance(message, Message)
        if n:
            await message.edit_text(f"✓ {message.message_id}")
        for _ in range(n - 1):
            await message.answer("✓", reply_markup=KEYBOARD)

    started: list[float] = []

    async def ready() -> None:
        started.append(cpu_seconds())  # start-up (imports, the session) is not the bot's work
        print("ready", flush=True)

    dispatcher.startup.register(ready)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, polling_timeout=5, handle_signals=False)
    )
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await dispatcher.stop_polling()
    await polling
    await bot.session.close()
    print(json.dumps({"cpu": cpu_seconds() - started[0]}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
