r"""Text as it enters the bot: what PostgreSQL and Telegram refuse taken out, once, at the edge.

PostgreSQL stores no NUL character ("invalid byte sequence 0x00"), and a lone UTF-16
surrogate (which JSON can carry as ``\ud800``) cannot be encoded to UTF-8 for it or for
Telegram. Other control characters are invisible on a phone and break the HTML the bot
sends back. Line breaks and tabs stay; so do the format characters that make emoji and
right-to-left text (zero-width joiner, direction marks): they are part of what was written.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; surrogates;
# the two noncharacters every plane ends with in the BMP.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without the characters the database or Telegram would refuse."""
    return _REFUSED.sub("", text) if _REFUSED.search(text) else text


def clean_payload(value: Any) -> Any:
    """Every string of an update's JSON cleaned, keys and nesting kept (in place for dicts)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if _REFUSED.search(item):
                    value[key] = _REFUSED.sub("", item)
            elif isinstance(item, dict | list):
                clean_payload(item)
        return value
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = clean_payload(item)
    return value


def is_blank(text: str) -> bool:
    """Nothing a reader could see: only whitespace and invisible format characters."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)
