"""What the web chat draws: a chat message or a reply keyboard as plain JSON.

Built from the Telegram ``Message`` objects the emulator stores, so a bot message and a
message the person sent look alike to the page, and URL, callback and Mini App buttons are
told apart the way a Telegram client tells them apart (by the field, not the text).
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.users import SimUser

FILE_KINDS = ("document", "voice", "audio", "video", "animation")
SNIPPET = 80


def _text(msg: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    if "text" in msg:
        return str(msg["text"]), list(msg.get("entities", []))
    return str(msg.get("caption", "")), list(msg.get("caption_entities", []))


def _buttons(msg: dict[str, Any]) -> list[list[dict[str, str]]]:
    rows = (msg.get("reply_markup") or {}).get("inline_keyboard", [])
    out = []
    for row in rows:
        cells = []
        for button in row:
            cell = {"text": str(button.get("text", ""))}
            for field in ("callback_data", "url"):
                if isinstance(button.get(field), str):
                    cell[field] = button[field]
            if isinstance(button.get("web_app"), dict):
                cell["web_app"] = str(button["web_app"].get("url", ""))
            cells.append(cell)
        out.append(cells)
    return out


def _file(msg: dict[str, Any]) -> dict[str, Any] | None:
    for kind in FILE_KINDS:
        found = msg.get(kind)
        if isinstance(found, dict):
            return {
                "kind": kind,
                "id": found.get("file_id"),
                "name": found.get("file_name"),
                "size": found.get("file_size"),
                "mime": found.get("mime_type"),
                "duration": found.get("duration"),
            }
    return None


def _extra_text(msg: dict[str, Any]) -> str:
    """Messages without text of their own (shared contact or location) as a client shows them."""
    if "contact" in msg:
        return f"📞 {msg['contact'].get('phone_number', '')}"
    if "location" in msg:
        where = msg["location"]
        return f"📍 {where.get('latitude')}, {where.get('longitude')}"
    return ""


def message_view(msg: dict[str, Any], *, out: bool) -> dict[str, Any]:
    """The message as the page draws it; ``out`` means the person sent it (right-hand bubble)."""
    text, entities = _text(msg)
    view: dict[str, Any] = {
        "id": msg["message_id"],
        "out": out,
        "date": msg.get("date"),
        "edited": "edit_date" in msg,
        "text": text or _extra_text(msg),
        "entities": entities,
        "buttons": _buttons(msg),
    }
    photos = msg.get("photo")
    if isinstance(photos, list) and photos:
        view["photo"] = photos[-1].get("file_id")
        view["spoiler"] = bool(msg.get("has_media_spoiler"))
    if "sticker" in msg:
        view["sticker"] = msg["sticker"].get("emoji") or "🖼"
    found = _file(msg)
    if found is not None:
        view["file"] = found
    quoted = msg.get("reply_to_message")
    if isinstance(quoted, dict):
        quoted_text = _text(quoted)[0] or _extra_text(quoted)
        view["reply_to"] = {"id": quoted.get("message_id"), "text": quoted_text[:SNIPPET]}
    return view


def keyboard_view(user: SimUser) -> list[list[dict[str, str]]]:
    """The reply keyboard under the input field, or an empty list when there is none."""
    rows = []
    for row in user.keyboard or []:
        cells = []
        for button in row:
            cell = {"text": str(button.get("text", ""))}
            if button.get("request_contact"):
                cell["request"] = "contact"
            elif button.get("request_location"):
                cell["request"] = "location"
            cells.append(cell)
        rows.append(cells)
    return rows


def chat_view(user: SimUser) -> list[dict[str, Any]]:
    """Every message still in the chat, oldest first."""
    return [
        message_view(msg, out=msg.get("from", {}).get("id") == user.id)
        for msg in sorted(user.messages.values(), key=lambda m: int(m["message_id"]))
    ]
