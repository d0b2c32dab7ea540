"""Studio coverage on a known fixture, reports rolled up the tree, all-or-nothing imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from bot.clock import utcnow
from bot.models.network import ExpertProfile
from bot.models.proposals import Proposal
from bot.models.users import Enterprise, User
from bot.services import Services
from bot.services.core.tables import read_table, write_table
from bot.services.network.import_rules import columns
from tests.network_helpers import FIXTURES, KINDS, load_network


async def _rows(services: Services) -> tuple[int, int, int]:
    async with services.db.reader() as session:
        counts = []
        for model in (User, Enterprise, ExpertProfile):
            counts.append(int((await session.exec(select(func.count()).select_from(model))).one()))
        return counts[0], counts[1], counts[2]


async def test_coverage_by_city_and_enterprise_on_the_fixture(services: Services) -> None:
    """12 first-line experts, 6 in a studio: 50% against 80%, 4 people short; per city and firm."""
    await load_network(services)
    studios = services.network.studios
    report = await studios.coverage()
    assert report.unit is not None
    assert report.unit.name == "陕西省"
    total = report.total
    assert (total.population, total.covered, total.target, total.gap) == (12, 6, 0.8, 4)
    assert total.share == pytest.approx(0.5)
    by_city = {r.label: (r.population, r.covered, r.gap) for r in report.by_area}
    assert by_city == {"宝鸡市": (5, 4, 0), "汉中市": (1, 0, 1), "西安市": (6, 2, 3)}
    by_firm = {r.label: (r.population, r.covered, r.gap) for r in report.by_enterprise}
    assert by_firm["中铁一局五公司"] == (4, 1, 3)
    assert by_firm["宝鸡钛业股份有限公司"] == (2, 2, 0)
    assert report.by_enterprise[0].label == "中铁一局五公司"


async def test_a_citys_own_target_changes_its_gap_but_not_the_provinces(services: Services) -> None:
    """Xi'an aims at 90%: its gap grows from 3 to 4 people; the province keeps 80%."""
    await load_network(services)
    xian = await services.network.reports.find_unit(path="陕西省/西安市")
    assert xian is not None
    assert xian.target == 0.8
    assert not xian.own_target
    await services.network.studios.set_target(unit_id=xian.id, target=0.9)
    city = await services.network.studios.coverage(unit_id=xian.id)
    assert (city.total.population, city.total.covered, city.total.gap) == (6, 2, 4)
    # the city's own people (in no county) are its direct line, named after the city
    assert {r.label: r.gap for r in city.by_area} == {"高陵区": 1, "西安市": 3}
    assert [r.direct for r in city.by_area if r.label == "西安市"] == [True]
    province = await services.network.studios.coverage()
    assert province.total.target == 0.8
    assert province.total.gap == 4


async def test_reports_roll_up_from_enterprise_to_province(services: Services) -> None:
    """A visit logged by a Baoji member counts in Baoji and in the province, not in Xi'an."""
    await load_network(services)
    await services.users.seen(user_id=1004, name="李国强", language_code="zh")
    teams = services.network.teams
    team = await teams.create(name="宝鸡劳模服务队", by=1004)
    await teams.start_activity(team_id=team.id, user_id=1004, kind="visit")
    await teams.add(user_id=1004, text="走访宝钛，指导焊接工艺")
    await teams.save(user_id=1004)
    async with services.db.session() as session:
        baoji_firm = (
            await session.exec(select(Enterprise).where(Enterprise.name == "宝鸡钛业股份有限公司"))
        ).one()
        session.add(
            Proposal(
                author_id=1003,
                enterprise_id=baoji_firm.id,
                status="accepted",
                title="钛焊缝氩气拖罩",
                year=2026,
                seq=7,
                decided_at=utcnow(),
            )
        )
    report = await services.network.reports.level()
    assert report.area.tally.counts["visit"] == 1
    assert report.area.tally.counts["studios"] == 4
    assert report.area.tally.counts["proposals"] == 1
    cities = {c.unit.name: c for c in report.children if c.unit}
    assert cities["宝鸡市"].tally.counts["visit"] == 1
    assert cities["宝鸡市"].tally.counts["proposals"] == 1
    assert cities["西安市"].tally.counts["proposals"] == 0
    dossier = await services.network.reports.dossier(user_id=1003)
    assert dossier is not None
    assert dossier.counts["proposals"] == 1
    assert dossier.entries[0].detail == "2026-0007 钛焊缝氩气拖罩"
    assert cities["西安市"].tally.counts["visit"] == 0
    assert cities["西安市"].tally.counts["studios"] == 2
    assert (cities["西安市"].coverage.population, cities["西安市"].coverage.gap) == (6, 3)


async def test_import_with_bad_rows_reports_each_and_changes_nothing(services: Services) -> None:
    """Four bad rows are reported by row and column; not even the good row is written."""
    before = await _rows(services)
    header, rows = read_table(FIXTURES / "network_experts_bad.csv")
    result = await services.network.imports.run(kind="experts", header=header, rows=rows)
    assert not result.ok
    found = {(p.row, p.column) for p in result.problems}
    assert found == {
        (3, "telegram_id"),
        (4, "name"),
        (5, "field"),
        (5, "first_line"),
        (6, "telegram_id"),
    }
    assert "same as row 2" in next(p.message for p in result.problems if p.row == 6)
    assert await _rows(services) == before


async def test_import_is_idempotent_and_exports_import_back(
    services: Services, tmp_path: Path
) -> None:
    """The same files twice change nothing the second time; an export re-imports unchanged."""
    await load_network(services)
    imports = services.network.imports
    for kind in KINDS:
        header, rows = read_table(FIXTURES / f"network_{kind}.csv")
        again = await imports.run(kind=kind, header=header, rows=rows)
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
        exported = tmp_path / f"{kind}.xlsx"
        write_table(exported, columns(kind), await imports.export(kind=kind))
        header, rows = read_table(exported)
        back = await imports.run(kind=kind, header=header, rows=rows)
        assert back.ok, (kind, back)
        assert back.unchanged == len(rows), (kind, back)


async def test_studio_with_unknown_members_is_refused(services: Services) -> None:
    """A studio naming people the bot does not know is reported and not created."""
    header = ["name", "leader_telegram_id", "members"]
    rows = [{"name": "新工作室", "leader_telegram_id": "777", "members": "778;779"}]
    result = await services.network.imports.run(kind="studios", header=header, rows=rows)
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "leader_telegram_id"),
        (2, "members"),
        (2, "members"),
    ]
    assert (await services.network.studios.registry())[1] == 0
