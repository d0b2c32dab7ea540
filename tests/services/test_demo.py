"""``engage demo seed``: a living system for a first look, and nothing doubled when run twice."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.clock import utcnow
from bot.models.proposals import ProposalStatus
from bot.models.users import Role
from bot.sandbox.demo import ENTERPRISES, EVENT_TITLE, PEOPLE, PROPOSALS, seed
from bot.sandbox.demo_network import BASE_ROWS, EXPERT_ROWS, PAIRS, STUDIO_ROWS, TEAM
from bot.services import Services


async def test_seed_adds_enterprises_and_people_of_every_role(services: Services) -> None:
    """Every role is held by someone; each person has a finished profile at a demo enterprise."""
    report = await seed(services)
    assert report.enterprises == len(ENTERPRISES)
    assert report.people == len(PEOPLE)
    held = {role for person in PEOPLE for role in await services.users.roles(user_id=person.id)}
    assert held == set(Role)
    welder = await services.users.profile(user_id=PEOPLE[0].id)
    assert welder is not None
    assert (welder.enterprise, welder.department, welder.occupation) == (
        ENTERPRISES[0],
        "焊接车间",
        "焊工",
    )
    found = await services.users.find(user_id=PEOPLE[0].id)
    assert found is not None
    assert found.onboarding_step is None
    english = await services.users.find(user_id=PEOPLE[2].id)
    assert english is not None
    assert english.locale == "en"


async def test_seed_adds_proposals_in_every_state_and_an_upcoming_event(services: Services) -> None:
    """Proposals in every state after submission, and an open day next week with people going."""
    report = await seed(services)
    assert (report.extras["proposals"], report.extras["events"]) == (len(PROPOSALS), 1)
    lines = [line for p in PEOPLE for line in await services.proposals.mine(user_id=p.id)]
    assert {line.status for line in lines} == set(ProposalStatus) - {
        ProposalStatus.DRAFT,
        ProposalStatus.WITHDRAWN,
    }
    events = await services.events.upcoming(user_id=PEOPLE[0].id)
    assert [(e.title, e.going) for e in events] == [(EVENT_TITLE, 2)]
    assert events[0].starts_at > utcnow()


async def test_seed_adds_the_network_with_studio_coverage_above_and_below_target(
    services: Services,
) -> None:
    """Experts, studios, bases, a team and pairs; Baoji above 80%, Xi'an and Hanzhong below."""
    report = await seed(services)
    assert report.extras["experts"] == len(EXPERT_ROWS)
    assert report.extras["studios"] == len(STUDIO_ROWS)
    assert report.extras["bases"] == len(BASE_ROWS)
    assert (report.extras["teams"], report.extras["pairs"]) == (1, len(PAIRS))
    coverage = await services.network.studios.coverage()
    assert coverage.unit is not None
    assert coverage.unit.path == "陕西省"
    areas = {row.label: row for row in coverage.by_area}
    assert set(areas) == {"宝鸡市", "西安市", "汉中市"}
    assert areas["宝鸡市"].share > 0.8 >= areas["汉中市"].share > areas["西安市"].share > 0
    assert areas["宝鸡市"].gap == 0
    assert (coverage.total.covered, coverage.total.population) == (7, 12)
    welders, _ = await services.network.experts.search(query="焊接", fields={"welding"})
    assert {card.name for card in welders} >= {"刘建平", "何志强"}
    assert len(await services.network.experts.bases()) == len(BASE_ROWS)
    pairs = await services.network.pairings.pairs(user_id=PAIRS[0].expert)
    assert [(p.enterprise, p.joined) for p in pairs] == [(PAIRS[0].enterprise, True)]
    teams = await services.network.teams.teams(user_id=PAIRS[0].expert)
    assert [t.name for t in teams] == [TEAM]
    level = await services.network.reports.level()
    assert level.area.tally.counts["visit"] == 1
    assert level.area.tally.counts["training"] == 1


async def test_roster_experts_are_counted_but_never_messaged(services: Services) -> None:
    """Experts imported from the roster count for coverage; only the cast can be reached."""
    await seed(services)
    cast = {person.id for person in PEOPLE}
    for row in EXPERT_ROWS:
        user = await services.users.find(user_id=int(row["telegram_id"]))
        assert user is not None
        assert user.is_active == (user.id in cast), row["name"]


async def test_seeding_twice_adds_nothing_the_second_time(services: Services) -> None:
    """The second run reports zero and leaves the counts as they were."""
    await seed(services)
    users = await services.users.count()
    again = await seed(services)
    assert (again.enterprises, again.people, again.roles) == (0, 0, 0)
    assert again.extras == {}
    assert again.summary() == "demo data already in place; nothing added"
    assert await services.users.count() == users
    authored = [await services.proposals.mine(user_id=p.id) for p in PEOPLE]
    assert sum(map(len, authored)) == len(PROPOSALS)


def test_cli_seeds_the_configured_database(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``engage demo seed`` prints one line saying what it added."""
    monkeypatch.setenv("ENGAGE_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("demo data added:")
    assert f"{len(PEOPLE)} people" in result.output
