"""API errors raised by method handlers and the violations they leave behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ApiError", "ApiViolation", "bad_request", "summarize_params"]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WRONG_FILE_ID = "wrong file identifier/HTTP URL specified"


class ApiError(Exception):
    """An error answer: HTTP status, Telegram description and optional parameters."""

    def __init__(
        self,
        code: int,
        description: str,
        *,
        parameters: dict[str, Any] | None = None,
        kind: str | None = None,
        fault: bool = True,
    ) -> None:
        """Create the error; ``fault=False`` means the bot is not to blame (no violation)."""
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        self.kind = kind or _default_kind(code)
        self.fault = fault

    def payload(self) -> dict[str, Any]:
        """Return the JSON body Telegram would answer with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _default_kind(code: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        429: "rate_limit",
    }.get(code, "error")


def bad_request(text: str, *, kind: str | None = None) -> ApiError:
    """Return a 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {text}", kind=kind)


@dataclass(slots=True)
class ApiViolation:
    """Something the bot did that Telegram would refuse or punish."""

    kind: str
    method: str
    error: str
    params: dict[str, str] = field(default_factory=dict)
    error_code: int = 400
    chat_id: int | None = None
    timestamp: float = 0.0

    def __str__(self) -> str:
        """Return a one-line human readable summary."""
        where = f" chat={self.chat_id}" if self.chat_id is not None else ""
        args = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"[{self.kind}] {self.method}({args}){where}: {self.error_code} {self.error}"


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarize_params(params: dict[str, Any], files: dict[str, Any] | None = None) -> dict[str, str]:
    """Return a short printable copy of request parameters (values truncated)."""
    out = {k: _short(v) for k, v in params.items()}
    for name, upload in (files or {}).items():
        out[name] = (
            f"<file {getattr(upload, 'filename', '')!s} {len(getattr(upload, 'body', b''))} bytes>"
        )
    return out
