"""Long Telegram HTML cut into messages: at paragraphs, then lines, then sentences.

Each piece stays within Telegram's limit as Telegram counts it (``bot.text.visible``) and keeps
its tags balanced, so every message is valid HTML on its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.text.visible import TEXT_LIMIT, visible_length

_TAG = re.compile(r"<[^>]*>")
_OPEN = re.compile(r"<([a-z][a-z0-9-]*)[^>]*>")
_CLOSE = re.compile(r"</([a-z][a-z0-9-]*)>")
_SENTENCE = re.compile(r"(?<=[。！？!?；;.])\s*")


def _balanced(chunk: str) -> bool:
    return len(_OPEN.findall(chunk)) == len(_CLOSE.findall(chunk))


def _pieces(block: str, limit: int) -> list[str]:
    """Break one over-long paragraph at lines, then sentences, then (last resort) characters."""
    for pattern in ("\n", _SENTENCE):
        parts = block.split(pattern) if isinstance(pattern, str) else pattern.split(block)
        parts = [p for p in parts if p]
        if len(parts) > 1 and all(_balanced(p) for p in parts):
            joiner = "\n" if pattern == "\n" else ""
            return _pack(parts, limit, joiner)
    out, current = [], ""
    for char in html.unescape(_TAG.sub("", block)):  # as plain text, each character escaped
        piece = html.escape(char, quote=False)
        if visible_length(current + piece) > limit:
            out.append(current)
            current = ""
        current += piece
    return [*out, current] if current else out


def _pack(parts: Sequence[str], limit: int, joiner: str) -> list[str]:
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if visible_length(candidate) <= limit and _balanced(candidate) == _balanced(part):
            current = candidate
            continue
        if current:
            chunks.append(current)
        if visible_length(part) > limit:
            chunks.extend(_pieces(part, limit))
            current = ""
        else:
            current = part
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split HTML text into messages at paragraph boundaries, each within ``limit``."""
    if visible_length(text) <= limit:
        return [text]
    return _pack([p for p in text.split("\n\n") if p.strip()], limit, "\n\n")
