"""The dashboard's figures for teams, pairings, events and must-read notices, against written rows.

On the province of helpers.py (甲厂 1001-1004 and 乙厂 1005-1009 in 西安市, 丙厂 1010-1011 in
宝鸡市) each test writes the rows it counts, dated against now.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from bot.clock import utcnow
from bot.config import Settings
from bot.models.broadcasts import Broadcast, Delivery, DeliveryStatus
from bot.models.events import Event, EventStatus, Rsvp
from bot.models.network import Activity, PairCheckin, Pairing, ServedEnterprise, ServiceTeam
from bot.models.network import ServiceTeamMember as Member
from bot.services import Services
from tests.dashboard.helpers import ADMIN, XIAN_ORGANISER, Province, get


def ago(days: float) -> datetime:
    """A moment ``days`` before now."""
    return utcnow() - timedelta(days=days)


def near(iso: str | None, moment: datetime) -> bool:
    """Whether the API's ISO time is ``moment`` (to the minute)."""
    return iso is not None and abs(datetime.fromisoformat(iso) - moment) < timedelta(minutes=1)


@pytest.fixture
async def teams(services: Services, made: Province) -> dict[str, datetime]:
    """西安队 (2 members) serves 甲厂 and 丙厂; 宝鸡队 serves 丙厂 and has done nothing.

    西安队 logged at 甲厂 5 and 40 days ago, at 丙厂 3 days ago, and has an unfinished log.
    """
    firms = made.enterprises
    when = {"甲厂": ago(5), "丙厂": ago(3)}
    async with services.db.session() as session:
        xian, baoji = ServiceTeam(name="西安队"), ServiceTeam(name="宝鸡队")
        session.add_all([xian, baoji])
        await session.flush()
        x, b = xian.id or 0, baoji.id or 0
        session.add_all([Member(team_id=x, user_id=1001), Member(team_id=x, user_id=1005)])
        for team, firm in ((x, "甲厂"), (x, "丙厂"), (b, "丙厂")):
            session.add(ServedEnterprise(team_id=team, enterprise_id=firms[firm]))
        logs = [("甲厂", when["甲厂"], None), ("甲厂", ago(40), None), ("丙厂", when["丙厂"], None)]
        logs.append(("甲厂", ago(1), "note"))  # still being written: not counted
        for firm, at, step in logs:
            session.add(
                Activity(
                    team_id=x,
                    author_id=1001,
                    kind="visit",
                    enterprise_id=firms[firm],
                    step=step,
                    logged_at=None if step else at,
                    created_at=at,
                )
            )
    return when


@pytest.fixture
async def pairings(services: Services, made: Province) -> datetime:
    """1005 ↔ 甲厂 checked in 10 and 20 days ago (and 35); 1006 ↔ 丙厂 never, for 30 days.

    A pairing still being set up (not active) is not listed. Returns the last check-in's time.
    """
    firms = made.enterprises
    last = ago(10)
    async with services.db.session() as session:
        busy = Pairing(expert_id=1005, enterprise_id=firms["甲厂"], active=True, created_at=ago(60))
        quiet = Pairing(
            expert_id=1006, enterprise_id=firms["丙厂"], active=True, created_at=ago(30)
        )
        unfinished = Pairing(expert_id=1007, enterprise_id=firms["甲厂"], step="goals")
        session.add_all([busy, quiet, unfinished])
        await session.flush()
        for at, step in ((last, None), (ago(20), None), (ago(35), None), (ago(2), "note")):
            session.add(
                PairCheckin(pairing_id=busy.id or 0, author_id=1005, step=step, created_at=at)
            )
    return last


async def test_teams_are_counted_over_30_days_quiet_first_and_by_scope(
    client: httpx.AsyncClient, settings: Settings, teams: dict[str, datetime]
) -> None:
    """The admin sees both teams, the idle one first; 西安市 sees only what was done at 甲厂."""
    found = (await get(client, settings, "activity", ADMIN))["teams"]
    counts = [(t["name"], t["members"], t["enterprises"], t["recent"]) for t in found]
    assert counts == [("宝鸡队", 0, 1, 0), ("西安队", 2, 2, 2)]
    assert found[0]["last"] is None
    assert near(found[1]["last"], teams["丙厂"])
    city = (await get(client, settings, "activity", XIAN_ORGANISER))["teams"]
    assert [(t["name"], t["enterprises"], t["recent"]) for t in city] == [("西安队", 1, 1)]
    assert near(city[0]["last"], teams["甲厂"])


async def test_pairings_count_check_ins_flag_the_overdue_and_obey_the_scope(
    client: httpx.AsyncClient, settings: Settings, pairings: datetime
) -> None:
    """Two check-ins in 30 days for 甲厂's pair; 丙厂's, silent past its 14 days, comes first."""
    found = (await get(client, settings, "activity", ADMIN))["pairings"]
    lines = [(p["enterprise"], p["recent"], p["overdue"], p["cadence_days"]) for p in found]
    assert lines == [("丙厂", 0, True, 14), ("甲厂", 2, False, 14)]
    assert found[0]["last"] is None
    assert near(found[1]["last"], pairings)
    city = (await get(client, settings, "activity", XIAN_ORGANISER))["pairings"]
    assert [(p["enterprise"], p["recent"]) for p in city] == [("甲厂", 2)]


@pytest.fixture
async def events(services: Services, made: Province) -> None:
    """Two events held in the last 30 days, one in the 30 before, one called off; the answers.

    Recent: 1001 and 1010 went and checked in, 1002 said going and did not come, 1003 maybe.
    Before: 1001 said going and did not come. 1004 was going to the one called off.
    """
    held = [("a", 5, EventStatus.PUBLISHED), ("b", 10, EventStatus.PUBLISHED)]
    held += [("c", 40, EventStatus.PUBLISHED), ("d", 3, EventStatus.CANCELLED)]
    async with services.db.session() as session:
        ids = {}
        for token, days, status in held:
            event = Event(title=token, starts_at=ago(days), status=status, checkin_token=token)
            session.add(event)
            await session.flush()
            ids[token] = event.id or 0
        answers = [("a", 1001, "going", True), ("a", 1002, "going", False)]
        answers += [("b", 1010, "going", True), ("b", 1003, "maybe", False)]
        answers += [("c", 1001, "going", False), ("d", 1004, "going", False)]
        for token, user_id, answer, came in answers:
            checked = ago(4) if came else None
            session.add(
                Rsvp(event_id=ids[token], user_id=user_id, answer=answer, checked_in_at=checked)
            )


async def test_events_and_attendance_match_the_rows(
    client: httpx.AsyncClient, settings: Settings, events: None
) -> None:
    """2 events held now against 1 before; 2 of 3 going came (the admin), 1 of 2 in 西安市."""
    figures = {f["key"]: f for f in (await get(client, settings, "overview", ADMIN))["figures"]}
    held = figures["events"]
    assert (held["value"], held["recent"], held["previous"]) == (2, 2, 1)
    came = figures["attendance"]
    assert came["recent"] == pytest.approx(2 / 3, abs=1e-4)
    assert came["previous"] == 0.0
    city = {
        f["key"]: f for f in (await get(client, settings, "overview", XIAN_ORGANISER))["figures"]
    }
    assert city["attendance"]["recent"] == 0.5  # 1001 came, 1002 did not; 丙厂's 1010 is Baoji's


@pytest.fixture
async def must_read(services: Services, made: Province) -> None:
    """A must-read notice 2 days ago to 1001 ✓, 1002, 1005 ✓, 1010; one 40 days ago to 1001 ✓.

    Not counted: a reminder round, an ordinary notice read by 1003, a delivery still pending.
    """
    async with services.db.session() as session:
        now_, before, plain = (
            Broadcast(kind="announce", html_zh="", html_en="", must_read=True),
            Broadcast(kind="announce", html_zh="", html_en="", must_read=True),
            Broadcast(kind="announce", html_zh="", html_en=""),
        )
        session.add_all([now_, before, plain])
        await session.flush()
        rows = [(now_, 1001, 0, True), (now_, 1002, 0, False), (now_, 1005, 0, True)]
        rows += [(now_, 1010, 0, False), (now_, 1002, 1, False), (plain, 1003, 0, True)]
        for broadcast, user_id, round_, read in rows:
            session.add(_sent(broadcast, user_id, ago(2), read, round_))
        session.add(_sent(before, 1001, ago(40), True))
        session.add(Delivery(broadcast_id=now_.id, user_id=1004))  # pending, never sent


def _sent(
    broadcast: Broadcast, user_id: int, at: datetime, read: bool, round_: int = 0
) -> Delivery:
    return Delivery(
        broadcast_id=broadcast.id,
        user_id=user_id,
        round=round_,
        status=DeliveryStatus.SENT.value,
        sent_at=at,
        acknowledged_at=at + timedelta(hours=1) if read else None,
    )


async def test_must_read_rate_counts_first_deliveries_acknowledged(
    client: httpx.AsyncClient, settings: Settings, must_read: None
) -> None:
    """3 of 5 acknowledged in all (2 of 4 lately, 1 of 1 before); 西安市: 3 of 4, 2 of 3."""
    figures = {f["key"]: f for f in (await get(client, settings, "overview", ADMIN))["figures"]}
    rate = figures["must_read"]
    assert (rate["value"], rate["recent"], rate["previous"]) == (0.6, 0.5, 1.0)
    city = {
        f["key"]: f for f in (await get(client, settings, "overview", XIAN_ORGANISER))["figures"]
    }
    assert city["must_read"]["value"] == 0.75
    assert city["must_read"]["recent"] == pytest.approx(2 / 3, abs=1e-4)
