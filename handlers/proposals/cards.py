"""How proposals look in chat: the draft preview, cards, list lines.

Pure functions of a service view and a translator; every user value is escaped by ``t``.
"""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.i18n import Html, Translator
from bot.models.proposals import BenefitCategory, ProposalStatus
from bot.services.proposals.rules import HistoryEntry, ProposalCard, ProposalLine, Scores
from bot.services.proposals.steps import DraftView

STATUS_ICONS = {
    ProposalStatus.SUBMITTED: "📨",
    ProposalStatus.UNDER_REVIEW: "🔍",
    ProposalStatus.NEEDS_INFO: "❓",
    ProposalStatus.ACCEPTED: "✅",
    ProposalStatus.IMPLEMENTED: "🏁",
    ProposalStatus.REJECTED: "❌",
    ProposalStatus.WITHDRAWN: "↩️",
}

ANONYMITY = {True: "proposals.preview.anonymous_yes", False: "proposals.preview.anonymous_no"}


def status(t: Translator, value: ProposalStatus) -> str:
    """A status with its icon, in the reader's language."""
    return f"{STATUS_ICONS.get(value, '')} {t(f'proposals.status.{value.value}')}".strip()


def benefit(t: Translator, value: BenefitCategory | None) -> str:
    """A benefit category's name."""
    return t(f"proposals.benefit.{value.value}") if value else t("proposals.card.none")


def _join(parts: list[str]) -> Html:
    return Html("\n".join(part for part in parts if part))


def preview(t: Translator, draft: DraftView) -> Html:
    """The whole draft as it will be submitted, for a last look."""
    none = t("proposals.card.none")
    media = t(
        "proposals.preview.media",
        photos=t.plural("common.count.photos", draft.photos),
        voices=t.plural("common.count.voice_notes", draft.voices),
        documents=t.plural("common.count.files", len(draft.documents)),
    )
    anonymous = t(ANONYMITY[bool(draft.anonymous)])
    return _join(
        [
            t("proposals.preview.head"),
            t("proposals.card.title", title=draft.title or none),
            t(
                "proposals.card.problem",
                text=draft.problem or (t("proposals.card.by_voice") if draft.voices else none),
            ),
            t(
                "proposals.card.solution",
                text=draft.solution or (t("proposals.card.by_voice") if draft.voices else none),
            ),
            t(
                "proposals.card.benefit",
                category=benefit(t, draft.benefit),
                text=draft.benefit_text or "",
            ),
            media,
            t("proposals.card.place", place=draft.place) if draft.place else "",
            t("proposals.card.studio", studio=draft.studio) if draft.studio else "",
            anonymous,
            "" if draft.complete else t("proposals.preview.incomplete"),
        ]
    )


def scores(t: Translator, value: Scores) -> str:
    """Average scores, or a note that nobody scored yet."""
    if not value.reviewers:
        return t("proposals.card.no_scores")

    def shown(number: float | None) -> str:
        return f"{number:.1f}" if number is not None else "–"

    return t.plural(
        "proposals.card.scores",
        value.reviewers,
        feasibility=shown(value.feasibility),
        benefit=shown(value.benefit),
        novelty=shown(value.novelty),
    )


def attachments(t: Translator, view: ProposalCard) -> str:
    """How many photos, voice notes and files a proposal carries; empty when none."""
    if not (view.photos or view.voices or view.documents):
        return ""
    return t(
        "proposals.preview.media",
        photos=t.plural("common.count.photos", len(view.photos)),
        voices=t.plural("common.count.voice_notes", len(view.voices)),
        documents=t.plural("common.count.files", len(view.documents)),
    )


def history(t: Translator, entries: tuple[HistoryEntry, ...], zone: ZoneInfo) -> str:
    """The status history, one line per change, with comments."""
    lines: list[str] = [t("proposals.card.history")]
    for entry in entries:
        line = t(
            "proposals.card.history_line",
            at=t.when(entry.at, zone, pattern="short"),
            status=status(t, entry.to_status),
        )
        lines.append(
            f"{line}\n    {t('proposals.card.quote', text=entry.comment)}"
            if entry.comment
            else line
        )
    return "\n".join(lines)


def card(
    t: Translator,
    view: ProposalCard,
    zone: ZoneInfo,
    *,
    with_history: bool = True,
    with_scores: bool = False,
    with_media: bool = False,
) -> Html:
    """A submitted proposal: texts, place, author (or "anonymous"), support, maybe history.

    ``with_media`` counts its photos, voice notes and files (when it has any).
    """
    none = t("proposals.card.none")
    author = view.author_name or t("proposals.card.anonymous")
    if view.anonymous and view.author_name:
        author = t("proposals.card.anonymous_known", name=view.author_name)
    comments = [t("proposals.card.comment", name=name, text=text) for name, text in view.comments]
    return _join(
        [
            t("proposals.card.head", number=view.number, title=view.title),
            t("proposals.card.status", status=status(t, view.status)),
            t(
                "proposals.card.problem",
                text=view.problem or (t("proposals.card.by_voice") if view.voices else none),
            ),
            t(
                "proposals.card.solution",
                text=view.solution or (t("proposals.card.by_voice") if view.voices else none),
            ),
            t(
                "proposals.card.benefit",
                category=benefit(t, view.benefit),
                text=view.benefit_text or "",
            ),
            t("proposals.card.place", place=view.place) if view.place else "",
            t("proposals.card.studio", studio=view.studio) if view.studio else "",
            t("proposals.card.enterprise", enterprise=view.enterprise) if view.enterprise else "",
            t("proposals.card.author", author=author),
            attachments(t, view) if with_media else "",
            t("proposals.card.supporters", count=view.supporters),
            scores(t, view.scores) if with_scores else "",
            history(t, view.history, zone) if with_history and view.history else "",
            t("proposals.card.comments") if comments else "",
            "\n".join(comments),
        ]
    )


def plain(text: str) -> str:
    """Catalog text for a button label, which Telegram shows without parsing HTML."""
    return html.unescape(text)


def line(t: Translator, item: ProposalLine) -> str:
    """One proposal in a list, as a button label."""
    label = t("proposals.line", number=item.number, title=item.title, count=item.supporters)
    return plain(f"{STATUS_ICONS.get(item.status, '')} {label}")
