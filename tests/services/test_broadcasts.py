"""Broadcasts as rows: audiences, routing by push settings, claiming, outcomes and follow-ups."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from bot.models.broadcasts import Delivery, DeliveryStatus
from bot.models.events import Event, Rsvp
from bot.models.users import RoleGrant, User
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from bot.services.broadcasts.broadcasts import InvalidBroadcast
from bot.services.broadcasts.outbox import Outcome

NOON = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
LATE_EVENING = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
Status = DeliveryStatus


async def add_people(
    services: Services, count: int, *, start: int = 1, **fields: object
) -> list[int]:
    """Insert ``count`` active users with the given profile fields; their ids."""
    ids = list(range(start, start + count))
    async with services.db.session() as session:
        for user_id in ids:
            session.add(User(id=user_id, name=f"user{user_id}", onboarding_step=None, **fields))  # type: ignore[arg-type]
    return ids


async def enterprise(services: Services, name: str) -> int:
    """An enterprise's id."""
    return (await services.enterprises.named(name=name)).id


async def deliveries(services: Services, broadcast_id: int) -> list[Delivery]:
    """Every delivery row of a broadcast."""
    async with services.db.reader() as session:
        rows = await session.exec(select(Delivery).where(Delivery.broadcast_id == broadcast_id))
        return list(rows.all())


async def announce(services: Services, audience: Audience | None = None, **options: object) -> int:
    """An announcement to ``audience`` (everyone by default)."""
    return await services.broadcasts.create(
        kind="announcement",
        html_zh="<b>通知</b>：明天安全检查",
        html_en="<b>Notice</b>: safety check tomorrow",
        audience=audience or Audience(everyone=True),
        created_by=None,
        **options,  # type: ignore[arg-type]
    )


async def test_audience_kinds_combine_with_and_values_with_or(services: Services) -> None:
    """Enterprise A or B, AND the welding shop, AND craftsmen: only people matching all three."""
    a = await enterprise(services, "A厂")
    b = await enterprise(services, "B厂")
    c = await enterprise(services, "C厂")
    await add_people(services, 2, start=1, enterprise_id=a, department="焊接车间")
    await add_people(services, 2, start=3, enterprise_id=b, department="焊接车间")
    await add_people(services, 2, start=5, enterprise_id=c, department="焊接车间")
    await add_people(services, 2, start=7, enterprise_id=a, department="装配车间")
    async with services.db.session() as session:
        for user_id in (1, 3, 5, 7):
            session.add(RoleGrant(user_id=user_id, role="craftsman"))
    await services.users.deactivate(user_id=2)
    audience = services.broadcasts.audience

    assert await audience.resolve(Audience(enterprise_ids=(a, b))) == [1, 3, 4, 7, 8]
    welders = Audience(enterprise_ids=(a, b), departments=("焊接车间",))
    assert await audience.resolve(welders) == [1, 3, 4]
    assert await audience.resolve(
        Audience(enterprise_ids=(a, b), departments=("焊接车间",), roles=("craftsman",))
    ) == [1, 3]
    assert await audience.count(Audience(everyone=True)) == 7
    assert await audience.resolve(Audience()) == []
    assert await audience.resolve(Audience(roles=("worker",))) == [1, 3, 4, 5, 6, 7, 8]


async def test_event_audience_is_the_people_going(services: Services) -> None:
    """An event's audience is those who answered "going", not maybe or declined."""
    await add_people(services, 4)
    async with services.db.session() as session:
        event = Event(title="培训", checkin_token="tok1", status="published")
        session.add(event)
        await session.flush()
        for user_id, answer in ((1, "going"), (2, "maybe"), (3, "declined"), (4, "going")):
            session.add(Rsvp(event_id=event.id, user_id=user_id, answer=answer))
    assert await services.broadcasts.audience.resolve(Audience(event_id=event.id)) == [1, 4]


async def test_create_writes_one_row_per_recipient_routed_by_their_settings(
    services: Services,
) -> None:
    """At noon rows are due at once; an opted-out user gets none; a digest user waits till 18:00."""
    await add_people(services, 5)
    preferences = services.preferences
    await preferences.set_mode(user_id=4, topic="announcements", mode="off")
    await preferences.set_mode(user_id=5, topic="announcements", mode="digest")
    with time_machine.travel(NOON, tick=False):
        broadcast_id = await announce(services)
    rows = {row.user_id: row for row in await deliveries(services, broadcast_id)}
    assert sorted(rows) == [1, 2, 3, 5]
    assert {rows[i].status for i in (1, 2, 3)} == {Status.PENDING}
    assert rows[1].due_at == NOON
    assert rows[5].status == Status.DIGEST
    assert rows[5].due_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    report = await services.broadcasts.reports.one(broadcast_id=broadcast_id)
    assert report is not None
    assert report.opted_out == 1
    assert report.total == 4


async def test_quiet_hours_hold_non_urgent_messages_until_morning(services: Services) -> None:
    """At 23:00 an ordinary announcement waits until 07:00 local time; an urgent one goes now."""
    await add_people(services, 2)
    await services.preferences.set_quiet_hours(user_id=2, start=0, end=0)
    with time_machine.travel(LATE_EVENING, tick=False):
        ordinary = await announce(services)
        urgent = await announce(services, urgent=True)
        rows = {row.user_id: row for row in await deliveries(services, ordinary)}
        assert rows[1].due_at == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
        assert rows[2].due_at == LATE_EVENING
        assert {row.due_at for row in await deliveries(services, urgent)} == {LATE_EVENING}
        outbox = services.broadcasts.outbox
        first = await outbox.claim(limit=2, worker="w")
        assert {(c.broadcast_id, c.user_id) for c in first} == {(urgent, 1), (urgent, 2)}
        rest = await outbox.claim(limit=10, worker="w")
        assert [(c.broadcast_id, c.user_id) for c in rest] == [(ordinary, 2)]
        report = await services.broadcasts.reports.one(broadcast_id=ordinary)
        assert report is not None
        assert report.held == 1


async def test_two_senders_never_claim_the_same_row(services: Services) -> None:
    """Claims racing on one database split the rows between them without overlap."""
    await add_people(services, 300)
    broadcast_id = await announce(services, urgent=True)
    outbox = services.broadcasts.outbox
    batches = await asyncio.gather(*(outbox.claim(limit=40, worker=f"w{i}") for i in range(10)))
    assert all(len(batch) <= 40 for batch in batches)
    claimed = [row.id for batch in batches for row in batch]
    assert len(claimed) == len(set(claimed)) == 300
    assert {row.status for row in await deliveries(services, broadcast_id)} == {Status.CLAIMED}


async def test_outcomes_recorded_in_a_batch_and_crash_leftovers_become_unknown(
    services: Services,
) -> None:
    """Sent, blocked and failed are recorded; rows left sending by a dead process are unknown."""
    await add_people(services, 5)
    broadcast_id = await announce(services, urgent=True)
    outbox = services.broadcasts.outbox
    claimed = await outbox.claim(limit=5, worker="dead")
    await outbox.attempting(ids=[row.id for row in claimed])
    await outbox.record(
        [
            Outcome(claimed[0].id, claimed[0].user_id, Status.SENT, message_id=11),
            Outcome(claimed[1].id, claimed[1].user_id, Status.BLOCKED, error="Forbidden"),
            Outcome(
                claimed[2].id,
                claimed[2].user_id,
                Status.FAILED,
                error="Bad Request: chat not found",
            ),
        ]
    )
    assert await outbox.recover(worker="alive") == {broadcast_id: 2}
    report = await services.broadcasts.reports.one(broadcast_id=broadcast_id)
    assert report is not None
    assert (
        report.count(Status.SENT),
        report.count(Status.BLOCKED),
        report.count(Status.FAILED),
    ) == (1, 1, 1)
    assert report.count(Status.UNKNOWN) == 2
    assert report.state == "finished"
    blocked = await services.users.find(user_id=claimed[1].user_id)
    assert blocked is not None
    assert not blocked.is_active

    assert await services.broadcasts.resend_unknown(broadcast_id=broadcast_id) == 2
    again = await outbox.claim(limit=5, worker="alive")
    assert sorted(c.user_id for c in again) == sorted(c.user_id for c in claimed[3:])


async def test_rows_claimed_but_never_attempted_go_back_to_pending_after_a_crash(
    services: Services,
) -> None:
    """Of a dead sender's rows only those marked sending are unknown; the rest are sent again."""
    await add_people(services, 10)
    broadcast_id = await announce(services, urgent=True)
    outbox = services.broadcasts.outbox
    claimed = await outbox.claim(limit=10, worker="dead")
    await outbox.attempting(ids=[row.id for row in claimed[:3]])
    assert await outbox.recover(worker="alive") == {broadcast_id: 3}
    statuses = [row.status for row in await deliveries(services, broadcast_id)]
    assert sorted(statuses) == [Status.PENDING] * 7 + [Status.UNKNOWN] * 3
    again = await outbox.claim(limit=10, worker="alive")
    assert sorted(c.id for c in again) == sorted(c.id for c in claimed[3:])


async def test_cancel_stops_what_is_not_yet_sent(services: Services) -> None:
    """Cancelling leaves sent rows alone and cancels pending ones; cancelling again does nothing."""
    await add_people(services, 3)
    broadcast_id = await announce(services, urgent=True)
    outbox = services.broadcasts.outbox
    first = (await outbox.claim(limit=1, worker="w"))[0]
    await outbox.record([Outcome(first.id, first.user_id, Status.SENT, message_id=1)])
    assert await services.broadcasts.cancel(broadcast_id=broadcast_id)
    assert not await services.broadcasts.cancel(broadcast_id=broadcast_id)
    assert await outbox.claim(limit=5, worker="w") == []
    report = await services.broadcasts.reports.one(broadcast_id=broadcast_id)
    assert report is not None
    assert report.state == "cancelled"
    assert (report.count(Status.SENT), report.count(Status.CANCELLED)) == (1, 2)


async def test_must_read_reminds_the_unread_at_most_twice(services: Services) -> None:
    """Two reminder rounds go to those who have not tapped Read; readers get no more of them."""
    await add_people(services, 3)
    with time_machine.travel(NOON, tick=False):
        broadcast_id = await announce(services, must_read=True)
    outbox = services.broadcasts.outbox
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        sent = await outbox.claim(limit=5, worker="w")
        await outbox.record(
            [Outcome(c.id, c.user_id, Status.SENT, message_id=100 + c.user_id) for c in sent]
        )
        assert (
            await services.broadcasts.followups.acknowledge(broadcast_id=broadcast_id, user_id=1)
            == "done"
        )
        assert (
            await services.broadcasts.followups.acknowledge(broadcast_id=broadcast_id, user_id=1)
            == "again"
        )
        assert (
            await services.broadcasts.followups.acknowledge(broadcast_id=broadcast_id, user_id=99)
            == "unknown"
        )
    job = await services.scheduler.find(key=f"broadcast:{broadcast_id}:remind:1")
    assert job is not None
    assert job.due_at == NOON + timedelta(hours=24)

    with time_machine.travel(NOON + timedelta(hours=24), tick=False):
        assert await services.broadcasts.followups.remind(broadcast_id=broadcast_id, round=1) == 2
        reminders = await outbox.claim(limit=5, worker="w")
        assert sorted((r.user_id, r.round, r.reply_to) for r in reminders) == [
            (2, 1, 102),
            (3, 1, 103),
        ]
        await outbox.record(
            [Outcome(r.id, r.user_id, Status.SENT, message_id=1) for r in reminders]
        )
        assert (
            await services.broadcasts.followups.acknowledge(broadcast_id=broadcast_id, user_id=2)
            == "done"
        )
    with time_machine.travel(NOON + timedelta(hours=48), tick=False):
        assert await services.broadcasts.followups.remind(broadcast_id=broadcast_id, round=2) == 1
    assert await services.scheduler.find(key=f"broadcast:{broadcast_id}:remind:3") is None
    report = await services.broadcasts.reports.one(broadcast_id=broadcast_id)
    assert report is not None
    assert report.acknowledged == 2
    assert report.reminded == 2


async def test_digest_bundles_each_users_due_items_under_one_row(services: Services) -> None:
    """Two digest items for one user become one digest row at 18:00; the report follows its fate."""
    await add_people(services, 2)
    for user_id in (1, 2):
        await services.preferences.set_mode(user_id=user_id, topic="announcements", mode="digest")
    with time_machine.travel(NOON, tick=False):
        first = await announce(services)
        second = await announce(services)
        assert await services.broadcasts.followups.promote_digests() == 0
    evening = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert await services.broadcasts.followups.promote_digests(evening) == 2
    assert await services.broadcasts.followups.promote_digests(evening) == 0
    outbox = services.broadcasts.outbox
    carriers = await outbox.claim(limit=10, worker="w", now=evening)
    assert len(carriers) == 2
    assert all(c.is_digest for c in carriers)
    items = await outbox.digest_items(carrier_id=carriers[0].id)
    assert [item.broadcast_id for item in items] == [first, second]
    await outbox.record(
        [Outcome(c.id, c.user_id, Status.SENT, carrier=True, message_id=7) for c in carriers]
    )
    report = await services.broadcasts.reports.one(broadcast_id=second)
    assert report is not None
    assert report.count(Status.SENT) == 2


async def test_scheduled_and_recurring_broadcasts_start_once_per_time(services: Services) -> None:
    """A scheduled broadcast starts once; each occurrence of a recurring one starts once."""
    await add_people(services, 2)
    with time_machine.travel(NOON, tick=False):
        later = await announce(services, send_at=NOON + timedelta(hours=1))
        weekly = await announce(services, cron="0 8 * * mon")
    assert await deliveries(services, later) == []
    job = await services.scheduler.find(key=f"broadcast:{later}")
    assert job is not None
    assert job.kind == "announcement"
    assert await services.broadcasts.start(broadcast_id=later) == later
    assert await services.broadcasts.start(broadcast_id=later) is None
    assert len(await deliveries(services, later)) == 2

    monday = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    occurrence = await services.broadcasts.start(
        broadcast_id=weekly, occurrence_at=monday, late=True
    )
    assert occurrence is not None
    assert occurrence != weekly
    assert await services.broadcasts.start(broadcast_id=weekly, occurrence_at=monday) is None
    assert len(await deliveries(services, occurrence)) == 2
    report = await services.broadcasts.reports.one(broadcast_id=occurrence)
    assert report is not None
    assert report.late


async def test_invalid_broadcasts_are_refused(services: Services) -> None:
    """Unknown kinds, empty or over-long text, bad schedules and naive times are refused."""
    with pytest.raises(InvalidBroadcast):
        await services.broadcasts.create(
            kind="spam", html_zh="x", html_en="x", audience=Audience(everyone=True), created_by=None
        )
    with pytest.raises(InvalidBroadcast):
        await services.broadcasts.create(
            kind="announcement",
            html_zh="<b></b>",
            html_en="x",
            audience=Audience(everyone=True),
            created_by=None,
        )
    with pytest.raises(InvalidBroadcast):
        await services.broadcasts.create(
            kind="announcement",
            html_zh="长" * 4097,
            html_en="x",
            audience=Audience(everyone=True),
            created_by=None,
        )
    with pytest.raises(InvalidBroadcast):
        await announce(services, cron="61 8 * * *")
    with pytest.raises(InvalidBroadcast):
        await announce(services, send_at=datetime(2030, 1, 1))  # noqa: DTZ001
