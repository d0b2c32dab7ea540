"""Bot API methods other than message sending: updates, webhook, files, settings."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from bot.sandbox.errors import WRONG_FILE_ID, ApiError, bad_request
from bot.sandbox.messaging import target
from bot.sandbox.miniapp import web_app_url_ok
from bot.sandbox.registry import api_method
from bot.sandbox.tghtml import utf16_len
from bot.sandbox.webhook import webhook_from

if TYPE_CHECKING:
    from bot.sandbox.botstate import BotAccount
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.params import Params

_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANG = re.compile(r"[a-z]{2}")
_MAX_FILE = 20 * 1024 * 1024
_TEXT_LIMITS = {"description": 512, "short_description": 120, "name": 64}


@api_method("getMe")
def get_me(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Return the bot's User object."""
    return bot.me()


@api_method("logOut")
def log_out(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Pretend to log out from the cloud Bot API server."""
    return True


@api_method("close")
def close(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Pretend to close the bot instance."""
    return True


@api_method("getUpdates")
def get_updates(emu: Emulator, bot: BotAccount, p: Params) -> Any:
    """Return pending updates, long-polling up to ``timeout`` seconds."""
    if bot.webhook is not None:
        raise ApiError(409, _CONFLICT_WEBHOOK, kind="conflict")
    offset = p.integer("offset")
    limit = min(100, max(1, p.integer("limit", 100) or 100))
    timeout = max(0, p.integer("timeout", 0) or 0)
    bot.set_allowed(p.obj("allowed_updates", "allowed_updates"))
    if offset is not None:
        bot.confirm(offset)
    batch = bot.take(limit)
    if batch or timeout == 0:
        return batch
    return bot.long_poll(limit, timeout)


@api_method("setWebhook")
def set_webhook(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Set (or with an empty url remove) the webhook; updates are then POSTed to it."""
    if not p.string("url"):
        bot.stop_webhook()
        return True
    hook = webhook_from(p)
    bot.set_allowed(p.obj("allowed_updates", "allowed_updates"))
    if p.flag("drop_pending_updates"):
        bot.drop_pending()
    bot.start_webhook(hook, emu.webhook_reply)
    return True


@api_method("deleteWebhook")
def delete_webhook(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Remove the webhook (optionally dropping pending updates)."""
    bot.stop_webhook()
    if p.flag("drop_pending_updates"):
        bot.drop_pending()
    return True


@api_method("getWebhookInfo")
def get_webhook_info(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Return the WebhookInfo object."""
    return bot.webhook_info()


@api_method("answerCallbackQuery")
def answer_callback_query(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Answer a callback query (once, within the timeout)."""
    text = p.string("text")
    if text is not None and utf16_len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    emu.answer_callback(
        p.string("callback_query_id") or "",
        text or None,
        p.flag("show_alert"),
        p.string("url") or None,
    )
    return True


@api_method("getFile")
def get_file(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Return the File object (with a download path) for a file_id."""
    stored = emu.files.get(p.string("file_id") or "")
    if stored is None:
        raise bad_request(WRONG_FILE_ID)
    if len(stored.data) > _MAX_FILE:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": emu.files.path_for(stored),
    }


@api_method("sendChatAction")
def send_chat_action(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Show a chat action such as "typing"."""
    action = p.string("action")
    if action not in _ACTIONS:
        raise bad_request("wrong parameter action in request")
    user = target(emu, bot, p)
    if emu.has_subscribers:
        emu.publish({"type": "chat_action", "chat_id": user.id, "action": action})
    return True


_BAD_SCOPE = "can't parse bot command scope JSON object"


def _typed(value: Any, types: tuple[str, ...]) -> int | str:
    """A scope field of one of its api.json types; a numeric string counts as an Integer."""
    if "Integer" in types:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
    if "String" in types and isinstance(value, str):
        return value
    raise bad_request(_BAD_SCOPE)


def _scope(emu: Emulator, bot: BotAccount, p: Params) -> str:
    """The scope as a canonical key, checked against api.json's ``BotCommandScope`` types."""
    scope = p.obj("scope", "bot command scope")
    if scope is None:
        scope = {"type": "default"}
    spec = emu.spec.scopes.get(str(scope.get("type"))) if isinstance(scope, dict) else None
    if spec is None:
        raise bad_request(_BAD_SCOPE)
    key: dict[str, Any] = {"type": spec.type}
    for name, types in spec.required.items():
        if scope.get(name) is None or scope.get(name) == "":
            raise bad_request(f"{name} is empty")
        key[name] = _typed(scope[name], types)
    # Only private chats exist here, and the Bot API names those by id, never by @username.
    if "chat_id" in key and key["chat_id"] not in bot.chats:
        raise bad_request("chat not found")
    return json.dumps(key, sort_keys=True, separators=(",", ":"))


def _lang(p: Params) -> str:
    lang = p.string("language_code") or ""
    if lang and not _LANG.fullmatch(lang):
        raise bad_request("invalid language code specified")
    return lang


@api_method("setMyCommands")
def set_my_commands(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Store the command list for a scope and language."""
    commands = p.obj("commands")
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    clean = []
    for cmd in commands:
        name, desc = cmd.get("command"), cmd.get("description")
        if not isinstance(name, str) or not _COMMAND.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(desc, str) or not 1 <= len(desc.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": name, "description": desc})
    key = (_scope(emu, bot, p), _lang(p))
    if clean:
        bot.commands[key] = clean
    else:
        bot.commands.pop(key, None)
    emu.commands_changed(bot, key)
    return True


@api_method("getMyCommands")
def get_my_commands(emu: Emulator, bot: BotAccount, p: Params) -> list[dict[str, Any]]:
    """Return the command list stored for exactly this scope and language."""
    return bot.commands.get((_scope(emu, bot, p), _lang(p)), [])


@api_method("deleteMyCommands")
def delete_my_commands(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Delete the command list for a scope and language."""
    key = (_scope(emu, bot, p), _lang(p))
    bot.commands.pop(key, None)
    emu.commands_changed(bot, key)
    return True


@api_method("setChatMenuButton")
def set_chat_menu_button(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Set the menu button of one private chat or the default one (a MenuButton object)."""
    button = p.obj("menu_button", "menu button") or {"type": "default"}
    _check_menu_button(button)
    chat_id = p.integer("chat_id", error="chat not found")
    if chat_id is not None and chat_id not in bot.chats:
        raise bad_request("chat not found")
    bot.menu_buttons[chat_id] = button
    if emu.has_subscribers:
        emu.publish({"type": "menu_button", "chat_id": chat_id, "button": button})
    return True


def _check_menu_button(button: Any) -> None:
    """MenuButtonCommands, MenuButtonDefault or MenuButtonWebApp (text and an https URL)."""
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    if button["type"] != "web_app":
        return
    if not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse menu button: Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    web_app = button.get("web_app")
    if not isinstance(web_app, dict) or not isinstance(web_app.get("url"), str):
        raise bad_request('can\'t parse menu button: Field "url" must be of type String')
    if not web_app_url_ok(web_app["url"]):
        raise bad_request("BUTTON_URL_INVALID")


@api_method("getChatMenuButton")
def get_chat_menu_button(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Return the menu button of a chat (or the default one)."""
    chat_id = p.chat_id() if p.has("chat_id") else None
    button = bot.menu_buttons.get(chat_id) or bot.menu_buttons.get(None) or {"type": "commands"}
    return {"type": "commands"} if button.get("type") == "default" else button


@api_method("getChat")
def get_chat(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Return ChatFullInfo of a private chat."""
    user = bot.chats.get(p.chat_id())
    if user is None:
        raise bad_request("chat not found")
    return {
        **user.chat_json,
        "accent_color_id": user.id % 7,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
        },
    }


def _set_text(bot: BotAccount, p: Params, field: str) -> bool:
    value = p.string(field) or ""
    if utf16_len(value) > _TEXT_LIMITS[field]:
        raise bad_request(f"{field.replace('_', ' ')} is too long")
    bot.texts[(field, _lang(p))] = value
    return True


def _get_text(bot: BotAccount, p: Params, field: str) -> dict[str, str]:
    lang = _lang(p)
    value = bot.texts.get((field, lang), bot.texts.get((field, ""), ""))
    if field == "name" and not value:
        value = str(bot.user_json["first_name"])
    return {field: value}


@api_method("setMyDescription")
def set_my_description(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Store the bot description (per language)."""
    return _set_text(bot, p, "description")


@api_method("getMyDescription")
def get_my_description(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, str]:
    """Return the bot description."""
    return _get_text(bot, p, "description")


@api_method("setMyShortDescription")
def set_my_short_description(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Store the bot short description (per language)."""
    return _set_text(bot, p, "short_description")


@api_method("getMyShortDescription")
def get_my_short_description(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, str]:
    """Return the bot short description."""
    return _get_text(bot, p, "short_description")


@api_method("setMyName")
def set_my_name(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Store the bot name (per language)."""
    return _set_text(bot, p, "name")


@api_method("getMyName")
def get_my_name(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, str]:
    """Return the bot name."""
    return _get_text(bot, p, "name")
