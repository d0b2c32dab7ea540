"""The kinds of update the bot asks Telegram for: those its handlers take, and no others.

Messages and commands (edited ones too: PTB's message handlers see them), button presses, and
the bot's own membership in a private chat (a user blocked or unblocked it).
``tests/test_updates.py`` checks every registered handler is covered.
"""

from __future__ import annotations

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
