"""What a reader sees of Telegram HTML, and how long Telegram counts it.

Telegram measures a message after parsing its entities, in UTF-16 code units; the bot checks
its texts the same way wherever they are written (a handler, a broadcast, an announcement).
"""

from __future__ import annotations

import html
import re
import unicodedata

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_TAG = re.compile(r"<[^>]*>")


def plain_text(text: str) -> str:
    """What a reader sees of Telegram HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def visible_length(text: str) -> int:
    """Length of Telegram HTML as Telegram counts it (UTF-16 code units of the plain text)."""
    return len(plain_text(text).encode("utf-16-le")) // 2


def screen_width(text: str) -> int:
    """How much of a phone screen Telegram HTML fills: a wide (Chinese) character counts two."""
    plain = plain_text(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in plain if ch != "\n")
