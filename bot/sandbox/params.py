"""Typed access to request parameters, coerced the way the Bot API server does.

Form and multipart requests carry every value as a string (objects as JSON
text); JSON requests carry typed values. ``Params`` hides the difference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import ApiError, bad_request

__all__ = ["Params", "Upload"]

_TRUE = frozenset({"true", "1", "True", "yes"})
_FALSE = frozenset({"false", "0", "False", "no", ""})


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    body: bytes
    content_type: str


class Params:
    """Parameters of one API call with Telegram-like coercion helpers."""

    __slots__ = ("files", "method", "raw")

    def __init__(
        self, method: str, raw: dict[str, Any], files: dict[str, Upload] | None = None
    ) -> None:
        """Wrap ``raw`` parameters and uploaded ``files`` of ``method``."""
        self.method = method
        self.raw = raw
        self.files = files or {}

    def has(self, name: str) -> bool:
        """Return True if ``name`` was passed with a non-empty value."""
        value = self.raw.get(name)
        return (value is not None and value != "") or name in self.files

    def string(self, name: str, default: str | None = None) -> str | None:
        """Return a string parameter."""
        value = self.raw.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def integer(
        self, name: str, default: int | None = None, *, error: str | None = None
    ) -> int | None:
        """Return an integer parameter; ``error`` is the text for a malformed value."""
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(error or f'field "{name}" must be of type Integer') from None

    def number(self, name: str, default: float | None = None) -> float | None:
        """Return a float parameter."""
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Float') from None

    def flag(self, name: str, default: bool = False) -> bool:
        """Return a boolean parameter."""
        value = self.raw.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value in _TRUE:
            return True
        if isinstance(value, str) and value in _FALSE:
            return False
        raise bad_request(f'field "{name}" must be of type Boolean')

    def obj(self, name: str, what: str | None = None) -> Any:
        """Return a JSON object/array parameter (decoded if it came as JSON text)."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {what or name} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> int:
        """Return the chat identifier; Telegram's texts for missing or unknown ones."""
        value = self.raw.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value))
        except ValueError:
            raise bad_request("chat not found") from None

    def file(self, name: str) -> Upload | str | None:
        """Return an uploaded file, a file_id/URL string, or None."""
        upload = self.files.get(name)
        if upload is not None:
            return upload
        value = self.raw.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            attached = self.files.get(value[9:])
            if attached is None:
                raise bad_request(f"file {value[9:]!r} not found in the request")
            return attached
        return value if isinstance(value, str) and value else None

    def attached(self, ref: Any) -> Upload | str | None:
        """Resolve a ``media`` value of an InputMedia (attach:// reference or file_id)."""
        if isinstance(ref, str) and ref.startswith("attach://"):
            upload = self.files.get(ref[9:])
            if upload is None:
                raise ApiError(400, f"Bad Request: file {ref[9:]!r} not found in the request")
            return upload
        return ref if isinstance(ref, str) and ref else None
