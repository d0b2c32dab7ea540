"""Loading of the official Bot API method table (``api.json``, shipped in ``bot_api/``).

The emulator uses the table to tell apart three cases Telegram tells apart:
a method that does not exist (404), a method that exists but is missing a
required parameter (400) and a method that exists but the emulator does not
implement (400 plus a recorded violation). The ``BotCommandScope`` types of the
same file say which command scopes exist and which fields each one needs, and the fields
of ``Update`` which update types there are (the names ``allowed_updates`` may list).

The table is a copy packaged with the code (``bot/sandbox/bot_api/api.json``, with its licence
and origin next to it; ``tools/refresh_bot_api.py`` renews it), so nothing outside the installed
package is read unless ``ENGAGE_BOT_API_SPEC`` names another file.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "BUILTIN_UPDATES",
    "PACKAGED_SPEC",
    "SPEC_ENV_VAR",
    "ApiSpec",
    "MethodSpec",
    "ScopeSpec",
    "default_spec_path",
    "load_spec",
]

log = logging.getLogger(__name__)

SPEC_ENV_VAR = "ENGAGE_BOT_API_SPEC"
PACKAGED_SPEC = Path(__file__).resolve().parent / "bot_api" / "api.json"


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One Bot API method: its canonical name and parameters."""

    name: str
    required: tuple[str, ...]
    fields: frozenset[str]


@dataclass(frozen=True, slots=True)
class ScopeSpec:
    """One ``BotCommandScope`` subtype: its ``type`` value and its other fields' types."""

    name: str
    type: str
    required: dict[str, tuple[str, ...]]
    optional: dict[str, tuple[str, ...]] = field(default_factory=dict)


# Methods implemented by the emulator with their required parameters; used
# when the file named by ENGAGE_BOT_API_SPEC cannot be read.
_BUILTIN: dict[str, tuple[str, ...]] = {
    "getMe": (),
    "logOut": (),
    "close": (),
    "getUpdates": (),
    "setWebhook": ("url",),
    "deleteWebhook": (),
    "getWebhookInfo": (),
    "sendMessage": ("chat_id", "text"),
    "editMessageText": ("text",),
    "editMessageReplyMarkup": (),
    "editMessageCaption": (),
    "deleteMessage": ("chat_id", "message_id"),
    "answerCallbackQuery": ("callback_query_id",),
    "sendPhoto": ("chat_id", "photo"),
    "sendDocument": ("chat_id", "document"),
    "sendVoice": ("chat_id", "voice"),
    "sendMediaGroup": ("chat_id", "media"),
    "copyMessage": ("chat_id", "from_chat_id", "message_id"),
    "forwardMessage": ("chat_id", "from_chat_id", "message_id"),
    "getFile": ("file_id",),
    "sendChatAction": ("chat_id", "action"),
    "setMyCommands": ("commands",),
    "getMyCommands": (),
    "deleteMyCommands": (),
    "setChatMenuButton": (),
    "getChatMenuButton": (),
    "getChat": ("chat_id",),
    "setMyDescription": (),
    "getMyDescription": (),
    "setMyShortDescription": (),
    "getMyShortDescription": (),
    "setMyName": (),
    "getMyName": (),
}


# The update types (fields of Update) used when api.json cannot be found.
BUILTIN_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
_CHAT_ID = ("Integer", "String")
_BUILTIN_SCOPES: dict[str, dict[str, tuple[str, ...]]] = {
    "default": {},
    "all_private_chats": {},
    "all_group_chats": {},
    "all_chat_administrators": {},
    "chat": {"chat_id": _CHAT_ID},
    "chat_administrators": {"chat_id": _CHAT_ID},
    "chat_member": {"chat_id": _CHAT_ID, "user_id": ("Integer",)},
}
_SCOPE_TYPE = re.compile(r"must be (\w+)")


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """The method table, keyed by lower-cased method name, and the command scopes by type."""

    version: str
    methods: dict[str, MethodSpec]
    builtin: bool
    path: Path | None = None
    scopes: dict[str, ScopeSpec] = field(default_factory=dict)
    update_types: frozenset[str] = BUILTIN_UPDATES

    def get(self, name: str) -> MethodSpec | None:
        """Return the method called ``name`` (case-insensitive) or None."""
        return self.methods.get(name.lower())


def default_spec_path() -> Path:
    """Return where api.json is read from: ``ENGAGE_BOT_API_SPEC`` or the packaged copy."""
    env = os.environ.get(SPEC_ENV_VAR)
    if env:
        return Path(env)
    return PACKAGED_SPEC


def _from_json(data: dict[str, Any]) -> dict[str, MethodSpec]:
    methods: dict[str, MethodSpec] = {}
    for name, entry in data["methods"].items():
        fields = entry.get("fields") or []
        required = tuple(f["name"] for f in fields if f.get("required"))
        methods[name.lower()] = MethodSpec(name, required, frozenset(f["name"] for f in fields))
    return methods


def _scopes_from_json(data: dict[str, Any]) -> dict[str, ScopeSpec]:
    """The ``BotCommandScope`` subtypes, keyed by the value their ``type`` field must have."""
    types = data["types"]
    scopes: dict[str, ScopeSpec] = {}
    for name in types["BotCommandScope"]["subtypes"]:
        fields = types[name]["fields"]
        kind = next(f for f in fields if f["name"] == "type")
        match = _SCOPE_TYPE.search(kind["description"])
        if match is None:
            raise ValueError(f"{name}: no type value in {kind['description']!r}")
        others = [f for f in fields if f["name"] != "type"]
        scopes[match.group(1)] = ScopeSpec(
            name,
            match.group(1),
            {f["name"]: tuple(f["types"]) for f in others if f.get("required")},
            {f["name"]: tuple(f["types"]) for f in others if not f.get("required")},
        )
    return scopes


def _update_types_from_json(data: dict[str, Any]) -> frozenset[str]:
    """The update types: every field of ``Update`` but its id."""
    fields = data["types"]["Update"]["fields"]
    return frozenset(f["name"] for f in fields if f["name"] != "update_id")


def _builtin_scopes() -> dict[str, ScopeSpec]:
    return {kind: ScopeSpec(kind, kind, dict(req)) for kind, req in _BUILTIN_SCOPES.items()}


def _builtin() -> dict[str, MethodSpec]:
    return {n.lower(): MethodSpec(n, req, frozenset(req)) for n, req in _BUILTIN.items()}


def load_spec(path: Path | str | None = None) -> ApiSpec:
    """Load api.json from ``path`` (default: ``default_spec_path()``) or the built-in table."""
    spec_path = Path(path) if path is not None else default_spec_path()
    try:
        data = json.loads(spec_path.read_text(encoding="utf-8"))
        methods = _from_json(data)
        scopes = _scopes_from_json(data)
        update_types = _update_types_from_json(data)
    except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:
        log.warning(
            "Bot API spec not usable at %s (%s); using the built-in method table", spec_path, exc
        )
        return ApiSpec("builtin", _builtin(), builtin=True, scopes=_builtin_scopes())
    for lower, builtin in _builtin().items():
        methods.setdefault(lower, builtin)
    version = str(data.get("version", "unknown"))
    return ApiSpec(
        version,
        methods,
        builtin=False,
        path=spec_path,
        scopes=scopes,
        update_types=update_types,
    )


def builtin_method_names() -> tuple[str, ...]:
    """Return the canonical names of the methods the built-in table knows."""
    return tuple(_BUILTIN)
