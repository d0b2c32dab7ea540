"""Conversation states rebuilt from the database after a restart.

Each multi-step feature stores the step a user is on in its own rows (the user's onboarding
step, a proposal draft's step…), in the same transaction as the answer to the previous step.
This persistence only reads those rows when the bot starts; PTB's periodic writes are not
needed, so a ``kill -9`` right after a reply loses nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

Restorer = Callable[[], Awaitable[dict[ConversationKey, object]]]


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Serves PTB's ``get_conversations`` from per-feature restorers; stores nothing itself."""

    def __init__(self, restorers: dict[str, Restorer] | None = None) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=3600,
        )
        self.restorers: dict[str, Restorer] = dict(restorers or {})

    async def get_conversations(self, name: str) -> ConversationDict:
        """The states of conversation ``name``, read from the feature's own rows."""
        restorer = self.restorers.get(name)
        return dict(await restorer()) if restorer else {}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Nothing to do: the step was written with the answer, by the feature's service."""

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        """Not stored: scratch data is lost on restart by design."""
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        """Not stored."""
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        """Not stored."""
        return {}

    async def get_callback_data(self) -> None:
        """Not stored: callback data are short strings, valid across restarts."""
        return

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        """Not stored."""

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """Not stored."""

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Not stored."""

    async def update_callback_data(self, data: Any) -> None:
        """Not stored."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Not stored."""

    async def drop_user_data(self, user_id: int) -> None:
        """Not stored."""

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Not stored."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Not stored."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Not stored."""

    async def flush(self) -> None:
        """Nothing is pending."""
