"""Every kind of button pressed with forged data: answered once, nothing raised, nothing changed.

A modified client can put anything in a button's data. For every callback scheme the
handlers define, each of its numbers is replaced by a value no button of ours carries (0, a
negative, past PostgreSQL's INTEGER, 18 and 19 digits, Arabic-Indic digits, a trailing
newline), and one press carries no data at all. The press is answered exactly once (the
emulator fails the test on a second answer or none), the bot logs no error, tells nobody
"something went wrong", and no stored row changes.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

import handlers
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from handlers.callbacks import Callback
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import person
from tests.services.proposal_helpers import submit

pytestmark = pytest.mark.usefixtures("daytime")

ADMIN_ID = 900001
NUMBERS = ("0", "-1", str(2**31), str(10**18 - 1), "1" * 19, "٣", "1\n")
# Rows that change with any update at all: the inbox and when a person was last seen.
VOLATILE = {"inboxupdate": None, "user": {"last_seen_at", "flows"}}
# Schemes whose number is a choice rather than a row's id: 0 is a real option there.
CHOICES = {"set:quiet", "set:digest", "prog:board", "learn:courses", "onb:page", "evd:page"}


def schemes() -> list[Callback]:
    """Every callback scheme declared at the top of a handlers module."""
    found: dict[str, Callback] = {}
    for module in _modules():
        for value in vars(module).values():
            if isinstance(value, Callback):
                found.setdefault(value.prefix, value)
    return sorted(found.values(), key=lambda s: s.prefix)


def _modules() -> list[Any]:
    import importlib
    import pkgutil

    modules = []
    for info in pkgutil.walk_packages(handlers.__path__, "handlers."):
        modules.append(importlib.import_module(info.name))
    return modules


def forged(scheme: Callback) -> list[str]:
    """Data of this kind with every number replaced by each forged value.

    0 is left out where it is one of the options (a preset, a page): pressing it is real use.
    """
    if not any(issubclass(kind, int) for kind in scheme.args):
        return []
    numbers = [n for n in NUMBERS if not (n == "0" and scheme.prefix in CHOICES)]
    return [
        ":".join([scheme.prefix, *(n if issubclass(k, int) else "x" for k in scheme.args)])
        for n in numbers
    ]


async def snapshot(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row but the volatile columns, table by table."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    async with services.db.connection() as connection:
        for table in SQLModel.metadata.sorted_tables:
            skip = VOLATILE.get(table.name, set())
            if table.name in VOLATILE and skip is None:
                continue
            columns = [c for c in table.columns if c.name not in (skip or set())]
            rows = (await connection.execute(select(*columns))).all()
            tables[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return tables


async def press_everything(user: SimUser, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Press every forged button once; the presses that were not answered once, or raised."""
    bad = []
    presses: list[str | None] = [None, ""]
    for scheme in schemes():
        presses.extend(forged(scheme))
    for data in presses:
        caplog.clear()
        before = len(user.history)
        query = await user.press_data(data)
        with contextlib.suppress(AssertionError):  # counted below
            await user.answer_to(query)
        await user.settle(quiet=0.02)
        answers = [a for a in user.callback_answers if a.query_id == query]
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        apologies = [m for m in user.history[before:] if "出错" in m.text or "没有保存" in m.text]
        if len(answers) != 1 or errors or apologies:
            logged = [r.exc_text or r.getMessage() for r in errors][:1]
            bad.append(f"{data!r}: {len(answers)} answers, {logged}, {apologies[:1]}")
    return bad


@pytest.mark.parametrize("role", [None, Role.ADMIN], ids=["worker", "admin"])
async def test_every_forged_press_is_answered_once_and_changes_nothing(
    emulator: Emulator,
    bot: BotRunner,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    role: Role | None,
) -> None:
    """A worker and an admin press every scheme with forged numbers and with no data."""
    presser = await person(emulator, services, "改包的人", role=role)
    await presser.send("/learn")
    await presser.reply()
    choices = [s for s in schemes() if s.prefix in CHOICES]
    assert len(choices) == len(CHOICES), "a choice scheme was renamed"
    before = await snapshot(services)

    bad = await press_everything(presser, caplog)

    assert bad == []
    after = await snapshot(services)
    assert [name for name in before if before[name] != after[name]] == []


def test_the_table_covers_every_scheme() -> None:
    """The walk finds the schemes of every feature folder, with numbers to forge."""
    found = schemes()
    assert len(found) > 140
    features = {s.feature for s in found}
    assert {"idea", "rev", "my", "admin", "ann", "ev", "learn", "quiz", "team", "ask"} <= features
    assert sum(1 for s in found if forged(s)) > 90


async def test_buttons_for_someone_elses_things_are_refused_before_any_question(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Another author's withdraw, another team's log, a reviewer's accept: refused, not asked."""
    author = await person(emulator, services, "提建议的人")
    other = await person(emulator, services, "隔壁班组")
    moved = await submit(services, user_id=author.id)
    team = await services.network.teams.create(name="焊接服务队", by=author.id)
    before = await snapshot(services)

    for data, refusal in (
        (f"my:wd:{moved.proposal_id}", "不存在"),
        (f"team:log:{team.id}", "只有他们能"),
        (f"rev:acc:{moved.proposal_id}", "没有权限"),
    ):
        query = await other.press_data(data)
        assert refusal in ((await other.answer_to(query)).text or "")
        await other.settle(quiet=0.05)
        assert other.drain() == [], data  # no question was asked

    assert await snapshot(services) == before
