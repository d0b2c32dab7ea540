"""Learners in chat: courses, lessons, quizzes, practice and progress, in Chinese and English."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlmodel import col, select

from bot.clock import utcnow
from bot.config import Settings
from bot.content import Question, load
from bot.models.learning import Lesson
from bot.sandbox import BotMessage, CallbackAnswer, Emulator, SimUser
from bot.services import Services
from bot.services.core.qr import qr_png
from tests.conftest import CONTENT, BotRunner, make_settings

CATALOGUE = load(CONTENT)
QUESTIONS: dict[str, Question] = {
    question.text.text(locale): question
    for course in CATALOGUE.courses
    for question in course.questions
    for locale in ("zh", "en")
}
SUBMIT = {"zh": "✔️ 提交", "en": "✔️ Submit"}


@pytest.fixture
def settings(database_url: str, emulator: Emulator) -> Settings:
    """The bot with an admin, sending as fast as the emulator's per-chat flood limit allows."""
    return make_settings(database_url, emulator, admin_ids=[900001])


async def read_lesson(worker: SimUser, shown: BotMessage | None = None) -> list[BotMessage]:
    """The messages of a lesson, part by part ("Next part ▶"), up to the lesson's own buttons.

    ``shown`` is a part already received; without it the lesson's first message is awaited.
    """
    messages = [shown or await worker.reply()]
    while True:
        while not messages[-1].buttons:
            messages.append(await worker.reply())
        next_part = [text for text, data in messages[-1].buttons[0] if "learn:part:" in str(data)]
        if not next_part:
            return messages
        await worker.press(next_part[0], message_id=messages[-1].message_id)
        messages.append(await worker.reply())


async def registered(emulator: Emulator, name: str, lang: str) -> SimUser:
    """A user who sent /start and skipped onboarding."""
    worker = emulator.user(name, lang=lang)
    await worker.send("/start")
    await worker.replies(2)
    await worker.send("/cancel")
    await worker.reply()
    return worker


async def toast(worker: SimUser, query_id: str | None) -> CallbackAnswer:
    """The bot's answer to one button press (what the spinner turns into)."""
    return await worker.answer_to(query_id)


def question_of(message: BotMessage) -> Question:
    """The content question a quiz message shows."""
    return next(q for text, q in QUESTIONS.items() if text in message.text)


def shown_rightness(message: BotMessage, lang: str) -> list[bool]:
    """Whether each option, in the order the message shows them (A, B, …), is a right one."""
    question = question_of(message)
    lines = message.text.splitlines()
    shown = []
    for letter in "ABCDEF"[: len(question.options)]:
        text = next(line for line in lines if line.startswith(f"{letter}. "))[3:]
        option = next(o for o in question.options if getattr(o, lang) == text)
        shown.append(option.correct)
    return shown


async def answer(worker: SimUser, message: BotMessage, lang: str, *, right: bool) -> None:
    """Answer the question in ``message`` rightly or wrongly, with the buttons."""
    question = question_of(message)
    rightness = shown_rightness(message, lang)
    correct = [i for i, is_right in enumerate(rightness) if is_right]
    chosen = correct if right else [rightness.index(False)]
    if question.kind == "single":
        await worker.press("ABCDEF"[chosen[0]])
        return
    for index in chosen:
        await worker.press(f"☐ {'ABCDEF'[index]}")
        assert any(f"☑ {'ABCDEF'[index]}" in text for text in (await worker.reply()).button_texts)
    await worker.press(SUBMIT[lang])


async def take_quiz(worker: SimUser, first: BotMessage, lang: str, wrong: int = 0) -> BotMessage:
    """Answer every question (the first ``wrong`` ones wrongly); return the score message."""
    message, index = first, 0
    while True:
        await answer(worker, message, lang, right=index >= wrong)
        index += 1
        verdict = await worker.reply()
        assert verdict.edited
        assert "💡" in verdict.text
        following = verdict.button_texts
        if not following:
            return await worker.reply()  # the last question: the score follows the verdict
        await worker.press(following[0])
        read, message = await worker.replies(2)  # the button goes, the next question comes
        assert read.message_id == verdict.message_id


async def test_full_journey_in_chinese(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A worker browses, reads two lessons, takes the quiz, and sees points and streak."""
    worker = await registered(emulator, "王师傅", "zh-hans")
    await worker.send("📚 学习")
    courses = await worker.reply()
    assert "课程" in courses.text
    assert "▫️ 0/4 劳模精神与工匠精神" in courses.button_texts

    await worker.press("▫️ 0/4 劳模精神与工匠精神")
    course = await worker.reply()
    assert course.edited
    assert "已学完 0/4 课" in course.text
    first_title = course.button_texts[0]
    assert first_title.startswith("📖 1.")

    await worker.press(first_title)
    parts = await read_lesson(worker)
    lesson = parts[-1]
    assert "第 1/4 课" in "".join(m.text for m in parts)
    assert [text for text, _ in lesson.buttons[0]] == ["◀️ 返回课程", "下一课 ▶️"]
    assert "第 3/3 部分" in lesson.text
    assert "来源：" in lesson.text
    finished = [answer.text for answer in worker.callback_answers]
    assert finished[-1] == "✅ 学完一课，+10 积分"  # reaching the last part completes the lesson

    await toast(worker, await worker.press("下一课 ▶️"))
    second_parts = await read_lesson(worker)
    second = second_parts[-1]
    assert "第 2/4 课" in "".join(m.text for m in second_parts)
    assert "📝 测验" in second.button_texts

    await worker.press("📝 测验")
    first_question = await worker.reply()
    assert "第 1/" in first_question.text
    score = await take_quiz(worker, first_question, "zh", wrong=1)
    total = len(CATALOGUE.courses[0].questions)
    assert f"测验完成：{total - 1}/{total}" in score.text
    assert "/practice" in score.text

    await worker.send("/progress")
    progress = await worker.reply()
    assert "连续学习：1 天" in progress.text
    assert "已学完：2/" in progress.text
    assert "测验最好" in progress.text
    points = await services.points.total(user_id=worker.id, reasons=("lesson", "quiz"))
    assert points == 2 * 10 + (total - 1) * 2
    assert f"学习积分：{points}" in progress.text


async def test_full_journey_in_english_with_retry_and_practice(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A miss, a retry to full marks, and the missed question practised a day later."""
    worker = await registered(emulator, "Li Wei", "en")
    await worker.send("/learn")
    await worker.reply()
    await worker.press("▫️ 0/4 Everyday safety and quality routines")
    course = await worker.reply()
    assert "Finished 0/4 lessons" in course.text
    quiz_button = next(text for text in course.button_texts if text.startswith("📝"))
    await worker.press(quiz_button)
    score = await take_quiz(worker, await worker.reply(), "en", wrong=1)
    n = len(CATALOGUE.courses[4].questions)
    assert f"Quiz finished: {n - 1}/{n}" in score.text
    assert f"Your best score: {n - 1}/{n}" in score.text

    await worker.press("🔁 Try again")
    retry = await take_quiz(worker, await worker.reply(), "en")
    assert f"Quiz finished: {n}/{n}" in retry.text
    assert f"Your best score: {n}/{n}" in retry.text
    assert "points earned" in retry.text

    await worker.send("/practice")
    assert "Nothing to practise" in (await worker.reply()).text
    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1), tick=True):
        await worker.send("/practice")
        practice = await worker.reply()
        assert "Practice" in practice.text
        assert "1 due today" in practice.text
        await answer(worker, practice, "en", right=True)
        verdict, done = await worker.replies(2)
        assert "Right!" in verdict.text
        assert "practice done" in done.text
        await worker.send("/practice")
        assert "Nothing to practise" in (await worker.reply()).text


async def test_quiz_edge_cases_are_answered_politely(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Double answers, forged options and empty submits never crash or count twice."""
    worker = await registered(emulator, "Sam", "en")
    course_id = (await services.learning.courses(user_id=worker.id, locale="en"))[0][0].id
    await worker.send("/learn")
    await worker.reply()
    await worker.press_data(f"quiz:start:{course_id}")
    question = await worker.reply()
    question_id = int(str(question.buttons[0][0][1]).split(":")[2])

    forged = await worker.press_data(f"quiz:ans:{question_id}:9", message_id=question.message_id)
    assert "no longer available" in ((await toast(worker, forged)).text or "")
    empty = await worker.press_data(f"quiz:sub:{question_id}:0", message_id=question.message_id)
    assert "tick at least one" in ((await toast(worker, empty)).text or "")

    await answer(worker, question, "en", right=True)
    await worker.reply()
    again = await worker.press_data(f"quiz:ans:{question_id}:0", message_id=question.message_id)
    assert "already answered" in ((await toast(worker, again)).text or "")

    missing = await worker.press_data("quiz:start:99999")
    assert "no longer available" in ((await toast(worker, missing)).text or "")
    best = await services.quizzes.best(user_id=worker.id, course_id=course_id)
    assert best is None


async def test_forged_callbacks_for_missing_lessons_are_answered_politely(
    emulator: Emulator, bot: BotRunner
) -> None:
    """A lesson, course or next button that does not exist gets a polite alert; garbage, a toast."""
    worker = await registered(emulator, "赵工", "zh")
    await worker.send("/learn")
    await worker.reply()
    for data in ("learn:lesson:99999", "learn:course:99999", "learn:next:99999", "learn:later:0"):
        answered = await toast(worker, await worker.press_data(data))
        assert answered.show_alert
        assert "不存在" in (answered.text or "")
    answered = await toast(worker, await worker.press_data("learn:lesson:abc"))
    assert "已失效" in (answered.text or "")
    assert worker.pending_replies() == []


async def open_lesson(worker: SimUser, lesson_id: int) -> None:
    """/learn, then open one lesson by its button (as the course page offers it)."""
    await worker.send("/learn")
    await worker.reply()
    await worker.press_data(f"learn:lesson:{lesson_id}")


async def read_course(worker: SimUser, lesson_ids: list[int]) -> list[BotMessage]:
    """Open each lesson in turn, as a learner working through a course; every message received."""
    await worker.send("/learn")
    received = [await worker.reply()]
    for lesson_id in lesson_ids:
        await worker.press_data(f"learn:lesson:{lesson_id}")
        received += await read_lesson(worker)
    return received


@pytest.mark.telegram_limits
async def test_every_shipped_lesson_fits_telegram_in_both_languages(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Each lesson, zh and en, goes through the real bot within Telegram's limits."""
    async with services.db.reader() as session:
        rows = await session.exec(
            select(Lesson.course_id, Lesson.id).where(col(Lesson.retired_at).is_(None))
        )
        courses: dict[int, list[int]] = {}
        for course_id, lesson_id in rows.all():
            courses.setdefault(course_id, []).append(lesson_id or 0)
    assert sum(map(len, courses.values())) == CATALOGUE.lesson_count
    for course_id, lesson_ids in courses.items():
        pair = [emulator.user(f"reader{course_id}{lang}", lang=lang) for lang in ("zh", "en")]
        for received in await asyncio.gather(*(read_course(r, lesson_ids) for r in pair)):
            lessons = [m for m in received if m.buttons and "learn:back" in str(m.buttons[0][0][1])]
            assert len(lessons) == len(lesson_ids)
            assert all(len(m.text) <= 4096 for m in received)
    emulator.assert_no_violations()


async def test_remind_me_later_brings_the_lesson_back(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Remind me later keeps one durable reminder; three hours on, the lesson comes back."""
    worker = await registered(emulator, "陈师傅", "zh")
    lesson_id = (await services.learning.next_unread(user_id=worker.id)) or 0
    await open_lesson(worker, lesson_id)
    await read_lesson(worker)
    await toast(worker, await worker.press("⏰ 稍后提醒我"))
    later = await toast(worker, await worker.press("⏰ 稍后提醒我"))
    assert "提醒你接着学" in (later.text or "")
    assert len(await services.scheduler.pending(prefix=f"lesson_remind:{worker.id}:")) == 1
    with time_machine.travel(utcnow() + timedelta(hours=3, minutes=1), tick=True):
        await bot.services.scheduler.run_due()
        reminder = await worker.reply()
    assert "该接着学习了" in reminder.text
    await worker.press("📖 打开这一课")
    assert (await read_lesson(worker))[-1].buttons


async def test_lesson_of_the_day_arrives_at_the_chosen_time(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """At the chosen 07:00 (their timezone) the next unread lesson arrives; it can be stopped."""
    worker = await registered(emulator, "Ann", "en")
    await worker.send("/daily")
    menu = await worker.reply()
    assert "Now: off" in menu.text
    await worker.press("07:00")
    saved = await worker.reply()
    assert "every day at 07:00" in saved.text
    job = await services.scheduler.find(key=f"lesson_of_day:{worker.id}")
    assert job is not None
    assert job.due_at.astimezone(services.settings.zone).hour == 7
    with time_machine.travel(job.due_at + timedelta(seconds=5), tick=True):
        await bot.services.scheduler.run_due()
        pushed = await read_lesson(worker)
    assert "Lesson of the day" in pushed[0].text
    assert pushed[-1].buttons
    await worker.send("/daily")
    await worker.reply()
    await worker.press("🔕 Turn it off")
    assert "off" in (await worker.reply()).text
    assert await services.scheduler.pending(prefix=f"lesson_of_day:{worker.id}") == []


async def test_leaderboards_per_enterprise_and_workshop_with_opt_out(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Colleagues see each other on the enterprise and workshop boards, except who opts out."""
    enterprise = await services.enterprises.named(name="宝鸡石油机械")
    people = []
    for name in ("甲师傅", "乙师傅"):
        worker = emulator.user(name, lang="zh")
        await worker.send("/start")
        await worker.replies(2)
        await worker.press("宝鸡石油机械")
        await worker.replies(2)
        await worker.send("焊接车间")
        await worker.reply()
        await worker.send("/cancel")
        await worker.reply()
        people.append(worker)
    lesson_id = (await services.learning.next_unread(user_id=people[0].id)) or 0
    await services.progress.complete(user_id=people[0].id, lesson_id=lesson_id)
    await services.progress.complete(user_id=people[1].id, lesson_id=lesson_id)
    assert enterprise is not None

    first, second = people
    await second.send("/progress")
    board = await second.reply()
    assert "宝鸡石油机械" in board.text
    assert "焊接车间" in board.text
    assert board.text.count("甲师傅") == 2
    assert board.text.count("乙师傅") == 2
    await first.send("/progress")
    await first.reply()
    await first.press("🙈 不在排行榜上显示我")
    hidden = await first.reply()
    assert "你已选择不在排行榜上显示" in hidden.text
    await second.send("/progress")
    board = await second.reply()
    assert "甲师傅" not in board.text
    assert board.text.count("乙师傅") == 2


async def test_content_stats_for_admins_only(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An admin sees completion and right-answer rates, hardest first; a worker is refused."""
    worker = await registered(emulator, "Bo", "en")
    course_id = (await services.learning.courses(user_id=worker.id, locale="en"))[0][0].id
    await worker.press_data(f"quiz:start:{course_id}")
    await take_quiz(worker, await worker.reply(), "en", wrong=1)
    await worker.send("/content_stats")
    assert "not allowed" in (await worker.reply()).text

    admin = emulator.user("Admin", lang="en", user_id=900001)
    await admin.send("/content_stats")
    stats = await admin.reply()
    lines = stats.text.splitlines()
    questions = [line for line in lines if line.startswith("• ") and "(" in line and "/1)" in line]
    assert questions[0].startswith("• 0% (0/1)")
    assert questions[-1].startswith("• 100% (1/1)")
    assert "Completion" in stats.text


async def test_course_list_pages_and_lesson_pictures(
    emulator: Emulator, database_url: str, tmp_path: Path
) -> None:
    """Six courses take two pages; a lesson with a picture arrives as a captioned photo first."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    course = root / CATALOGUE.courses[0].folder
    (course / "images").mkdir(exist_ok=True)
    (course / "images" / "studio.png").write_bytes(qr_png("https://example.org/studio"))
    for language in ("zh", "en"):
        path = course / "lessons" / f"{CATALOGUE.courses[0].lessons[0].key}.{language}.md"
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "minutes:", "image: images/studio.png\nminutes:", 1
            ),
            encoding="utf-8",
        )
    runner = await BotRunner(make_settings(database_url, emulator, content_dir=root)).start()
    try:
        worker = await registered(emulator, "Kim", "en")
        await worker.send("/learn")
        first_page = await worker.reply()
        assert CATALOGUE.courses[5].title.en not in "".join(first_page.button_texts)
        await worker.press("Next ▶️")
        second_page = await worker.reply()
        assert any(CATALOGUE.courses[5].title.en in text for text in second_page.button_texts)
        await worker.press("◀️ Previous")
        await worker.reply()
        await worker.press(f"▫️ 0/4 {CATALOGUE.courses[0].title.en}")
        await worker.reply()
        await worker.press(f"📖 1. {CATALOGUE.courses[0].lessons[0].en.title}")
        photo, *text = await read_lesson(worker)
        assert photo.photo is not None
        assert photo.text == f"📖 {CATALOGUE.courses[0].lessons[0].en.title}"
        assert text[-1].buttons
    finally:
        await runner.stop()


async def test_lessons_turned_off_in_settings_silence_the_lesson_of_the_day(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """With “lesson of the day” off in /settings, the chosen 07:00 passes without a push."""
    worker = await registered(emulator, "Ben", "en")
    await worker.send("/daily")
    await worker.reply()
    await worker.press("07:00")
    await worker.reply()
    await services.preferences.set_mode(user_id=worker.id, topic="lessons", mode="off")
    job = await services.scheduler.find(key=f"lesson_of_day:{worker.id}")
    assert job is not None
    with time_machine.travel(job.due_at + timedelta(seconds=5), tick=True):
        await bot.services.scheduler.run_due()
        await worker.settle()
    assert worker.pending_replies() == []


async def test_two_learners_see_options_in_different_orders_and_both_are_marked_right(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Options are shuffled per learner: the right answer is not always A, and grading follows."""
    orders, scores = [], []
    for name in ("甲师傅", "乙师傅", "丙师傅"):
        worker = await registered(emulator, name, "zh-hans")
        await worker.send("/learn")
        await worker.reply()
        await worker.press("▫️ 0/4 劳模精神与工匠精神")
        course = await worker.reply()
        quiz = next(b for b in course.button_texts if "测验" in b)
        await worker.press(quiz)
        first = await worker.reply()
        orders.append([line for line in first.text.splitlines() if line[:3] in ("A. ", "B. ")])
        scores.append(await take_quiz(worker, first, "zh", wrong=1 if name == "丙师傅" else 0))
    assert len({tuple(order) for order in orders}) > 1
    total = len(CATALOGUE.courses[0].questions)
    assert f"测验完成：{total}/{total}" in scores[0].text
    assert f"测验完成：{total}/{total}" in scores[1].text
    assert f"测验完成：{total - 1}/{total}" in scores[2].text


async def lesson_ids(services: Services, course: int = 0) -> list[int]:
    """The lesson ids of the course at ``course`` in the list, in order."""
    cards, _ = await services.learning.courses(user_id=0, locale="en", limit=10)
    view = await services.learning.course(user_id=0, course_id=cards[course].id, locale="en")
    assert view is not None
    return [line.id for line in view.lessons]


async def test_english_counts_say_1_day_and_2_days(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A first day of lessons is a streak of "1 day in a row", the next day "2 days in a row"."""
    worker = await registered(emulator, "Li Wei", "en")
    first, second = (await lesson_ids(services))[:2]
    await services.progress.complete(user_id=worker.id, lesson_id=first)
    await worker.send("/progress")
    progress = await worker.reply()
    assert "Streak: 1 day in a row" in progress.text
    assert "1 days" not in progress.text

    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1), tick=True):
        await services.progress.complete(user_id=worker.id, lesson_id=second)
        await worker.send("/progress")
        assert "Streak: 2 days in a row" in (await worker.reply()).text


async def test_the_course_list_tells_not_started_from_in_progress_and_finished(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """▫️ a course not started, 📖 one under way, ✅ only once every lesson is read."""
    worker = await registered(emulator, "王师傅", "zh-hans")
    cards, _ = await services.learning.courses(user_id=worker.id, locale="zh", limit=10)
    first, second = cards[0], cards[1]
    lessons = await lesson_ids(services, 0)
    await services.progress.complete(user_id=worker.id, lesson_id=lessons[0])
    for lesson in await lesson_ids(services, 1):
        await services.progress.complete(user_id=worker.id, lesson_id=lesson)

    await worker.send("/learn")
    buttons = (await worker.reply()).button_texts
    assert f"📖 1/{first.total} {first.title}" in buttons
    assert f"✅ {second.total}/{second.total} {second.title}" in buttons
    untouched = [text for text in buttons if cards[2].title in text]
    assert untouched == [f"▫️ 0/{cards[2].total} {cards[2].title}"]
    assert not any(text.startswith("✅ 0/") for text in buttons)


async def test_a_lesson_goes_on_at_the_part_where_the_learner_stopped(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Part 1, part 2, away; opened again it goes on at part 2, or from the start on request."""
    worker = await registered(emulator, "Zhou Min", "en")
    lesson_id = (await services.learning.next_unread(user_id=worker.id)) or 0
    await open_lesson(worker, lesson_id)
    first = await worker.reply()
    while not first.buttons:
        first = await worker.reply()
    assert "Part 1 of 3" in first.text
    assert first.button_texts == ["Next part ▶"]
    await worker.press("Next part ▶")
    second = await worker.reply()
    assert "Part 2 of 3" in second.text
    late = await worker.press("Next part ▶", message_id=first.message_id)  # twice, or late
    assert (await toast(worker, late)).text == "That part is already below."
    assert (await worker.reply()).buttons == []  # and that button is taken off

    await open_lesson(worker, lesson_id)
    resumed = await worker.reply()
    assert "Carrying on with part 2 of 3" in resumed.text
    assert resumed.button_texts == ["⏮ From the start", "Next part ▶"]
    await worker.press("⏮ From the start")
    again = await worker.reply()
    while not again.buttons:
        again = await worker.reply()
    assert "Part 1 of 3" in again.text
    assert "Carrying on" not in again.text
    parts = await read_lesson(worker, again)
    assert "Source:" in parts[-1].text
    assert "◀️ Back" in parts[-1].button_texts


async def test_a_wrong_answers_explanation_stays_on_screen_until_next_is_pressed(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """After a wrong answer the explanation stays in view; the next question waits for 下一题."""
    worker = await registered(emulator, "钱师傅", "zh")
    course_id = (await services.learning.courses(user_id=worker.id, locale="zh"))[0][0].id
    await worker.press_data(f"quiz:start:{course_id}")
    first = await worker.reply()
    await answer(worker, first, "zh", right=False)
    verdict = await worker.reply()
    assert verdict.message_id == first.message_id
    assert "💡" in verdict.text
    assert verdict.button_texts == ["下一题 ▶"]
    await worker.settle()
    assert worker.last is not None
    assert worker.last.message_id == verdict.message_id  # nothing pushed it off screen
    await worker.press("下一题 ▶")
    read, second = await worker.replies(2)
    assert read.message_id == verdict.message_id
    assert "💡" in read.text
    assert read.button_texts == []  # pressed once: no second copy of the next question
    assert second.message_id != first.message_id
    assert question_of(second) != question_of(first)


async def test_practice_keeps_a_wrong_answers_explanation_until_next_is_pressed(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """In /practice a wrong answer's explanation stays in view; 下一题 ▶ brings the next due one."""
    worker = await registered(emulator, "孙师傅", "zh")
    course_id = (await services.learning.courses(user_id=worker.id, locale="zh"))[0][0].id
    await worker.press_data(f"quiz:start:{course_id}")
    await take_quiz(worker, await worker.reply(), "zh", wrong=2)
    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1), tick=True):
        await worker.send("/practice")
        first = await worker.reply()
        assert "今天还有 2 题" in first.text
        await answer(worker, first, "zh", right=False)
        verdict = await worker.reply()
        assert verdict.message_id == first.message_id
        assert "💡" in verdict.text
        assert verdict.button_texts == ["下一题 ▶"]
        await worker.settle()
        assert worker.last is not None
        assert worker.last.message_id == verdict.message_id  # nothing pushed it off screen

        await worker.press("下一题 ▶")
        read, second = await worker.replies(2)
        assert read.message_id == verdict.message_id
        assert "💡" in read.text
        assert read.button_texts == []
        assert "今天还有 1 题" in second.text
        assert question_of(second) != question_of(first)
        await answer(worker, second, "zh", right=True)
        last, done = await worker.replies(2)
        assert last.message_id == second.message_id
        assert last.button_texts == []  # nothing is due after it: no 下一题
        assert "复习完成" in done.text
