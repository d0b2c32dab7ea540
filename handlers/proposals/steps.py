"""The questions of /idea and the typed or sent answers; each is stored before the next question.

Every callback returns the step the draft is now on (the conversation state), ``None`` to
stay on the same question after a bad answer, or ``END`` when the draft is done with.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot import render
from bot.context import Context
from bot.i18n import Html
from bot.models.proposals import BenefitCategory, MediaKind
from bot.render import Button
from bot.services.proposals.answers import MAX_PHOTOS, InvalidAnswer
from bot.services.proposals.rules import NewMedia, ProposalNotFound
from bot.services.proposals.steps import DraftStep, DraftView
from handlers import keyboards
from handlers.parts import MissingPart, message_of, sender_id, text_of
from handlers.proposals.buttons import (
    ANONYMOUS,
    BENEFIT,
    DISCARD,
    EDIT,
    GO_ON,
    SKIP_AT,
    STUDIO,
    SUBMIT,
    SUPPORT_INSTEAD,
)
from handlers.proposals.cards import line, plain, preview

END = ConversationHandler.END
EDITABLE = (
    DraftStep.TITLE, DraftStep.PROBLEM, DraftStep.SOLUTION, DraftStep.BENEFIT,
    DraftStep.PHOTOS, DraftStep.ATTACHMENT, DraftStep.STUDIO, DraftStep.ANONYMOUS,
)  # fmt: skip


async def _keyboard(context: Context, draft: DraftView) -> InlineKeyboardMarkup | None:
    t, step = context.t, draft.question
    skip = Button(plain(t("common.skip")), SKIP_AT.build(draft.step))
    if step == DraftStep.BENEFIT:
        categories = keyboards.grid(
            list(BenefitCategory),
            lambda c: Button(plain(t(f"proposals.benefit.{c.value}")), BENEFIT.build(c.value)),
        )
        return render.inline(categories)
    if step == DraftStep.PHOTOS and draft.photos:
        return render.inline(
            [
                [
                    Button(
                        plain(t("proposals.photos.done", count=draft.photos, max=MAX_PHOTOS)),
                        SKIP_AT.build(draft.step),
                    )
                ]
            ]
        )
    if step in (DraftStep.BENEFIT_TEXT, DraftStep.PHOTOS, DraftStep.ATTACHMENT):
        return render.inline([[skip]])
    if step == DraftStep.STUDIO:
        studios = await context.services.proposals.studios()
        rows = keyboards.grid(studios, lambda s: Button(s[1], STUDIO.build(s[0])))
        return render.inline(
            [*rows, [Button(plain(t("proposals.ask.no_studio")), STUDIO.build(0))]]
        )
    if step == DraftStep.ANONYMOUS:
        return render.inline(
            [
                [
                    Button(plain(t("proposals.ask.anonymous_yes")), ANONYMOUS.build(1)),
                    Button(plain(t("proposals.ask.anonymous_no")), ANONYMOUS.build(0)),
                ]
            ]
        )
    if step == DraftStep.PREVIEW:
        return _preview_keyboard(context, draft)
    return None


def _preview_keyboard(context: Context, draft: DraftView) -> InlineKeyboardMarkup | None:
    t = context.t
    edits = keyboards.grid(
        EDITABLE, lambda s: Button(plain(t(f"proposals.edit.{s.value}")), EDIT.build(s.value))
    )
    final = [
        Button(plain(t("proposals.preview.submit")), SUBMIT.build(draft.id)),
        Button(plain(t("proposals.preview.discard")), DISCARD.build()),
    ]
    return render.inline([*edits, final])


def keycap(number: int) -> str:
    """A question's number as people see it: 1️⃣ … 9️⃣, 🔟, then plain digits."""
    if 1 <= number <= 9:
        return f"{number}\ufe0f\u20e3"
    return "🔟" if number == 10 else f"{number}."


def intro(context: Context, steps: tuple[DraftStep, ...], place: str | None = None) -> str:
    """What /idea says first: how many questions there are and what they ask, in their order."""
    t = context.t
    names = t("proposals.step.separator").join(t(f"proposals.step.{s.value}") for s in steps)
    text = t("proposals.intro", count=len(steps), steps=Html(names))
    return f"{text}\n{t('proposals.card.place', place=place)}" if place else text


async def ask(update: Update, context: Context, draft: DraftView, *, intro: str = "") -> str:
    """Ask the draft's current question (or show the preview); the step is the new state.

    A question carries its number among the questions this draft asks, as the intro counted
    them: a question not asked (no studios, a voice note for problem and solution) leaves no gap.
    """
    t = context.t
    question: str
    if draft.question == DraftStep.PREVIEW:
        question = preview(t, draft)
    else:
        question = t(f"proposals.ask.{draft.question.value}", max=MAX_PHOTOS)
        if draft.number is not None:
            question = f"{keycap(draft.number)} {question}"
    text = f"{intro}\n\n{question}" if intro else question
    await render.reply(update, context, text, await _keyboard(context, draft))
    return draft.step


async def refuse(update: Update, context: Context, error: InvalidAnswer) -> None:
    """Explain why an answer was refused and ask the same question again."""
    await render.reply(
        update, context, context.t.plural(f"proposals.invalid.{error.reason}", error.limit)
    )
    draft = await context.services.proposal_drafts.current(user_id=sender_id(update))
    if draft is not None:
        await ask(update, context, draft)


async def lost(update: Update, context: Context) -> int:
    """The draft is gone (submitted or dropped elsewhere): say so and leave the conversation."""
    await render.answer(update)
    await render.reply(
        update, context, context.t("proposals.no_draft"), keyboards.main_menu(context.t)
    )
    return END


async def msg_idea_text(update: Update, context: Context) -> str | int | None:
    """A typed answer; after the title, similar proposals are offered before going on."""
    try:
        draft = await context.services.proposal_drafts.answer(
            user_id=sender_id(update), text=text_of(update)
        )
    except InvalidAnswer as error:
        await refuse(update, context, error)
        return None
    except ProposalNotFound:
        return await lost(update, context)
    if draft.similar:
        await _offer_similar(update, context, draft)
        return draft.step
    return await ask(update, context, draft)


async def _offer_similar(update: Update, context: Context, draft: DraftView) -> None:
    t = context.t
    rows = [
        [
            Button(
                plain(t("proposals.similar.support", label=line(t, item))),
                SUPPORT_INSTEAD.build(item.id),
            )
        ]
        for item in draft.similar
    ]
    rows.append([Button(plain(t("proposals.similar.go_on")), GO_ON.build())])
    await render.reply(update, context, t("proposals.similar.found"), render.inline(rows))


async def _attach(
    update: Update, context: Context, media: NewMedia, size: int | None = None
) -> str | int | None:
    try:
        draft = await context.services.proposal_drafts.attach(
            user_id=sender_id(update), media=media, size=size
        )
    except InvalidAnswer as error:
        await refuse(update, context, error)
        return None
    except ProposalNotFound:
        return await lost(update, context)
    if draft.question == DraftStep.PHOTOS:
        await render.reply(
            update,
            context,
            context.t("proposals.photos.saved", count=draft.photos, max=MAX_PHOTOS),
            await _keyboard(context, draft),
        )
        return draft.step
    await render.reply(update, context, context.t(f"proposals.saved.{media.kind.value}"))
    return await ask(update, context, draft)


async def msg_idea_photo(update: Update, context: Context) -> str | int | None:
    """A photo of the problem (up to five)."""
    photo = message_of(update).photo[-1]
    return await _attach(
        update, context, NewMedia(MediaKind.PHOTO, photo.file_id, photo.file_unique_id)
    )


async def msg_idea_voice(update: Update, context: Context) -> str | int | None:
    """A voice note: the spoken problem and solution, or an extra explanation."""
    voice = message_of(update).voice
    if voice is None:
        raise MissingPart("no voice note")
    return await _attach(
        update, context, NewMedia(MediaKind.VOICE, voice.file_id, voice.file_unique_id)
    )


async def msg_idea_document(update: Update, context: Context) -> str | int | None:
    """A document such as a drawing or a measurement sheet."""
    doc = message_of(update).document
    if doc is None:
        raise MissingPart("no document")
    media = NewMedia(
        MediaKind.DOCUMENT, doc.file_id, doc.file_unique_id, (doc.file_name or "")[:128] or None
    )
    return await _attach(update, context, media, doc.file_size)


async def msg_idea_other(update: Update, context: Context) -> None:
    """A sticker, video or anything else the question cannot take."""
    draft = await context.services.proposal_drafts.current(user_id=sender_id(update))
    reason = "unsupported_file"
    if draft is not None and draft.question in (
        DraftStep.TITLE,
        DraftStep.PROBLEM,
        DraftStep.SOLUTION,
        DraftStep.BENEFIT_TEXT,
    ):
        reason = "text_expected"
    elif draft is not None and draft.question == DraftStep.BENEFIT:
        reason = "benefit_expected"
    await refuse(update, context, InvalidAnswer(reason))
