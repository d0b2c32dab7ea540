"""Checks on what people type or send while writing a proposal, and why an answer is refused."""

from __future__ import annotations

from pathlib import PurePath

from bot.models.proposals import COMMENT_MAX, TITLE_MAX, MediaKind
from bot.services.proposals.rules import ProposalError
from bot.services.proposals.steps import ASKS_TEXT, DraftStep

MAX_PHOTOS = 5
MAX_FILE_BYTES = 20 * 1024 * 1024
DOCUMENT_SUFFIXES = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".txt",
        ".jpg",
        ".jpeg",
        ".png",
        ".dwg",
        ".dxf",
        ".wps",
    }
)


class InvalidAnswer(ProposalError):
    """An answer the current question cannot take; ``reason`` names the catalog message.

    Reasons: ``empty``, ``too_long`` (with ``limit``), ``text_expected``, ``photo_expected``,
    ``benefit_expected``, ``voice_or_document``, ``buttons``, ``unsupported_file``,
    ``file_too_big``, ``photo_limit``, ``incomplete``, ``stale`` (a choice that no longer
    exists), ``passed`` (a button of a question the draft has already moved past).
    """

    def __init__(self, reason: str, *, limit: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


def clean_text(text: str | None, limit: int) -> str:
    """Trimmed text within ``limit`` characters, line breaks kept."""
    if text is None:
        raise InvalidAnswer("text_expected")
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    value = "\n".join(lines).strip()
    if not value:
        raise InvalidAnswer("empty")
    if len(value) > limit:
        raise InvalidAnswer("too_long", limit=limit)
    return value


def clean_title(text: str | None) -> str:
    """A one-line title within the title limit."""
    return clean_text(" ".join((text or "").split()) if text is not None else None, TITLE_MAX)


def clean_comment(text: str | None) -> str:
    """A comment or reason within the comment limit."""
    return clean_text(text, COMMENT_MAX)


def check_document(file_name: str | None, size: int | None) -> None:
    """Refuse files reviewers could not open (programs, archives) or too big to fetch."""
    if file_name is None or PurePath(file_name.lower()).suffix not in DOCUMENT_SUFFIXES:
        raise InvalidAnswer("unsupported_file")
    if size is not None and size > MAX_FILE_BYTES:
        raise InvalidAnswer("file_too_big")


def accepted_media(step: DraftStep) -> frozenset[MediaKind]:
    """Files a question takes (a voice note may tell the problem and solution)."""
    if step == DraftStep.PHOTOS:
        return frozenset({MediaKind.PHOTO})
    if step == DraftStep.ATTACHMENT:
        return frozenset({MediaKind.VOICE, MediaKind.DOCUMENT})
    if step in (DraftStep.PROBLEM, DraftStep.SOLUTION):
        return frozenset({MediaKind.VOICE})
    return frozenset()


def refusal(step: DraftStep) -> str:
    """Why a file was refused at ``step`` (the reason names what the question wants)."""
    if step in ASKS_TEXT:
        return "text_expected"
    if step == DraftStep.BENEFIT:
        return "benefit_expected"
    if step == DraftStep.ATTACHMENT:
        return "voice_or_document"
    return "photo_expected" if step == DraftStep.PHOTOS else "buttons"
