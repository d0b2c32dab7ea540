"""Lesson Markdown → Telegram HTML: the handful of tags Telegram knows, everything else escaped.

Lessons are written in a small part of CommonMark (see ``content/README.md``). They are parsed
with markdown-it-py and rendered from its syntax tree, so no author text ever reaches Telegram
as markup: headings become bold lines, lists become bullet or numbered lines, quotes become
``<blockquote>``, and raw HTML, tables and images are shown as plain text. Top-level blocks are
separated by a blank line, which is where :func:`bot.text.split.split_text` may cut a long text.
A ``---`` line between top-level blocks ends one part of a lesson and starts the next: each
part is sent as a message of its own.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

LINK_SCHEMES = ("https://", "http://", "tg://", "mailto:")
HEADING_LEVEL = "h3"
PARAGRAPH_WARNING = 1000
BLOCK_LIMIT = 3800
_UNRENDERED = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_TAG = re.compile(r"<[^>]*>")
_INLINE_TAGS = {"strong": "b", "em": "i"}

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a lesson body as Telegram HTML, and the 0-based body line it starts on."""

    line: int
    html: str


@dataclass(frozen=True, slots=True)
class Finding:
    """Something wrong with a Markdown body, at a 0-based line of that body."""

    line: int
    message: str
    severity: Severity = "error"


@functools.cache
def parser() -> MarkdownIt:
    """CommonMark with raw HTML and tables recognised, so that both can be refused by name."""
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _safe_href(href: str) -> bool:
    return href.lower().startswith(LINK_SCHEMES)


def _inline(node: SyntaxTreeNode) -> str:
    out: list[str] = []
    for child in node.children:
        kind = child.type
        if kind == "text":
            out.append(_escape(child.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "code_inline":
            out.append(f"<code>{_escape(child.content)}</code>")
        elif kind in _INLINE_TAGS:
            inner = _inline(child)
            tag = _INLINE_TAGS[kind]
            out.append(f"<{tag}>{inner}</{tag}>" if inner else "")
        elif kind == "link":
            out.append(_link(child))
        elif kind == "image":
            out.append(_escape(child.content or str(child.attrs.get("alt", ""))))
        else:
            out.append(_escape(child.content))
    return "".join(out)


def _link(node: SyntaxTreeNode) -> str:
    text = _inline(node)
    href = str(node.attrs.get("href", ""))
    if not _safe_href(href) or not text:
        return text
    return f'<a href="{html.escape(href, quote=True)}">{text}</a>'


def _list(node: SyntaxTreeNode, depth: int) -> str:
    ordered = node.type == "ordered_list"
    number = int(node.attrs.get("start", 1)) if ordered else 0
    indent = "    " * depth
    lines = []
    for item in node.children:
        marker = f"{number}." if ordered else ("•" if depth == 0 else "◦")
        number += 1
        parts = [_block(child, depth + 1) for child in item.children]
        body = "\n".join(part for part in parts if part)
        lines.append(f"{indent}{marker} {body}" if body else f"{indent}{marker}")
    return "\n".join(lines)


def _table(node: SyntaxTreeNode) -> str:
    rows = []
    for section in node.children:
        for row in section.children:
            rows.append(
                " | ".join(_inline(cell.children[0]) for cell in row.children if cell.children)
            )
    return "\n".join(rows)


def _block(node: SyntaxTreeNode, depth: int = 0) -> str:
    kind = node.type
    if kind == "paragraph":
        return _inline(node.children[0])
    if kind == "heading":
        inner = _inline(node.children[0])
        return f"<b>{inner}</b>" if inner else ""
    if kind in ("bullet_list", "ordered_list"):
        return _list(node, depth)
    if kind == "blockquote":
        inner = "\n".join(part for part in (_block(c, depth) for c in node.children) if part)
        return f"<blockquote>{inner}</blockquote>" if inner else ""
    if kind in ("fence", "code_block"):
        return f"<pre>{_escape(node.content.rstrip())}</pre>"
    if kind == "hr":
        return "———"
    if kind == "table":
        return _table(node)
    return _escape(node.content.strip())


def _groups(tree: SyntaxTreeNode) -> list[list[SyntaxTreeNode]]:
    """The top-level blocks between part breaks (``---`` lines outside lists and quotes)."""
    groups: list[list[SyntaxTreeNode]] = [[]]
    for child in tree.children:
        if child.type == "hr":
            groups.append([])
        else:
            groups[-1].append(child)
    return groups


def _render(blocks: list[SyntaxTreeNode]) -> str:
    rendered = (_block(block) for block in blocks)
    return "\n\n".join(text for text in rendered if text)


@functools.lru_cache(maxsize=512)
def parts(markdown: str) -> tuple[str, ...]:
    """Render a lesson body as Telegram HTML, one text per part; empty parts are left out."""
    tree = SyntaxTreeNode(parser().parse(markdown))
    rendered = (_render(group) for group in _groups(tree))
    return tuple(text for text in rendered if text)


def to_html(markdown: str) -> str:
    """Render a lesson body as one Telegram HTML text, its parts separated by blank lines."""
    return "\n\n".join(parts(markdown))


def plain_text(rendered: str) -> str:
    """What a reader sees of rendered HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", rendered))


def _line(node: SyntaxTreeNode) -> int:
    walker: SyntaxTreeNode | None = node
    while walker is not None and not walker.is_root:
        if walker.map:
            return walker.map[0]
        walker = walker.parent
    return 0


def _unrendered_message(text: str) -> str:
    match = _UNRENDERED.search(text)
    start = max(match.start() - 12, 0) if match else 0
    excerpt = text[start : start + 30]
    return (
        f"emphasis markers would show literally near {excerpt!r}: keep full-width punctuation "
        "outside the asterisks (**问题**：, not **问题：**)"
    )


def _problem(node: SyntaxTreeNode) -> tuple[str, Severity] | None:
    """What is wrong with one node, if anything."""
    kind = node.type
    if kind == "text":
        if _UNRENDERED.search(node.content):
            return _unrendered_message(node.content), "error"
        if _FOOTNOTE.search(node.content):
            return "footnotes are not supported; name the source in `sources`", "error"
        return None
    if kind == "heading" and node.markup in ("-", "="):
        return (
            "a line of text with --- or === right under it becomes a heading; "
            "leave a blank line above a --- that ends a part"
        ), "error"
    if kind == "heading" and node.tag != HEADING_LEVEL:
        return f"only ### headings are allowed, not {'#' * int(node.tag[1])}", "error"
    if kind in ("html_block", "html_inline"):
        return f"raw HTML is not allowed: {node.content.strip()!r}", "error"
    if kind == "table":
        return "tables do not fit a phone screen; use a list", "error"
    if kind == "image":
        return "images go in the front matter (`image:`), not the body", "error"
    if kind == "link" and not _safe_href(str(node.attrs.get("href", ""))):
        return f"link must start with https:// : {node.attrs.get('href')!r}", "error"
    if kind == "hr" and not (node.parent and node.parent.is_root):
        return "a --- that ends a part stands on its own line, outside lists and quotes", "error"
    return None


def _check_blocks(blocks: list[SyntaxTreeNode], findings: list[Finding]) -> None:
    for block in blocks:
        length = len(plain_text(_block(block)))
        if length > BLOCK_LIMIT:
            message = f"a {length}-character block cannot fit one Telegram message"
            findings.append(Finding(_line(block), message))
        elif length > PARAGRAPH_WARNING:
            message = f"a {length}-character block is hard to read on a phone; split it"
            findings.append(Finding(_line(block), message, "warning"))


def check(markdown: str) -> tuple[list[Part], list[Finding]]:
    """The body's parts rendered, and everything in it Telegram could not show as meant."""
    tree = SyntaxTreeNode(parser().parse(markdown))
    findings: list[Finding] = []
    for node in tree.walk():
        problem = None if node.is_root else _problem(node)
        if problem is not None:
            findings.append(Finding(_line(node), *problem))
    found: list[Part] = []
    breaks = [_line(child) for child in tree.children if child.type == "hr"]
    for number, group in enumerate(_groups(tree)):
        _check_blocks(group, findings)
        html = _render(group)
        if html:
            found.append(Part(_line(group[0]), html))
        elif tree.children:
            line = breaks[number] if number < len(breaks) else breaks[-1]
            message = "an empty part: a --- with nothing before or after it, or two in a row"
            findings.append(Finding(line, message))
    return found, findings
