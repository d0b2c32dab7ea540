"""Simulated Telegram users with a person-like async API."""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from bot.sandbox.models import BotMessage, CallbackAnswer
from bot.sandbox.tghtml import utf16_len

if TYPE_CHECKING:
    from bot.sandbox.botstate import BotAccount
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.markup import Markup

__all__ = ["SimUser"]

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s])")
# A tiny valid WebP header, enough to stand for a sticker.
_STICKER_BYTES = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00"
    b"\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)


def _command_entities(text: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND.finditer(text)
    ]


class SimUser:
    """A Telegram user in a private chat with one bot."""

    def __init__(
        self,
        emu: Emulator,
        bot: BotAccount,
        user_id: int,
        name: str,
        lang: str | None,
        username: str | None,
    ) -> None:
        """Create the user; use ``Emulator.user`` rather than calling this directly."""
        self._emu, self.bot = emu, bot
        self.id, self.name, self.lang, self.username = user_id, name, lang, username
        self.user_json: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": name}
        self.chat_json: dict[str, Any] = {"id": user_id, "type": "private", "first_name": name}
        if username:
            self.user_json["username"] = self.chat_json["username"] = username
        if lang:
            self.user_json["language_code"] = lang
        self.blocked = False
        self.started = False
        self.got_403 = False
        self.keyboard: list[list[dict[str, Any]]] | None = None
        self.callback_answers: list[CallbackAnswer] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self._bot_messages: dict[int, BotMessage] = {}
        self._next_mid = 1
        self._inbox: deque[BotMessage] = deque()
        self._inbox_event: asyncio.Event | None = None
        self._force_reply_to: int | None = None
        self._last_update_id = 0
        self._delivered_id = 0
        self._last_activity = 0.0
        self.in_flight = 0

    def __repr__(self) -> str:
        """Return a short description."""
        return f"SimUser(id={self.id}, name={self.name!r}, lang={self.lang!r})"

    # -- state seen by tests ---------------------------------------------
    @property
    def history(self) -> list[BotMessage]:
        """Return the bot's messages in this chat as they are now (edited, minus deleted)."""
        return list(self._bot_messages.values())

    @property
    def last(self) -> BotMessage | None:
        """Return the most recent bot message still in the chat."""
        return next(reversed(self._bot_messages.values()), None)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready description (control API)."""
        return {
            "id": self.id,
            "name": self.name,
            "lang": self.lang,
            "username": self.username,
            "blocked": self.blocked,
            "started": self.started,
        }

    # -- bookkeeping used by the emulator ----------------------------------
    def touch(self, now: float) -> None:
        """Note activity in this chat (used by ``settle``)."""
        self._last_activity = now

    def delivered(self, update_id: int, now: float) -> None:
        """Note that the bot got this chat's update ``update_id`` (polled, or answered 2xx)."""
        self._delivered_id = max(self._delivered_id, update_id)
        self.touch(now)

    def next_message_id(self) -> int:
        """Allocate the next message id of this chat."""
        mid = self._next_mid
        self._next_mid += 1
        return mid

    def bot_message(self, message_id: int) -> BotMessage | None:
        """Return the bot message with this id, if it still exists."""
        return self._bot_messages.get(message_id)

    def store_bot_message(self, view: BotMessage, markup: Markup | None) -> None:
        """Record a new or edited bot message and hand it to ``reply()``."""
        self.messages[view.message_id] = view.raw
        old = self._bot_messages.get(view.message_id)
        if old is not None:
            view.reply_keyboard = old.reply_keyboard
        self._bot_messages[view.message_id] = view
        if markup is not None and old is None:
            if markup.keyboard is not None:
                self.keyboard = markup.keyboard
            elif markup.remove:
                self.keyboard = None
            elif markup.force_reply is not None:
                self._force_reply_to = view.message_id
        self._inbox.append(view)
        if self._inbox_event is not None:
            self._inbox_event.set()

    def remove_message(self, message_id: int) -> BotMessage | None:
        """Delete a message from the chat; return the bot message view if it was one."""
        self.messages.pop(message_id, None)
        view = self._bot_messages.pop(message_id, None)
        if view is not None:
            view.deleted = True
        return view

    # -- acting like a person ----------------------------------------------
    def _base(self) -> dict[str, Any]:
        return {
            "message_id": self.next_message_id(),
            "from": self.user_json,
            "chat": self.chat_json,
            "date": int(time.time()),
        }

    def _post(self, msg: dict[str, Any], reply_to: int | None) -> int:
        if self.blocked:
            self.unblock()
        target = reply_to if reply_to is not None else self._force_reply_to
        self._force_reply_to = None
        if target is not None and target in self.messages:
            # Bot API: the replied-to message carries no reply_to_message of its own.
            replied = dict(self.messages[target])
            replied.pop("reply_to_message", None)
            msg["reply_to_message"] = replied
        self.messages[msg["message_id"]] = msg
        self.started = True
        self.emit("message", msg)
        self._emu.publish({"type": "user_message", "chat_id": self.id, "message": msg})
        return int(msg["message_id"])

    def emit(self, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update from this user for the bot."""
        update_id = self.bot.push(kind, payload, self)
        if update_id is not None:
            self._last_update_id = update_id
        self.touch(time.monotonic())

    async def send(self, text: str, *, reply_to: int | None = None) -> int:
        """Send a text message (commands get bot_command entities); return its message_id."""
        msg = self._base()
        msg["text"] = text
        entities = _command_entities(text) if "/" in text else []
        if entities:
            msg["entities"] = entities
        return self._post(msg, reply_to)

    async def forward(
        self, text: str, *, sender: SimUser | None = None, hidden_name: str | None = None
    ) -> int:
        """Forward into this chat a text someone else wrote; return its message_id.

        ``sender`` is a person whose account shows (``forward_origin`` of type ``user``);
        ``hidden_name`` stands for one who hides it when forwarded (``hidden_user``, a name only).
        """
        if (sender is None) == (hidden_name is None):
            raise ValueError("forward() takes either sender or hidden_name")
        msg = self._base()
        date = int(time.time())
        if sender is not None:
            shown = {k: v for k, v in sender.user_json.items() if k != "language_code"}
            msg["forward_origin"] = {"type": "user", "date": date, "sender_user": shown}
        else:
            msg["forward_origin"] = {
                "type": "hidden_user",
                "date": date,
                "sender_user_name": hidden_name,
            }
        msg["text"] = text
        return self._post(msg, None)

    async def send_photo(self, data: bytes, caption: str | None = None) -> int:
        """Send a photo (any bytes are accepted from users); return its message_id."""
        stored = self._emu.files.add_photo(data, strict=False)
        msg = self._base()
        msg["photo"] = stored.sizes
        if caption:
            msg["caption"] = caption
        return self._post(msg, None)

    async def send_voice(self, data: bytes, duration: int = 3) -> int:
        """Send a voice message; return its message_id."""
        stored = self._emu.files.add("voice", data, mime_type="audio/ogg")
        msg = self._base()
        msg["voice"] = stored.as_json(duration=duration)
        return self._post(msg, None)

    async def send_document(
        self,
        data: bytes,
        filename: str = "document.bin",
        *,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> int:
        """Send a file as a document; return its message_id."""
        stored = self._emu.files.add("document", data, file_name=filename, mime_type=mime_type)
        msg = self._base()
        msg["document"] = stored.as_json()
        if caption:
            msg["caption"] = caption
        return self._post(msg, None)

    async def send_sticker(self, emoji: str = "👍") -> int:
        """Send a sticker; return its message_id."""
        stored = self._emu.files.add("sticker", _STICKER_BYTES, mime_type="image/webp")
        msg = self._base()
        msg["sticker"] = stored.as_json(
            width=512, height=512, is_animated=False, is_video=False, type="regular", emoji=emoji
        )
        return self._post(msg, None)

    async def send_contact(self, phone_number: str) -> int:
        """Share this user's own contact; return its message_id."""
        msg = self._base()
        msg["contact"] = {"phone_number": phone_number, "first_name": self.name, "user_id": self.id}
        return self._post(msg, None)

    async def send_location(self, latitude: float, longitude: float) -> int:
        """Share a location; return its message_id."""
        msg = self._base()
        msg["location"] = {"latitude": latitude, "longitude": longitude}
        return self._post(msg, None)

    async def press(self, text: str, *, message_id: int | None = None) -> str | None:
        """Press a button by its text: inline first (newest message), then the reply keyboard.

        ``message_id`` presses it on that message only, as a person scrolling back up would.
        Returns the callback query id for callback buttons, otherwise None.
        """
        views = list(reversed(self._bot_messages.values()))
        if message_id is not None:
            views = [view for view in views if view.message_id == message_id]
        for view in views:
            button = view.raw_button(text)
            if button is not None:
                data = button.get("callback_data")
                if not isinstance(data, str):
                    return None  # URL and other buttons open something outside the chat
                return self._emu.new_callback(self, view.raw, data)
        if message_id is not None:
            raise AssertionError(f"{self.name}: no button {text!r} on message {message_id}")
        for row in self.keyboard or []:
            for button in row:
                if button.get("text") == text:
                    if button.get("request_contact"):
                        await self.send_contact(f"+86 138{self.id % 100_000_000:08d}")
                    elif button.get("request_location"):
                        await self.send_location(31.2304, 121.4737)
                    else:
                        await self.send(text)
                    return None
        raise AssertionError(
            f"{self.name}: no button {text!r}; visible buttons: {self.visible_buttons()}"
        )

    def visible_buttons(self) -> dict[str, list[str]]:
        """Return the inline buttons of recent messages and the reply keyboard."""
        seen: dict[str, list[str]] = {}
        for view in list(self._bot_messages.values())[-5:]:
            if view.buttons:
                seen[f"message {view.message_id}"] = view.button_texts
        if self.keyboard:
            seen["reply keyboard"] = [str(b.get("text")) for row in self.keyboard for b in row]
        return seen

    async def answer_to(
        self,
        query_id: str | None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """The bot's answer to one button press (what the spinner turns into), once it comes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for answer in self.callback_answers:
                if answer.query_id == query_id:
                    return answer
            await asyncio.sleep(0.01)
        raise AssertionError(f"{self.name}: callback query {query_id} was not answered")

    async def press_data(self, data: str | None, message_id: int | None = None) -> str:
        """Forge a callback query with arbitrary ``data`` on the last (or given) bot message."""
        view = self.last if message_id is None else self._bot_messages.get(message_id)
        if view is None:
            raise AssertionError(
                f"{self.name}: no bot message to press on (message_id={message_id})"
            )
        return self._emu.new_callback(self, view.raw, data)

    def block(self) -> None:
        """Block the bot (emits a my_chat_member update: member -> kicked)."""
        self.blocked = True
        self._member_update("member", "kicked")

    def unblock(self) -> None:
        """Unblock the bot (emits a my_chat_member update: kicked -> member)."""
        self.blocked = False
        self.got_403 = False
        self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        def member(status: str) -> dict[str, Any]:
            obj: dict[str, Any] = {"user": self.bot.user_json, "status": status}
            if status == "kicked":
                obj["until_date"] = 0
            return obj

        payload = {
            "chat": self.chat_json,
            "from": self.user_json,
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        self.emit("my_chat_member", payload)

    async def command_menu(self) -> dict[str, str]:
        """Return the command menu this user's client shows, command → description, in order."""
        await self.settle()
        found = self._emu.visible_commands(self.lang or "", self.id, self.bot)
        return {item["command"]: item["description"] for item in found}

    # -- waiting for the bot -------------------------------------------------
    async def reply(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """Return the next bot message (new or edited) in this chat not yet consumed."""
        if self._inbox:
            return self._inbox.popleft()
        if self._inbox_event is None:
            self._inbox_event = asyncio.Event()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._inbox:
            self._inbox_event.clear()
            remaining = deadline - loop.time()
            try:
                if remaining <= 0:
                    raise TimeoutError
                await asyncio.wait_for(self._inbox_event.wait(), remaining)
            except TimeoutError:
                raise TimeoutError(self._emu.describe_wait(self, timeout)) from None
        return self._inbox.popleft()

    async def replies(self, n: int, timeout: float = 5.0) -> list[BotMessage]:  # noqa: ASYNC109
        """Return the next ``n`` bot messages (each awaited with ``timeout``)."""
        return [await self.reply(timeout) for _ in range(n)]

    def pending_replies(self) -> list[BotMessage]:
        """Return (without consuming) bot messages not yet taken by ``reply()``."""
        return list(self._inbox)

    def drain(self) -> list[BotMessage]:
        """Take every bot message not yet taken by ``reply()``, oldest first."""
        taken = list(self._inbox)
        self._inbox.clear()
        return taken

    def busy(self) -> bool:
        """Return True while an update is undelivered or a request for this chat is running."""
        delivered = max(self._delivered_id, self.bot.delivered_upto)
        return self.in_flight > 0 or self._last_update_id > delivered

    async def settle(self, quiet: float = 0.05, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has nothing in flight for this user and ``quiet`` seconds passed."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            busy = self.busy()
            idle_for = now - self._last_activity
            if not busy and idle_for >= quiet:
                return
            if now > deadline:
                raise TimeoutError(
                    f"{self.name}: bot still busy after {timeout}s "
                    f"({self._emu.describe_bot(self.bot)})"
                )
            await asyncio.sleep(0.01 if busy else max(0.005, quiet - idle_for))
