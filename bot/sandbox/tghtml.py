"""Telegram's HTML subset: parser and validator.

``parse_html`` turns a ``parse_mode="HTML"`` string into plain text plus a
list of MessageEntity dicts whose offsets and lengths are counted in UTF-16
code units, exactly as the Bot API returns them. It follows the algorithm of
Telegram's own parser (tdlib ``parse_html``) and raises ``EntityParseError``
with Telegram's error text for anything Telegram refuses. In strict mode (the
default) a raw ``&`` that does not start one of the recognised character
references is refused too, because the Bot API documentation requires it to
be escaped even though Telegram's parser lets it through.

The parser copies runs of ordinary text in one step, so it is linear in the
input length.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["EntityParseError", "parse_html", "utf16_len"]

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_SPACE = " \t\r\n\f\v"
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_CHAR_REF = re.compile(r"&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,8})|([A-Za-z]{2,4}));")
_URL = re.compile(r"^(?:(?:https?|tg|ton)://\S+|[\w.-]+\.[A-Za-z]{2,}\S*)$", re.IGNORECASE)


class EntityParseError(ValueError):
    """Raised for markup Telegram refuses; ``str()`` is Telegram's description."""

    def __init__(self, reason: str) -> None:
        """Store ``reason`` (without the "Can't parse entities" prefix)."""
        super().__init__(f"can't parse entities: {reason}")
        self.reason = reason


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_reference(text: str, i: int) -> tuple[str, int] | None:
    """Decode the character reference starting at ``text[i] == "&"``; return (char, end) or None."""
    m = _CHAR_REF.match(text, i)
    if m is None:
        return None
    dec, hexa, name = m.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return None if char is None else (char, m.end())
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), m.end()


class _Open:
    """A start tag waiting for its end tag."""

    __slots__ = ("arg", "out_len", "tag", "u16")

    def __init__(self, tag: str, arg: str, u16: int, out_len: int) -> None:
        self.tag, self.arg, self.u16, self.out_len = tag, arg, u16, out_len


class _Parser:
    """State of one parse: input, output pieces and open tags."""

    def __init__(self, text: str, strict: bool) -> None:
        self.text, self.strict, self.n = text, strict, len(text)
        self.out: list[str] = []
        self.out_len = 0  # characters in ``out``
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []
        self.pending_lang = 0  # code entities still carrying a "_lang" key

    def err(self, reason: str) -> EntityParseError:
        return EntityParseError(reason)

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.out_len += len(chunk)
        self.u16 += utf16_len(chunk)

    def char_at(self, i: int) -> str:
        return self.text[i] if i < self.n else ""

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text, i = self.text, 0
        while i < self.n:
            m = _SPECIAL.search(text, i)
            if m is None:
                self.emit(text[i:])
                break
            j = m.start()
            if j > i:
                self.emit(text[i:j])
            if text[j] == "&":
                ref = _decode_reference(text, j)
                if ref is None:
                    if self.strict:
                        raise self.err(f'Unescaped "&" at byte offset {_byte_offset(text, j)}')
                    self.emit("&")
                    i = j + 1
                else:
                    self.emit(ref[0])
                    i = ref[1]
            elif self.char_at(j + 1) == "/":
                i = self.end_tag(j)
            else:
                i = self.start_tag(j)
        if self.stack:
            raise self.err(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        if self.pending_lang:
            for ent in self.entities:
                ent.pop("_lang", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        text, i = self.text, begin + 1
        while i < self.n and text[i] not in _SPACE and text[i] != ">":
            i += 1
        offset = _byte_offset(text, begin)
        if i >= self.n:
            raise self.err(f"Unclosed start tag at byte offset {offset}")
        tag = text[begin + 1 : i].lower()
        if tag not in _SUPPORTED_TAGS:
            raise self.err(f'Unsupported start tag "{tag}" at byte offset {offset}')
        arg, i = self.attributes(tag, i, offset)
        if tag == "span" and arg != "spoiler":
            raise self.err(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        self.stack.append(_Open(tag, arg, self.u16, self.out_len))
        return i + 1

    def attributes(self, tag: str, i: int, offset: int) -> tuple[str, int]:
        text, arg = self.text, ""
        while self.char_at(i) != ">":
            while i < self.n and text[i] in _SPACE:
                i += 1
            if self.char_at(i) == ">":
                break
            if i >= self.n:
                raise self.err(f'Unclosed start tag "{tag}" at byte offset {offset}')
            name_begin = i
            while i < self.n and text[i] not in _SPACE and text[i] not in "=>":
                i += 1
            name = text[name_begin:i].lower()
            if not name:
                raise self.err(f'Empty attribute name in the tag "{tag}" at byte offset {offset}')
            while i < self.n and text[i] in _SPACE:
                i += 1
            if self.char_at(i) != "=":
                if tag == "blockquote" and name == "expandable":
                    arg = "1"
                    continue
                raise self.err(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {offset}'
                )
            i += 1
            while i < self.n and text[i] in _SPACE:
                i += 1
            if i >= self.n:
                raise self.err(f'Unclosed start tag "{tag}" at byte offset {offset}')
            value, i = self.attribute_value(i)
            if tag == "a" and name == "href":
                arg = value
            elif tag == "code" and name == "class" and value.startswith("language-"):
                arg = value[9:]
            elif tag == "span" and name == "class" and value.startswith("tg-"):
                arg = value[3:]
            elif tag == "tg-emoji" and name == "emoji-id":
                arg = value
            elif tag == "blockquote" and name == "expandable":
                arg = "1"
        return arg, i

    def attribute_value(self, i: int) -> tuple[str, int]:
        text = self.text
        quote = text[i]
        if quote not in "'\"":
            m = _NAME_TOKEN.match(text, i)
            end = m.end() if m else i
            if end >= self.n or (text[end] not in _SPACE and text[end] != ">"):
                raise self.err(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, i)}"
                )
            return text[i:end].lower(), end
        i += 1
        pieces: list[str] = []
        while i < self.n and text[i] != quote:
            if text[i] == "&":
                ref = _decode_reference(text, i)
                if ref is not None:
                    pieces.append(ref[0])
                    i = ref[1]
                    continue
            pieces.append(text[i])
            i += 1
        if i >= self.n:
            raise self.err(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
        return "".join(pieces), i + 1

    def end_tag(self, begin: int) -> int:
        text, offset = self.text, _byte_offset(self.text, begin)
        if not self.stack:
            raise self.err(f"Unexpected end tag at byte offset {offset}")
        i = begin + 2
        while i < self.n and text[i] not in _SPACE and text[i] != ">":
            i += 1
        end_name = text[begin + 2 : i].lower()
        while i < self.n and text[i] in _SPACE:
            i += 1
        if self.char_at(i) != ">":
            raise self.err(f"Unclosed end tag at byte offset {offset}")
        top = self.stack[-1]
        if end_name and end_name != top.tag:
            raise self.err(
                f"Unmatched end tag at byte offset {offset}, "
                f'expected "</{top.tag}>", found "</{end_name}>"'
            )
        self.stack.pop()
        if self.u16 > top.u16:
            self.close(top, offset)
        return i + 1

    def close(self, top: _Open, offset: int) -> None:
        start, length, tag, ents = top.u16, self.u16 - top.u16, top.tag, self.entities
        kind = _SIMPLE_TYPES.get(tag)
        if kind is not None:
            ents.append({"type": kind, "offset": start, "length": length})
        elif tag == "a":
            url = top.arg or "".join(self.out)[top.out_len :]
            if _URL.match(url):
                ents.append({"type": "text_link", "offset": start, "length": length, "url": url})
        elif tag == "code":
            last = ents[-1] if ents else None
            if (
                last
                and last["type"] == "pre"
                and last["offset"] == start
                and last["length"] == length
                and top.arg
            ):
                last["language"] = top.arg
            else:
                code: dict[str, Any] = {"type": "code", "offset": start, "length": length}
                if top.arg:
                    code["_lang"] = top.arg
                    self.pending_lang += 1
                ents.append(code)
        elif tag == "pre":
            last = ents[-1] if ents else None
            pre: dict[str, Any] = {"type": "pre", "offset": start, "length": length}
            if (
                last
                and last["type"] == "code"
                and last["offset"] == start
                and last["length"] == length
            ):
                ents.pop()
                if "_lang" in last:
                    pre["language"] = last["_lang"]
                    self.pending_lang -= 1
            ents.append(pre)
        elif tag == "tg-emoji":
            if not top.arg.isdigit():
                raise self.err("Invalid custom emoji identifier specified")
            ents.append(
                {
                    "type": "custom_emoji",
                    "offset": start,
                    "length": length,
                    "custom_emoji_id": top.arg,
                }
            )
        else:  # blockquote
            kind = "expandable_blockquote" if top.arg else "blockquote"
            ents.append({"type": kind, "offset": start, "length": length})


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities); raise EntityParseError like Telegram."""
    if "<" not in text and "&" not in text:
        return text, []
    return _Parser(text, strict).run()
