"""Events: capacity and waitlist, check-in once, reminders, who sees what, the guided draft."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import time_machine

from bot.clock import utcnow
from bot.models.events import Answer
from bot.models.users import Role
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from bot.services.events.drafts import DraftStep, InvalidAnswer
from bot.services.events.views import CheckInOutcome, EventClosed, InvalidEvent, reminder_key
from bot.text.timeparse import TimeParseError

# 10:00 in Shanghai tomorrow: events must start in the future of the real clock too.
NOW = (utcnow() + timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)
START = NOW + timedelta(days=2)


async def people(services: Services, count: int, first: int = 1) -> list[int]:
    """``count`` registered users, with ids counting up from ``first``."""
    ids = list(range(first, first + count))
    for user_id in ids:
        await services.users.seen(user_id=user_id, name=f"工人{user_id}", language_code="zh")
    return ids


async def test_full_event_waitlists_and_promotes_in_order(services: Services) -> None:
    """With two seats, the third and fourth wait; when one goes, the third is promoted."""
    a, b, c, d = await people(services, 4)
    event = await services.events.create(title="焊接技能培训", starts_at=START, capacity=2)

    for user_id in (a, b):
        assert (
            await services.events.respond(event_id=event.id, user_id=user_id, answer=Answer.GOING)
        ).answer == Answer.GOING
    third = await services.events.respond(event_id=event.id, user_id=c, answer=Answer.GOING)
    fourth = await services.events.respond(event_id=event.id, user_id=d, answer=Answer.GOING)
    assert (third.answer, third.position) == (Answer.WAITLISTED, 1)
    assert (fourth.answer, fourth.position) == (Answer.WAITLISTED, 2)

    left = await services.events.respond(event_id=event.id, user_id=a, answer=Answer.DECLINED)
    assert [p.user_id for p in left.promoted] == [c]
    assert left.event.going == 2
    card = await services.events.card(event_id=event.id, user_id=d)
    assert card is not None
    assert (card.answer, card.position, card.waiting) == (Answer.WAITLISTED, 1, 1)


async def test_answering_going_twice_keeps_one_seat(services: Services) -> None:
    """Pressing Going again neither takes a second seat nor loses the first."""
    (a,) = await people(services, 1)
    event = await services.events.create(title="班组安全会", starts_at=START, capacity=5)
    await services.events.respond(event_id=event.id, user_id=a, answer=Answer.GOING)
    again = await services.events.respond(event_id=event.id, user_id=a, answer=Answer.GOING)
    assert (again.answer, again.event.going) == (Answer.GOING, 1)


async def test_maybe_and_not_going_free_no_seat_they_did_not_hold(services: Services) -> None:
    """Only someone who held a seat frees one; a waitlisted person leaving promotes nobody."""
    a, b, c = await people(services, 3)
    event = await services.events.create(title="劳模宣讲", starts_at=START, capacity=1)
    await services.events.respond(event_id=event.id, user_id=a, answer=Answer.GOING)
    await services.events.respond(event_id=event.id, user_id=b, answer=Answer.GOING)
    await services.events.respond(event_id=event.id, user_id=c, answer=Answer.MAYBE)

    gone = await services.events.respond(event_id=event.id, user_id=b, answer=Answer.DECLINED)
    assert (gone.promoted, gone.event.going) == ([], 1)
    switched = await services.events.respond(event_id=event.id, user_id=a, answer=Answer.MAYBE)
    assert (switched.promoted, switched.event.going) == ([], 0)


async def test_many_people_racing_for_the_last_seat_get_exactly_one(services: Services) -> None:
    """Twelve simultaneous 'Going' presses for one seat seat exactly one person."""
    ids = await people(services, 12)
    event = await services.events.create(title="工匠讲堂", starts_at=START, capacity=1)

    results = await asyncio.gather(
        *(
            services.events.respond(event_id=event.id, user_id=user_id, answer=Answer.GOING)
            for user_id in ids
        )
    )

    assert sorted(r.answer for r in results).count(Answer.GOING) == 1
    assert sorted(r.position for r in results if r.position) == list(range(1, 12))
    found = await services.events.find(event_id=event.id)
    assert found is not None
    assert found.going == 1


async def test_answers_close_when_the_event_starts(services: Services) -> None:
    """Once the event has started, answering is refused."""
    (a,) = await people(services, 1)
    event = await services.events.create(title="开幕式", starts_at=START)
    with time_machine.travel(START + timedelta(minutes=1), tick=False), pytest.raises(EventClosed):
        await services.events.respond(event_id=event.id, user_id=a, answer=Answer.GOING)


async def test_check_in_works_once_and_only_around_the_event(services: Services) -> None:
    """The code opens two hours before, checks in once, and says when someone already did."""
    a, walk_in = await people(services, 2)
    event = await services.events.create(title="技能比武", starts_at=START, capacity=10)
    await services.events.respond(event_id=event.id, user_id=a, answer=Answer.GOING)
    token = event.checkin_token

    early = await services.events.check_in(token=token, user_id=a, now=START - timedelta(hours=3))
    first = await services.events.check_in(token=token, user_id=a, now=START - timedelta(minutes=5))
    again = await services.events.check_in(token=token, user_id=a, now=START)
    guest = await services.events.check_in(token=token, user_id=walk_in, now=START)
    late = await services.events.check_in(token=token, user_id=a, now=START + timedelta(hours=5))
    unknown = await services.events.check_in(token="nope", user_id=a, now=START)

    assert early.outcome == CheckInOutcome.NOT_OPEN
    assert first.outcome == CheckInOutcome.DONE
    assert (again.outcome, again.at) == (CheckInOutcome.ALREADY, first.at)
    assert guest.outcome == CheckInOutcome.DONE
    assert late.outcome == CheckInOutcome.CLOSED
    assert unknown.outcome == CheckInOutcome.UNKNOWN
    found = await services.events.find(event_id=event.id)
    assert found is not None
    assert found.going == 2


async def test_reminders_are_scheduled_24_hours_and_1_hour_before(services: Services) -> None:
    """Publishing schedules both reminders; one already past (a late event) is skipped."""
    with time_machine.travel(NOW, tick=False):
        far = await services.events.create(title="远", starts_at=START)
        near = await services.events.create(title="近", starts_at=NOW + timedelta(hours=3))
        custom = await services.events.create(title="自定", starts_at=START, remind_before=(30,))
    jobs = {job.key: job.due_at for job in await services.scheduler.pending(prefix="event:")}
    assert jobs == {
        reminder_key(far.id, 1440): START - timedelta(days=1),
        reminder_key(far.id, 60): START - timedelta(hours=1),
        reminder_key(near.id, 60): NOW + timedelta(hours=2),
        reminder_key(custom.id, 30): START - timedelta(minutes=30),
    }


async def test_events_are_shown_to_their_audience(services: Services) -> None:
    """An event for one enterprise is listed for its workers, not others; admins see all."""
    member, outsider, admin = await people(services, 3)
    ours = await services.enterprises.named(name="宝鸡石油机械")
    await services.onboarding.choose_enterprise(
        user_id=member, enterprise_id=ours.id, step="enterprise"
    )
    await services.users.grant(user_id=admin, role=Role.ADMIN)
    only_ours = Audience(enterprise_ids=(ours.id or 0,))
    private = await services.events.create(title="厂内培训", starts_at=START, audience=only_ours)
    public = await services.events.create(title="全省大会", starts_at=START + timedelta(hours=1))

    assert [e.id for e in await services.events.upcoming(user_id=member)] == [private.id, public.id]
    assert [e.id for e in await services.events.upcoming(user_id=outsider)] == [public.id]
    assert [e.id for e in await services.events.upcoming(user_id=admin)] == [private.id, public.id]


async def test_invalid_events_are_refused(services: Services) -> None:
    """No title, a past start, an end before the start or a capacity of zero are refused."""
    cases = [
        {"title": " ", "starts_at": START},
        {"title": "x", "starts_at": NOW - timedelta(days=1)},
        {"title": "x", "starts_at": START, "ends_at": START - timedelta(hours=1)},
        {"title": "x", "starts_at": START, "capacity": 0},
    ]
    with time_machine.travel(NOW, tick=False):
        for case in cases:
            with pytest.raises(InvalidEvent):
                await services.events.create(**case)  # type: ignore[arg-type]


async def test_attendance_lists_seated_people_first_with_check_ins(services: Services) -> None:
    """The export rows put those going first and show who checked in."""
    a, b, c = await people(services, 3)
    event = await services.events.create(title="观摩", starts_at=START, capacity=1)
    await services.events.respond(event_id=event.id, user_id=c, answer=Answer.MAYBE)
    await services.events.respond(event_id=event.id, user_id=a, answer=Answer.GOING)
    await services.events.respond(event_id=event.id, user_id=b, answer=Answer.GOING)
    await services.events.check_in(token=event.checkin_token, user_id=a, now=START)

    rows = await services.events.attendance(event_id=event.id)
    assert [(r.user_id, r.answer) for r in rows] == [
        (a, Answer.GOING),
        (b, Answer.WAITLISTED),
        (c, Answer.MAYBE),
    ]
    assert rows[0].checked_in_at is not None
    assert rows[1].checked_in_at is None


async def test_guided_draft_walks_the_questions_and_publishes(services: Services) -> None:
    """The organiser answers each question, skips two, picks an audience and publishes."""
    (organiser,) = await people(services, 1, first=900)
    drafts = services.event_drafts
    with time_machine.travel(NOW, tick=False):
        draft = await drafts.begin(user_id=organiser)
        assert draft.step == DraftStep.TITLE
        await drafts.answer(user_id=organiser, text="数控车工技能培训", timezone="Asia/Shanghai")
        await drafts.skip(user_id=organiser)
        await drafts.answer(user_id=organiser, text="培训中心301", timezone="Asia/Shanghai")
        with pytest.raises(InvalidAnswer):
            await drafts.skip(user_id=organiser)
        with pytest.raises(TimeParseError):
            await drafts.answer(user_id=organiser, text="随便", timezone="Asia/Shanghai")
        await drafts.answer(user_id=organiser, text="后天下午3点", timezone="Asia/Shanghai")
        step = await drafts.current(user_id=organiser)
        assert step is not None
        assert step.step == DraftStep.END
        await drafts.answer(user_id=organiser, text="2小时后", timezone="Asia/Shanghai")
        with pytest.raises(InvalidAnswer):
            await drafts.answer(user_id=organiser, text="零", timezone="Asia/Shanghai")
        await drafts.answer(user_id=organiser, text="30", timezone="Asia/Shanghai")
        assert await drafts.pending() == {organiser: DraftStep.AUDIENCE}
        await drafts.toggle(user_id=organiser, kind="role", value="craftsman")
        shown = await drafts.answer(user_id=organiser, text="焊接车间", timezone="Asia/Shanghai")
        assert shown.event.audience == Audience(roles=("craftsman",), departments=("焊接车间",))
        await drafts.audience_done(user_id=organiser)
        event = await drafts.publish(user_id=organiser)

    assert (event.title, event.place, event.capacity) == ("数控车工技能培训", "培训中心301", 30)
    day_after_tomorrow = NOW + timedelta(days=2)
    assert event.starts_at == day_after_tomorrow.replace(hour=7)  # 15:00 in Shanghai
    assert event.ends_at == day_after_tomorrow.replace(hour=9)
    assert await drafts.pending() == {}
    assert await services.events.find(event_id=event.id) is not None
