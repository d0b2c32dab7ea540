"""The catalogue as learners browse it: courses, lessons, what to read next, content statistics."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.content import load
from bot.services import Services
from tests.conftest import CONTENT, make_settings

CATALOGUE = load(CONTENT)


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    """Services on a fresh database with the shipped content synced and two learners."""
    built = Services.build(make_settings(database_url))
    await built.learning.sync(catalogue=CATALOGUE)
    for user_id in (1, 2):
        await built.users.seen(user_id=user_id, name=f"Learner {user_id}")
    yield built
    await built.close()


async def lesson_ids(services: Services, course_index: int = 0) -> list[int]:
    """Ids of a course's lessons, in order."""
    cards, _ = await services.learning.courses(user_id=1, locale="en", limit=10)
    view = await services.learning.course(user_id=1, course_id=cards[course_index].id, locale="en")
    assert view is not None
    return [line.id for line in view.lessons]


async def test_course_list_is_paged_in_order_with_progress(services: Services) -> None:
    """Courses come in folder order, five to a page, each with done/total for this learner."""
    first = (await lesson_ids(services))[0]
    await services.progress.complete(user_id=1, lesson_id=first)
    page, total = await services.learning.courses(user_id=1, locale="zh", offset=0, limit=5)
    assert total == len(CATALOGUE.courses)
    assert len(page) == 5
    assert [card.title for card in page] == [course.title.zh for course in CATALOGUE.courses[:5]]
    assert (page[0].done, page[0].total) == (1, 4)
    rest, _ = await services.learning.courses(user_id=2, locale="en", offset=5, limit=5)
    assert [card.title for card in rest] == [course.title.en for course in CATALOGUE.courses[5:]]


async def test_opening_a_lesson_gives_its_place_and_html(services: Services) -> None:
    """A lesson knows its neighbours, course and quiz; its body is Telegram HTML."""
    ids = await lesson_ids(services)
    view = await services.lessons.open(user_id=1, lesson_id=ids[1], locale="zh")
    assert view is not None
    assert (view.position, view.count, view.prev_id, view.next_id) == (2, 4, ids[0], ids[2])
    assert view.title == CATALOGUE.courses[0].lessons[1].zh.title
    assert view.has_quiz
    assert "**" not in view.html
    assert "###" not in view.html
    last = await services.lessons.open(user_id=1, lesson_id=ids[-1], locale="en")
    assert last is not None
    assert last.next_id is None


async def test_missing_lessons_and_courses_are_none(services: Services) -> None:
    """Unknown ids give None, never an exception."""
    assert await services.lessons.open(user_id=1, lesson_id=10_000, locale="zh") is None
    assert await services.learning.course(user_id=1, course_id=10_000, locale="zh") is None


async def test_next_unread_follows_the_course_being_studied(services: Services) -> None:
    """Next is the first unfinished lesson of the course last opened, else of the catalogue."""
    first_course, third_course = await lesson_ids(services, 0), await lesson_ids(services, 2)
    assert await services.learning.next_unread(user_id=1) == first_course[0]
    await services.lessons.open(user_id=1, lesson_id=third_course[0], locale="en")
    await services.progress.complete(user_id=1, lesson_id=third_course[0])
    assert await services.learning.next_unread(user_id=1) == third_course[1]


async def test_completing_twice_awards_points_once(services: Services) -> None:
    """A lesson completed again (a double tap, a re-read) earns its 10 points only once."""
    first = (await lesson_ids(services))[0]
    assert await services.progress.complete(user_id=1, lesson_id=first)
    assert not await services.progress.complete(user_id=1, lesson_id=first)
    assert await services.points.total(user_id=1) == 10


async def test_content_stats_show_completion_and_hardest_questions(services: Services) -> None:
    """Completion counts learners who finished every lesson; questions come hardest first."""
    ids = await lesson_ids(services)
    for lesson_id in ids:
        await services.progress.complete(user_id=1, lesson_id=lesson_id)
    await services.lessons.open(user_id=2, lesson_id=ids[0], locale="en")
    course_id = (await services.learning.courses(user_id=1, locale="en"))[0][0].id
    question = await services.quizzes.start(user_id=1, course_id=course_id, locale="en")
    assert question is not None
    await services.quizzes.answer(
        user_id=1, question_id=question.id, chosen=frozenset({5}), locale="en"
    )
    await services.quizzes.answer(
        user_id=1, question_id=question.id, chosen=frozenset({0}), locale="en"
    )
    stats = await services.learning.stats(locale="en")
    first = stats.courses[0]
    assert (first.learners, first.completed, first.rate) == (2, 1, 0.5)
    assert len(stats.questions) == 1
    assert stats.questions[0].answers == 1


async def test_a_lesson_is_read_part_by_part_and_resumed_where_left(services: Services) -> None:
    """Part 2 is where a learner comes back to; a part already reached is not shown again."""
    first = (await lesson_ids(services))[0]
    opened = await services.lessons.open(user_id=1, lesson_id=first, locale="zh")
    assert opened is not None
    assert (opened.part, opened.parts, opened.resumed, opened.last) == (1, 3, False, False)
    second = await services.lessons.turn(user_id=1, lesson_id=first, part=2, locale="zh")
    assert second is not None
    assert second.view is not None
    assert (second.view.part, second.completed) == (2, False)
    again = await services.lessons.turn(user_id=1, lesson_id=first, part=2, locale="zh")
    assert again is not None
    assert (again.view, again.completed) == (None, False)
    last = await services.lessons.turn(user_id=1, lesson_id=first, part=3, locale="zh")
    assert last is not None
    assert last.view is not None
    assert last.view.last
    assert last.completed
    assert await services.points.total(user_id=1) == 10
    assert await services.lessons.turn(user_id=1, lesson_id=first, part=4, locale="zh") is None


async def test_leaving_mid_lesson_resumes_there_and_a_finished_one_starts_again(
    services: Services,
) -> None:
    """Resume at the part reached; read to the end, a lesson opens at part 1 and stays done."""
    second = (await lesson_ids(services))[1]
    await services.lessons.open(user_id=1, lesson_id=second, locale="en")
    await services.lessons.turn(user_id=1, lesson_id=second, part=2, locale="en")
    resumed = await services.lessons.open(user_id=1, lesson_id=second, locale="en")
    assert resumed is not None
    assert (resumed.part, resumed.parts, resumed.resumed) == (2, 3, True)
    assert resumed.sources == ()
    restarted = await services.lessons.open(
        user_id=1, lesson_id=second, locale="en", from_start=True
    )
    assert restarted is not None
    assert (restarted.part, restarted.resumed) == (1, False)
    for part in (2, 3):
        turn = await services.lessons.turn(user_id=1, lesson_id=second, part=part, locale="en")
        assert turn is not None
        assert turn.view is not None
    assert turn.completed
    assert turn.view.sources
    reread = await services.lessons.open(user_id=1, lesson_id=second, locale="en")
    assert reread is not None
    assert (reread.part, reread.resumed) == (1, False)
    view = await services.learning.course(user_id=1, course_id=reread.course_id, locale="en")
    assert view is not None
    assert view.lessons[1].done
