"""Loading of the official Bot API method table (``api.json``).

The emulator uses the table to tell apart three cases Telegram tells apart:
a method that does not exist (404), a method that exists but is missing a
required parameter (400) and a method that exists but the emulator does not
implement (400 plus a recorded violation).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SPEC_ENV_VAR", "ApiSpec", "MethodSpec", "default_spec_path", "load_spec"]

log = logging.getLogger(__name__)

SPEC_ENV_VAR = "ENGAGE_BOT_API_SPEC"


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One Bot API method: its canonical name and parameters."""

    name: str
    required: tuple[str, ...]
    fields: frozenset[str]


# Methods implemented by the emulator with their required parameters; used
# when api.json cannot be found (for example in an installed wheel).
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


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """The method table, keyed by lower-cased method name."""

    version: str
    methods: dict[str, MethodSpec]
    builtin: bool

    def get(self, name: str) -> MethodSpec | None:
        """Return the method called ``name`` (case-insensitive) or None."""
        return self.methods.get(name.lower())


def default_spec_path() -> Path:
    """Return where api.json is looked for (env override first)."""
    env = os.environ.get(SPEC_ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared/telegram-bot-api/api.json"


def _from_json(data: dict[str, Any]) -> dict[str, MethodSpec]:
    methods: dict[str, MethodSpec] = {}
    for name, entry in data["methods"].items():
        fields = entry.get("fields") or []
        required = tuple(f["name"] for f in fields if f.get("required"))
        methods[name.lower()] = MethodSpec(name, required, frozenset(f["name"] for f in fields))
    return methods


def _builtin() -> dict[str, MethodSpec]:
    return {n.lower(): MethodSpec(n, req, frozenset(req)) for n, req in _BUILTIN.items()}


def load_spec(path: Path | str | None = None) -> ApiSpec:
    """Load api.json from ``path`` (default: ``default_spec_path()``) or the built-in table."""
    spec_path = Path(path) if path is not None else default_spec_path()
    try:
        data = json.loads(spec_path.read_text(encoding="utf-8"))
        methods = _from_json(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning(
            "Bot API spec not usable at %s (%s); using the built-in method table", spec_path, exc
        )
        return ApiSpec("builtin", _builtin(), builtin=True)
    for lower, builtin in _builtin().items():
        methods.setdefault(lower, builtin)
    return ApiSpec(str(data.get("version", "unknown")), methods, builtin=False)


def builtin_method_names() -> tuple[str, ...]:
    """Return the canonical names of the methods the built-in table knows."""
    return tuple(_BUILTIN)
