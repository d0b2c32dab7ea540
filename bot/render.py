"""The one way messages leave the bot: HTML, split to Telegram's limits, blocks noticed.

Every handler and job sends through these functions, so the limits Telegram enforces
(4096 characters of text, 1024 of caption, 64 bytes of callback data) are kept in one place.
Each function turns what it is asked into Bot API calls (``bot.unit.Call``). Inside an
update's unit of work the calls wait for its commit (``bot.edge.replies`` sends them then);
anywhere else (a job, a command-line task) they are made at once.
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import unit
from bot.edge.replies import CANNOT_EDIT, perform
from bot.i18n import Html, escape
from bot.text.split import split_text
from bot.text.visible import CAPTION_LIMIT, TEXT_LIMIT, plain_text, visible_length
from bot.unit import Call

if TYPE_CHECKING:
    from bot.context import Context

__all__ = [
    "Button",
    "Html",
    "answer",
    "drop_stale_keyboard",
    "edit",
    "edit_keyboard",
    "edit_message",
    "escape",
    "inline",
    "label",
    "reply",
    "reply_keyboard",
    "send",
    "send_album",
    "send_document",
    "send_file",
    "split_text",
    "submit",
]

DATA_LIMIT = 64
# The last edit this process made to each message, and the copy it was made from: a double
# tap's second press carries the message as it was before the first was handled, and must not
# make the same edit again.
# (Another process does not know; Telegram's "not modified" then counts as done anyway, see
# bot/edge/replies.py.)
EDITS_KEPT = 4096
_EDITS_KEY = "render.edits"
KEYBOARDS_KEPT = 1024  # keyboards built once and kept, with their JSON
log = logging.getLogger(__name__)
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
Photo = str | bytes | InputFile
PhotoSeen = Callable[[str], None]
# A keyboard's JSON, made once per keyboard object (the object kept beside it, so its id
# cannot be taken by another); the calls of many replies share it and never change it.
_AS_JSON: OrderedDict[int, tuple[object, dict[str, object]]] = OrderedDict()


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: callback data for actions, a URL for links."""

    text: str
    data: str | None = None
    url: str | None = None


def label(text: str) -> str:
    """A button label: Telegram shows it as is, so catalog HTML (``&amp;``) is turned back.

    Only :class:`Html` is unescaped; a plain ``str`` is taken literally, so a user's own
    ``&lt;`` in a label stays as they typed it.
    """
    return html.unescape(text) if isinstance(text, Html) else text


def inline(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Build an inline keyboard, refusing callback data Telegram would reject.

    No buttons at all is no keyboard (``None``): Telegram refuses an empty markup object, which
    would lose the whole message. Most keyboards are the same for everyone (a course list, a
    menu) and PTB's markup objects are immutable, so each is built once and shared.
    """
    # Labels are made first: an Html label and a plain one of the same characters are equal
    # as keys, yet show differently (see label()).
    return _inline(tuple(tuple((label(b.text), b.data, b.url) for b in row) for row in rows))


Row = tuple[tuple[str, str | None, str | None], ...]


@functools.lru_cache(maxsize=KEYBOARDS_KEPT)
def _inline(rows: tuple[Row, ...]) -> InlineKeyboardMarkup | None:
    keyboard = []
    for row in rows:
        buttons = []
        for text, data, url in row:
            if url:
                buttons.append(InlineKeyboardButton(text, url=url))
                continue
            data = data or ""
            if not 1 <= len(data.encode()) <= DATA_LIMIT:
                raise ValueError(f"callback data must be 1-{DATA_LIMIT} bytes: {data!r}")
            buttons.append(InlineKeyboardButton(text, callback_data=data))
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def reply_keyboard(
    rows: Sequence[Sequence[str]], *, placeholder: str | None = None
) -> ReplyKeyboardMarkup:
    """A persistent reply keyboard of plain-text buttons (the menus: built once, shared)."""
    return _reply_keyboard(tuple(tuple(label(text) for text in row) for row in rows), placeholder)


@functools.lru_cache(maxsize=KEYBOARDS_KEPT)
def _reply_keyboard(
    rows: tuple[tuple[str, ...], ...], placeholder: str | None
) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(text) for text in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=placeholder,
    )


async def submit(bot: Bot, call: Call, context: Context | None = None) -> None:
    """Keep ``call`` for the commit of the running update, or make it now."""
    work = unit.current()
    if work is not None:
        work.call(call)
        return
    await perform(bot, call, context.unreachable if context else _nobody)


async def _nobody(chat_id: int) -> None:
    """Nobody to tell that a chat is unreachable (a menu or an answer has no chat to mark)."""


def _markup(keyboard: Markup) -> dict[str, object]:
    if keyboard is None:
        return {}
    kept = _AS_JSON.get(id(keyboard))
    if kept is None or kept[0] is not keyboard:  # the id of a keyboard since collected
        kept = (keyboard, keyboard.to_dict())
        _AS_JSON[id(keyboard)] = kept
        if len(_AS_JSON) > KEYBOARDS_KEPT:
            _AS_JSON.popitem(last=False)
    return {"reply_markup": kept[1]}


def text_calls(
    chat_id: int, text: str, keyboard: Markup = None, *, protect: bool = False
) -> list[Call]:
    """The ``sendMessage`` calls of ``text``: split at paragraphs, the keyboard on the last."""
    chunks = split_text(text)
    calls = []
    for index, chunk in enumerate(chunks):
        params: dict[str, object] = {
            "chat_id": chat_id,
            "text": chunk,
            "parse_mode": ParseMode.HTML,
        }
        if index == len(chunks) - 1:
            params |= _markup(keyboard)
        if protect:
            params["protect_content"] = True
        calls.append(Call("sendMessage", params, chat_id=chat_id))
    return calls


def _photo_call(
    chat_id: int, photo: Photo, caption: str, keyboard: Markup, seen: PhotoSeen | None
) -> Call:
    params: dict[str, object] = {"chat_id": chat_id}
    if caption:
        params |= {"caption": caption, "parse_mode": ParseMode.HTML}
    params |= _markup(keyboard)
    files: dict[str, tuple[str, bytes]] = {}
    if isinstance(photo, str):
        params["photo"] = photo
    elif isinstance(photo, InputFile):
        files["photo"] = (photo.filename or "photo.png", _bytes(photo))
    else:
        files["photo"] = ("photo.png", photo)

    def learn(result: object) -> None:
        sizes = result.get("photo") if isinstance(result, dict) else None
        if seen is not None and sizes:
            seen(str(sizes[-1]["file_id"]))

    return Call("sendPhoto", params, chat_id=chat_id, files=files, then=learn if seen else None)


def _bytes(upload: InputFile) -> bytes:
    content = upload.input_file_content
    return content if isinstance(content, bytes) else content.read()


async def send(
    context: Context,
    chat_id: int,
    text: str,
    keyboard: Markup = None,
    *,
    photo: Photo | None = None,
    protect: bool = False,
    photo_seen: PhotoSeen | None = None,
) -> None:
    """Send HTML text (and an optional photo) to a chat; a chat that blocked the bot is noted.

    A caption too long for a photo follows it as text. ``photo_seen`` learns the file id
    Telegram gave an uploaded photo, so it can be sent again without uploading it.
    """
    calls: list[Call]
    if photo is None:
        calls = text_calls(chat_id, text, keyboard, protect=protect)
    elif visible_length(text) <= CAPTION_LIMIT:
        calls = [_photo_call(chat_id, photo, text, keyboard, photo_seen)]
    else:
        calls = [_photo_call(chat_id, photo, "", None, photo_seen)]
        calls += text_calls(chat_id, text, keyboard)
    for call in calls:
        await submit(context.bot, call, context)


async def send_file(
    context: Context, chat_id: int, kind: str, file_id: str, caption: str = ""
) -> None:
    """Send a photo, voice message or document by file id; a long caption goes as text first."""
    if kind == "photo":
        await send(context, chat_id, caption, photo=file_id)
        return
    if visible_length(caption) > CAPTION_LIMIT:
        await send(context, chat_id, caption)
        caption = ""
    field = "voice" if kind == "voice" else "document"
    params: dict[str, object] = {"chat_id": chat_id, field: file_id}
    if caption:
        params |= {"caption": caption, "parse_mode": ParseMode.HTML}
    method = "sendVoice" if kind == "voice" else "sendDocument"
    await submit(context.bot, Call(method, params, chat_id=chat_id), context)


async def send_document(
    context: Context, chat_id: int, data: bytes, filename: str, caption: str = ""
) -> None:
    """Send a file the bot made (a spreadsheet, an .ics)."""
    if visible_length(caption) > CAPTION_LIMIT:
        await send(context, chat_id, caption)
        caption = ""
    params: dict[str, object] = {"chat_id": chat_id}
    if caption:
        params |= {"caption": caption, "parse_mode": ParseMode.HTML}
    call = Call("sendDocument", params, chat_id=chat_id, files={"document": (filename, data)})
    await submit(context.bot, call, context)


async def send_album(context: Context, chat_id: int, photos: Sequence[str]) -> None:
    """Photos by file id: one photo alone, two to ten as an album (Telegram's limits)."""
    for start in range(0, len(photos), 10):
        group = photos[start : start + 10]
        if len(group) == 1:
            call = Call("sendPhoto", {"chat_id": chat_id, "photo": group[0]}, chat_id=chat_id)
        else:
            media = [{"type": "photo", "media": photo} for photo in group]
            call = Call("sendMediaGroup", {"chat_id": chat_id, "media": media}, chat_id=chat_id)
        await submit(context.bot, call, context)


async def drop_stale_keyboard(update: Update, context: Context) -> None:
    """Take the buttons away from the message a passed step's button was pressed on.

    Unless this process has edited that message since the press's copy: a double tap's second
    press then lands on the next question, which the first press edited into the same message,
    and its buttons are the ones now asked for. (Another process's edit is not known here.)
    """
    query = update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message):
        return
    seen = _state(message)
    if _current(context, (message.chat.id, message.message_id), seen) != seen:
        return
    await edit_keyboard(update, context, None)


async def edit_keyboard(
    update: Update, context: Context, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Change only the buttons under the message a button was pressed on.

    A message that already has those buttons (none, say, after a double tap) is left alone:
    Telegram refuses an edit that changes nothing.
    """
    query = update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message):
        return
    where, seen = (message.chat.id, message.message_id), _state(message)
    text, buttons = _current(context, where, seen)[0], _buttons(keyboard)
    if _current(context, where, seen) == (text, buttons):
        return
    _changed(context, where, seen, (text, buttons))
    params: dict[str, object] = {"chat_id": message.chat.id, "message_id": message.message_id}
    params |= _markup(keyboard)
    call = Call("editMessageReplyMarkup", params, kind="markup", chat_id=message.chat.id)
    await submit(update.get_bot(), call)


async def reply(
    update: Update, context: Context, text: str, keyboard: Markup = None, **kwargs: object
) -> None:
    """Answer the chat an update came from."""
    chat = update.effective_chat
    if chat is None:
        return
    await send(context, chat.id, text, keyboard, **kwargs)  # type: ignore[arg-type]


async def edit(
    update: Update, context: Context, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the message a button was pressed on; send anew when it cannot be edited."""
    query = update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message) or message.photo or visible_length(text) > TEXT_LIMIT:
        await reply(update, context, text, keyboard)
        return
    where, seen = (message.chat.id, message.message_id), _state(message)
    wanted = (_digest(plain_text(text)), _buttons(keyboard))
    if _current(context, where, seen) == wanted:
        return  # Telegram refuses an edit that changes nothing
    call = _edit_call(message.chat.id, message.message_id, text, keyboard)
    call.fallback = text_calls(message.chat.id, text, keyboard)
    _changed(context, where, seen, wanted)
    await submit(context.bot, call, context)


# A message's plain text and its buttons, each as a short digest: only compared, and kept for
# thousands of messages (whole lesson texts took 2 KiB a user).
State = tuple[bytes, bytes]


def _digest(value: str | None) -> bytes:
    return b"" if value is None else hashlib.blake2b(value.encode(), digest_size=12).digest()


def _buttons(keyboard: InlineKeyboardMarkup | None) -> bytes:
    shown = keyboard is not None and keyboard.inline_keyboard
    return _digest(keyboard.to_json() if shown and keyboard is not None else None)


def _state(message: Message) -> State:
    return (_digest(message.text or message.caption or ""), _buttons(message.reply_markup))


def _edits(context: Context) -> OrderedDict[tuple[int, int], tuple[State, State]]:
    edits: OrderedDict[tuple[int, int], tuple[State, State]]
    edits = context.bot_data.setdefault(_EDITS_KEY, OrderedDict())
    return edits


def _current(context: Context, where: tuple[int, int], seen: State) -> State:
    """What the message shows now, as far as this process knows.

    A press carries the message as it was when it was pressed. If this process has since
    edited it from exactly that state (a double tap: both presses carry the same copy), the
    message shows that edit; otherwise it shows the press's copy.
    """
    known = _edits(context).get(where)
    return known[1] if known is not None and known[0] == seen else seen


def _changed(context: Context, where: tuple[int, int], seen: State, now: State) -> None:
    edits = _edits(context)
    edits[where] = (seen, now)
    edits.move_to_end(where)
    if len(edits) > EDITS_KEPT:
        edits.popitem(last=False)


def _edit_call(
    chat_id: int, message_id: int, text: str, keyboard: InlineKeyboardMarkup | None
) -> Call:
    params: dict[str, object] = {
        "chat_id": chat_id,
        "message_id": message_id,
        "text": text,
        "parse_mode": ParseMode.HTML,
    }
    params |= _markup(keyboard)
    return Call("editMessageText", params, kind="edit", chat_id=chat_id)


async def edit_message(
    context: Context,
    chat_id: int,
    message_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> bool:
    """Replace a text message the bot sent earlier (from a job, say); False if it is gone.

    Unchanged text counts as done; a message deleted or too old to edit is not. Inside an
    update the edit waits for the commit, and is taken as made.
    """
    call = _edit_call(chat_id, message_id, text, keyboard)
    work = unit.current()
    if work is not None:
        work.call(call)
        return True
    try:
        await perform(context.bot, call, context.unreachable)
    except BadRequest as exc:
        if any(reason in exc.message.lower() for reason in CANNOT_EDIT):
            return False
        raise
    return True


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a callback query (every one must be answered once, or the button spins).

    A press handled too late to be answered (Telegram allows about 15 seconds) still acts;
    only its answer is dropped.
    """
    query = update.callback_query
    if query is None:
        return
    params: dict[str, object] = {"callback_query_id": query.id}
    if text:
        params["text"] = text
    if alert:
        params["show_alert"] = True
    await submit(update.get_bot(), Call("answerCallbackQuery", params, kind="answer"))
