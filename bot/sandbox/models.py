"""Small records shared by the emulator: bot messages, callback answers, files."""

from __future__ import annotations

import io
import itertools
import mimetypes
import secrets
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.errors import WRONG_FILE_ID, ApiError, bad_request

__all__ = ["BotMessage", "CallbackAnswer", "FileStore", "StoredFile"]

_MEDIA_KINDS = ("photo", "voice", "document", "video", "audio", "sticker", "animation")


@dataclass(slots=True)
class BotMessage:
    """A message the bot sent, as a user sees it (text is plain; for media: the caption)."""

    message_id: int
    chat_id: int
    kind: str
    text: str
    html: str | None
    entities: list[dict[str, Any]]
    buttons: list[list[tuple[str, str | None]]]
    reply_keyboard: list[list[str]] | None = None
    photo: str | None = None
    voice: str | None = None
    document: str | None = None
    edited: bool = False
    deleted: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def button_texts(self) -> list[str]:
        """Return the texts of all inline buttons, row by row."""
        return [text for row in self.buttons for text, _ in row]

    def find_button(self, text: str) -> tuple[str, str | None] | None:
        """Return the inline button with exactly this text, if any."""
        for row in self.buttons:
            for button in row:
                if button[0] == text:
                    return button
        return None

    def raw_button(self, text: str) -> dict[str, Any] | None:
        """Return the InlineKeyboardButton object with exactly this text, if any."""
        markup = self.raw.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", ()):
            for button in row:
                if button.get("text") == text:
                    return dict(button)
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary (used by events and the control API)."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "kind": self.kind,
            "text": self.text,
            "html": self.html,
            "entities": self.entities,
            "buttons": [[list(b) for b in row] for row in self.buttons],
            "reply_keyboard": self.reply_keyboard,
            "photo": self.photo,
            "voice": self.voice,
            "document": self.document,
            "edited": self.edited,
            "deleted": self.deleted,
        }

    @classmethod
    def from_message(
        cls,
        msg: dict[str, Any],
        html: str | None,
        buttons: list[list[tuple[str, str | None]]],
        reply_keyboard: list[list[str]] | None,
    ) -> BotMessage:
        """Build the view of a Telegram Message dict."""
        kind = next((k for k in _MEDIA_KINDS if k in msg), "text")
        photo = msg["photo"][-1]["file_id"] if "photo" in msg else None
        return cls(
            message_id=msg["message_id"],
            chat_id=msg["chat"]["id"],
            kind=kind,
            text=msg.get("text", msg.get("caption", "")),
            html=html,
            entities=msg.get("entities", msg.get("caption_entities", [])),
            buttons=buttons,
            reply_keyboard=reply_keyboard,
            photo=photo,
            voice=msg["voice"]["file_id"] if "voice" in msg else None,
            document=msg["document"]["file_id"] if "document" in msg else None,
            edited="edit_date" in msg,
            raw=msg,
        )


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """What the bot answered to one callback query."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    data: str | None


@dataclass(slots=True)
class StoredFile:
    """A file known to the emulator (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    mime_type: str | None = None
    file_name: str | None = None
    width: int = 0
    height: int = 0
    file_path: str | None = None
    sizes: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self, **extra: Any) -> dict[str, Any]:
        """Return the Telegram object (Document, Voice, ...) describing this file."""
        obj: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            obj["file_name"] = self.file_name
        if self.mime_type:
            obj["mime_type"] = self.mime_type
        obj["file_size"] = len(self.data)
        obj.update(extra)
        return obj


def image_size(data: bytes) -> tuple[int, int] | None:
    """Return (width, height) of an image, or None if it is not a readable image."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow is a project dependency
        ok = data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n" or data[:4] == b"GIF8"
        return (512, 512) if ok else None
    try:
        with Image.open(io.BytesIO(data)) as img:
            return int(img.width), int(img.height)
    except Exception:
        return None


class FileStore:
    """In-memory files with Telegram-like identifiers."""

    def __init__(self) -> None:
        """Create an empty store."""
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._seq = itertools.count(1)

    def __len__(self) -> int:
        """Return the number of stored file identifiers."""
        return len(self._by_id)

    def _ids(self, kind: str) -> tuple[str, str]:
        n = next(self._seq)
        prefix = {"photo": "AgAC", "voice": "AwAC", "sticker": "CAAC"}.get(kind, "BQAC")
        return (
            f"{prefix}{n:06d}{secrets.token_urlsafe(18)}",
            f"AQAD{n:06d}{secrets.token_urlsafe(6)}",
        )

    def add(
        self, kind: str, data: bytes, *, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        """Store bytes as a new file of ``kind``."""
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        file_id, unique = self._ids(kind)
        stored = StoredFile(file_id, unique, kind, data, mime_type=mime_type, file_name=file_name)
        self._by_id[file_id] = stored
        return stored

    def add_photo(self, data: bytes, *, strict: bool) -> StoredFile:
        """Store a photo and its PhotoSize list; refuse undecodable images when ``strict``."""
        size = image_size(data)
        if size is None:
            if strict:
                raise bad_request("IMAGE_PROCESS_FAILED")
            size = (512, 512)
        width, height = size
        if strict and (
            width + height > 10000 or max(width, height) > 20 * max(1, min(width, height))
        ):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        main = self.add("photo", data, mime_type="image/jpeg")
        main.width, main.height = width, height
        longest = max(width, height, 1)
        for side in (90, 320, 800, 1280):
            if side >= longest:
                break
            scale = side / longest
            extra = self.add("photo", data, mime_type="image/jpeg")
            extra.width, extra.height = max(1, round(width * scale)), max(1, round(height * scale))
            main.sizes.append(_photo_size(extra))
        main.sizes.append(_photo_size(main))
        for entry in main.sizes:
            self._by_id[entry["file_id"]].sizes = main.sizes
        return main

    def get(self, file_id: str) -> StoredFile | None:
        """Return the file with this identifier."""
        return self._by_id.get(file_id)

    def require(self, file_id: str, kind: str) -> StoredFile:
        """Return the file to re-send as ``kind``; Telegram's errors for unknown/mismatched ones."""
        stored = self._by_id.get(file_id)
        if stored is None:
            if file_id.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")
            raise bad_request(WRONG_FILE_ID)
        compatible = stored.kind == kind or (kind == "document" and stored.kind != "photo")
        if not compatible:
            raise ApiError(
                400,
                f"Bad Request: can't use file of type {stored.kind.capitalize()} "
                f"as {kind.capitalize()}",
            )
        return stored

    def path_for(self, stored: StoredFile) -> str:
        """Return (assigning on first use) the download path of a file."""
        if stored.file_path is None:
            folder = {"photo": "photos", "voice": "voice", "sticker": "stickers"}.get(
                stored.kind, "documents"
            )
            ext = {"photo": ".jpg", "voice": ".oga", "sticker": ".webp"}.get(stored.kind)
            if ext is None:
                name = stored.file_name or ""
                ext = name[name.rfind(".") :] if "." in name else ""
            stored.file_path = f"{folder}/file_{len(self._by_path)}{ext}"
            self._by_path[stored.file_path] = stored
        return stored.file_path

    def by_path(self, path: str) -> StoredFile | None:
        """Return the file downloadable at ``path``."""
        return self._by_path.get(path)


def _photo_size(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": stored.width,
        "height": stored.height,
        "file_size": len(stored.data),
    }
