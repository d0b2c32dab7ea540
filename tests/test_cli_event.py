"""``engage event``: publish from the command line, then export the attendance list."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from typer.testing import CliRunner

from bot.cli.event import lead_times
from bot.cli.main import app
from bot.clock import utcnow
from bot.models.events import Answer
from bot.services import Services
from bot.services.events.views import EventView, reminder_key
from tests.conftest import make_settings

runner = CliRunner()
T = TypeVar("T")


def engage(database_url: str, *args: str) -> tuple[int, str, str]:
    """Run ``engage`` against the test database."""
    result = runner.invoke(app, list(args), env={"ENGAGE_DATABASE_URL": database_url})
    return result.exit_code, result.stdout, result.stderr


def with_services(database_url: str, work: Callable[[Services], Awaitable[T]]) -> T:
    """Run ``work(services)`` on the test database, as the bot would see it."""

    async def run() -> T:
        services = Services.build(make_settings(database_url))
        try:
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(run())


def test_create_publishes_schedules_reminders_and_queues_the_announcement(
    database_url: str,
) -> None:
    """An event from the CLI is published with its reminders and announced to everyone."""
    start = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%d 08:30")
    code, out, err = engage(
        database_url, "event", "create", "--title", "安全生产培训", "--start", start,
        "--end", "11:30", "--place", "宝鸡培训中心", "--capacity", "40", "--remind", "24h,90m",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "published: 安全生产培训" in out
    assert "start=checkin_" in out
    assert "announcement" in out

    async def check(services: Services) -> tuple[EventView | None, list[str], list[str]]:
        event = await services.events.find(event_id=1)
        jobs = [job.key for job in await services.scheduler.pending(prefix="event:1:")]
        queued = [job.key for job in await services.scheduler.pending(prefix="event_announce:")]
        return event, jobs, queued

    event, jobs, queued = with_services(database_url, check)
    assert event is not None
    assert (event.capacity, event.place) == (40, "宝鸡培训中心")
    assert event.ends_at - event.starts_at == timedelta(hours=3)
    assert sorted(jobs) == sorted([reminder_key(1, 1440), reminder_key(1, 90)])
    assert queued == ["event_announce:1"]  # the running bot renders and sends it


def test_create_refuses_an_unreadable_or_past_start(database_url: str) -> None:
    """A start that cannot be read, or has passed, is refused with the option named."""
    code, _, err = engage(database_url, "event", "create", "--title", "x", "--start", "someday")
    assert code == 2
    assert "--start" in err
    code, _, err = engage(database_url, "event", "create", "--title", "x", "--start", "2020-01-01")
    assert code == 2
    assert "past" in err


def test_attendance_export_in_both_formats(database_url: str, tmp_path: Path) -> None:
    """The attendance list is written as CSV (with a BOM) and XLSX, headed in Chinese."""

    async def prepare(services: Services) -> int:
        await services.users.seen(user_id=11, name="王师傅", language_code="zh")
        event = await services.events.create(title="观摩", starts_at=utcnow() + timedelta(days=1))
        await services.events.respond(event_id=event.id, user_id=11, answer=Answer.GOING)
        return event.id

    event_id = with_services(database_url, prepare)
    target = tmp_path / "list.csv"
    code, out, _ = engage(
        database_url, "event", "attendance", str(event_id), "--format", "csv", "-o", str(target)
    )
    assert code == 0
    assert "1 answered, 0 checked in" in out
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:2] == ["姓名", "Telegram ID"]
    assert rows[1][:2] == ["王师傅", "11"]
    assert rows[1][4] == "参加"

    xlsx = tmp_path / "list.xlsx"
    code, _, _ = engage(
        database_url, "event", "attendance", str(event_id), "--format", "xlsx", "-o", str(xlsx)
    )
    assert code == 0
    assert xlsx.read_bytes()[:2] == b"PK"
    code, _, err = engage(database_url, "event", "attendance", "999")
    assert code == 1
    assert "no published event 999" in err


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("24h,1h", (1440, 60)), ("2d, 30m", (2880, 30)), ("none", ()), ("", ())],
)
def test_lead_times_read_days_hours_and_minutes(text: str, minutes: tuple[int, ...]) -> None:
    """Reminder lead times are written as days, hours or minutes."""
    assert lead_times(text) == minutes
