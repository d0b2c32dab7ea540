"""The bot asks Telegram for every kind of update a registered handler takes."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
)

from bot.app import build_application
from bot.config import load_settings
from bot.edge.updates import ALLOWED_UPDATES
from handlers import dispatch, flows

MESSAGES = {"message", "edited_message"}


def _kinds(handler: BaseHandler[Any, Any, Any]) -> set[str]:
    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks]
        inner += [h for state in handler.states.values() for h in state]
        return set().union(*(_kinds(h) for h in inner))
    if isinstance(handler, CommandHandler | MessageHandler):
        return MESSAGES
    if isinstance(handler, CallbackQueryHandler):
        return {"callback_query"}
    if isinstance(handler, ChatMemberHandler):
        assert handler.chat_member_types == ChatMemberHandler.MY_CHAT_MEMBER
        return {"my_chat_member"}
    if isinstance(handler, dispatch.Dispatch):  # the features' handlers, looked up
        return set().union(*(_kinds(h) for h in handler.handlers))
    if isinstance(handler, flows.Leave):  # ends flows: needs what their leaving handlers need
        return set().union(*(_kinds(flow.leaving) for flow in handler.flows))
    if isinstance(handler, TypeHandler):
        assert handler.type is Update  # sees whatever arrives, needs nothing of its own
        return set()
    raise AssertionError(f"{type(handler).__name__}: say which updates it needs")


def test_allowed_updates_cover_every_handler(tmp_path: Any) -> None:
    """Each handler's kinds of update are asked for, and nothing is asked for that none takes."""
    settings = load_settings(
        bot_token="1:" + "a" * 35, database_url=f"sqlite+aiosqlite:///{tmp_path}/u.db"
    )
    app = build_application(settings)
    needed = set().union(*(_kinds(h) for group in app.handlers.values() for h in group))
    assert needed == set(ALLOWED_UPDATES)
