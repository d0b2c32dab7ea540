"""People for the proposal end-to-end tests, and a worker writing a proposal through the chat."""

from __future__ import annotations

from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.models import BotMessage
from bot.sandbox.users import SimUser
from bot.services import Services

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
OGG = b"OggS" + b"\x00" * 60
ENTERPRISE = "宝鸡石油机械有限责任公司"


async def person(
    emulator: Emulator,
    services: Services,
    name: str,
    *,
    lang: str = "zh",
    role: Role | None = None,
    enterprise: str | None = ENTERPRISE,
) -> SimUser:
    """Someone registered (onboarded, maybe holding a role) who opens the chat with /start."""
    user = emulator.user(name, lang=lang)
    await services.users.seen(user_id=user.id, name=name, language_code=lang)
    if enterprise:
        await services.onboarding.name_enterprise(
            user_id=user.id, name=enterprise, step="enterprise"
        )
    await services.onboarding.finish(user_id=user.id)
    if role:
        await services.users.grant(user_id=user.id, role=role)
    await user.send("/start")
    await user.reply()  # welcome back, with the menu
    return user


async def answer(user: SimUser, text: str, expect: str) -> None:
    """Send ``text`` and check that the next question contains ``expect``."""
    await user.send(text)
    question = await user.reply()
    assert expect in question.text, question.text


async def until(user: SimUser, text: str, *, within: int = 8) -> BotMessage:
    """Read the user's next messages until one contains ``text`` (photos and voice come first)."""
    seen = []
    for _ in range(within):
        message = await user.reply()
        if text in message.text:
            return message
        seen.append(message.text)
    raise AssertionError(f"{user.name} never got {text!r}; got {seen}")


def download(emulator: Emulator, message: BotMessage) -> bytes:
    """The bytes of a document the bot sent."""
    stored = emulator.files.get(message.document or "")
    assert stored is not None, message
    return stored.data
