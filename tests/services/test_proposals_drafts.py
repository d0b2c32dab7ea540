"""Writing a draft: answers stored with the next step, bad ones refused, nothing lost."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.models.proposals import BenefitCategory, MediaKind
from bot.services import Services
from bot.services.proposals.answers import InvalidAnswer
from bot.services.proposals.rules import NewMedia
from bot.services.proposals.steps import DraftStep
from tests.services.proposal_helpers import (
    OTHER,
    WORKER,
    cast,
    submit,
    write,
)

VOICE = NewMedia(MediaKind.VOICE, "voice-file", "voice-unique")


@pytest.fixture
async def svc(database_url: str) -> AsyncIterator[Services]:
    """Services with a worker, a colleague, two reviewers and an admin."""
    async with cast(database_url) as services:
        yield services


def photo(n: int) -> NewMedia:
    """The n-th photo a worker sends."""
    return NewMedia(MediaKind.PHOTO, f"photo-{n}", f"photo-unique-{n}")


async def test_each_answer_moves_to_the_next_question(svc: Services) -> None:
    """Title, problem and solution are stored and each moves the draft one step on."""
    drafts = svc.proposal_drafts
    assert (await drafts.start(user_id=WORKER, place="line-3")).step == DraftStep.TITLE
    assert (
        await drafts.answer(user_id=WORKER, text="  焊接工装  快速定位 ")
    ).step == DraftStep.PROBLEM
    view = await drafts.answer(user_id=WORKER, text="换型找正慢")
    assert view.step == DraftStep.SOLUTION
    assert (view.title, view.problem, view.place) == ("焊接工装 快速定位", "换型找正慢", "line-3")
    assert await drafts.active() == {WORKER: DraftStep.SOLUTION.value}


async def test_bad_answers_are_refused_and_the_draft_kept(svc: Services) -> None:
    """Empty, 5,000 characters, a file where text is wanted: refused, step and answers unchanged."""
    drafts = svc.proposal_drafts
    await drafts.start(user_id=WORKER)
    await drafts.answer(user_id=WORKER, text="焊接工装快速定位")
    for text, reason in (("   ", "empty"), ("长" * 5000, "too_long"), (None, "text_expected")):
        with pytest.raises(InvalidAnswer) as refused:
            await drafts.answer(user_id=WORKER, text=text)
        assert refused.value.reason == reason
    with pytest.raises(InvalidAnswer):
        await drafts.attach(user_id=WORKER, media=photo(1))
    with pytest.raises(InvalidAnswer):
        await drafts.choose_benefit(user_id=WORKER, category=BenefitCategory.SAFETY)
    view = await drafts.current(user_id=WORKER)
    assert view is not None
    assert view.step == DraftStep.PROBLEM
    assert view.title == "焊接工装快速定位"


async def test_voice_note_replaces_problem_and_solution(svc: Services) -> None:
    """A voice note at the problem question skips the written solution and still submits."""
    drafts = svc.proposal_drafts
    await drafts.start(user_id=WORKER)
    await drafts.answer(user_id=WORKER, text="Spindle oil leak")
    view = await drafts.attach(user_id=WORKER, media=VOICE)
    assert view.step == DraftStep.BENEFIT
    assert view.voices == 1
    await drafts.choose_benefit(user_id=WORKER, category=BenefitCategory.SAFETY)
    for _ in range(3):
        await drafts.skip(user_id=WORKER)
    await drafts.choose_anonymous(user_id=WORKER, anonymous=False)
    moved = await drafts.submit(user_id=WORKER)
    card = await svc.proposals.card(proposal_id=moved.proposal_id, viewer_id=WORKER)
    assert card.voices == ("voice-file",)
    assert card.problem is None


async def test_at_most_five_photos_then_the_next_question(svc: Services) -> None:
    """The fifth photo ends the photo question; the same photo twice is kept once."""
    drafts = svc.proposal_drafts
    await drafts.start(user_id=WORKER)
    for text in ("Label the shelves", "Parts are hard to find", "Colour labels"):
        await drafts.answer(user_id=WORKER, text=text)
    await drafts.choose_benefit(user_id=WORKER, category=BenefitCategory.EFFICIENCY)
    await drafts.skip(user_id=WORKER)
    await drafts.attach(user_id=WORKER, media=photo(1))
    assert (await drafts.attach(user_id=WORKER, media=photo(1))).photos == 1
    for n in range(2, 5):
        assert (await drafts.attach(user_id=WORKER, media=photo(n))).step == DraftStep.PHOTOS
    view = await drafts.attach(user_id=WORKER, media=photo(5))
    assert view.photos == 5
    assert view.step == DraftStep.ATTACHMENT
    with pytest.raises(InvalidAnswer) as refused:
        await drafts.attach(
            user_id=WORKER, media=NewMedia(MediaKind.DOCUMENT, "f", "u", "setup.exe")
        )
    assert refused.value.reason == "unsupported_file"
    pdf = NewMedia(MediaKind.DOCUMENT, "doc", "doc-unique", "图纸.pdf")
    assert (await drafts.attach(user_id=WORKER, media=pdf)).documents == ("图纸.pdf",)


async def test_preview_edits_return_to_the_preview(svc: Services) -> None:
    """Editing the title from the preview asks it again and comes back to the preview."""
    await write(svc)
    drafts = svc.proposal_drafts
    assert (await drafts.current(user_id=WORKER)).step == DraftStep.PREVIEW  # type: ignore[union-attr]
    assert (await drafts.edit(user_id=WORKER, step=DraftStep.TITLE)).step == "e_title"
    view = await drafts.answer(user_id=WORKER, text="新标题")
    assert view.step == DraftStep.PREVIEW
    assert view.title == "新标题"
    await drafts.edit(user_id=WORKER, step=DraftStep.BENEFIT)
    await drafts.choose_benefit(user_id=WORKER, category=BenefitCategory.COST)
    assert (await drafts.skip(user_id=WORKER)).step == DraftStep.PREVIEW


async def test_incomplete_draft_cannot_be_submitted(svc: Services) -> None:
    """Submitting before the questions are answered is refused and the draft stays."""
    await svc.proposal_drafts.start(user_id=WORKER)
    await svc.proposal_drafts.answer(user_id=WORKER, text="Only a title")
    with pytest.raises(InvalidAnswer) as refused:
        await svc.proposal_drafts.submit(user_id=WORKER)
    assert refused.value.reason == "incomplete"
    assert await svc.proposal_drafts.current(user_id=WORKER) is not None


async def test_paused_draft_is_not_restored_and_resumes_where_it_was(svc: Services) -> None:
    """/cancel pauses the draft: no conversation after a restart, /idea continues at its step."""
    drafts = svc.proposal_drafts
    await drafts.start(user_id=WORKER)
    await drafts.answer(user_id=WORKER, text="焊接工装快速定位")
    await drafts.pause(user_id=WORKER)
    assert await drafts.active() == {}
    view = await drafts.resume(user_id=WORKER, place="weld-2")
    assert view.step == DraftStep.PROBLEM
    assert view.place == "weld-2"
    assert await drafts.active() == {WORKER: DraftStep.PROBLEM.value}


async def test_duplicate_hint_for_a_near_identical_title_only(svc: Services) -> None:
    """A colleague's near-identical title is offered; an unrelated one and one's own are not."""
    await submit(svc, title="减少焊接返工率的办法")
    await submit(svc, OTHER, title="Reduce the welding rework")
    drafts = svc.proposal_drafts
    await drafts.start(user_id=OTHER)
    hint = await drafts.answer(user_id=OTHER, text="减少焊接返工的方法")
    assert [line.title for line in hint.similar] == ["减少焊接返工率的办法"]
    await drafts.start(user_id=OTHER)
    assert (await drafts.answer(user_id=OTHER, text="改进食堂排队")).similar == ()
    await drafts.start(user_id=OTHER)
    assert (await drafts.answer(user_id=OTHER, text="Reduce welding rework")).similar == ()
    await drafts.start(user_id=WORKER)
    hint = await drafts.answer(user_id=WORKER, text="Reduce welding rework")
    assert [line.title for line in hint.similar] == ["Reduce the welding rework"]
