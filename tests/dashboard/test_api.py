"""The dashboard's JSON API: initData checked as Telegram specifies, scopes, every figure."""

from __future__ import annotations

import io
from datetime import timedelta

import httpx
from openpyxl import load_workbook

from bot.clock import utcnow
from bot.config import Settings
from tests.dashboard.helpers import (
    ADMIN,
    FACTORY_ORGANISER,
    WORKER,
    XIAN_ORGANISER,
    Province,
    auth,
    get,
    sign,
)


async def test_missing_forged_expired_and_other_bot_init_data_are_refused(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """No initData, a changed one, one past its age, one signed by another bot: all 401."""
    token = settings.token or ""
    good = sign(token, ADMIN)
    forged = good.replace("%22id%22%3A+900001", "%22id%22%3A+900002")
    assert forged != good
    old = sign(token, ADMIN, at=utcnow() - timedelta(seconds=settings.dashboard_max_age + 5))
    other = sign("123456:another-bots-token", ADMIN)
    assert (await client.get("/dashboard/api/overview")).status_code == 401
    for data in (forged, old, other, "user=1&hash=abc"):
        response = await client.get(
            "/dashboard/api/overview", headers={"Authorization": f"tma {data}"}
        )
        assert response.status_code == 401, data
    ok = await client.get("/dashboard/api/overview", headers={"Authorization": f"tma {good}"})
    assert ok.status_code == 200
    export = await client.get("/dashboard/api/export/teams", params={"tma": old})
    assert export.status_code == 401


async def test_a_worker_is_forbidden(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """Valid initData of someone who is neither admin nor organiser: 403, and no export."""
    for path in ("me", "overview", "coverage", "export/proposals"):
        response = await client.get(f"/dashboard/api/{path}", headers=auth(settings, WORKER))
        assert response.status_code == 403, path


async def test_coverage_for_an_admin_rolls_up_the_whole_tree(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """An admin sees 8 of 11 first-line people covered, each city, and drills to a county."""
    top = await get(client, settings, "coverage", ADMIN)
    assert (top["total"]["population"], top["total"]["covered"]) == (11, 8)
    assert top["path"] == [{"id": made.units["陕西省"], "name": "陕西省"}]
    cities = {c["name"]: (c["population"], c["covered"], c["passing"]) for c in top["children"]}
    assert cities == {"西安市": (9, 8, True), "宝鸡市": (2, 0, False)}
    assert [e["name"] for e in top["enterprises"]] == ["丙厂", "甲厂", "乙厂"]  # furthest first
    assert top["enterprises"][1]["gap"] == 1  # 3 of 4: one more reaches 80 %
    assert 'class="fail"' in top["svg"]
    assert 'class="pass"' in top["svg"]
    county = await get(client, settings, f"coverage?unit={made.units['雁塔区']}", ADMIN)
    assert [c["name"] for c in county["path"]] == ["陕西省", "西安市", "雁塔区"]
    assert county["total"]["population"] == 9


async def test_a_city_organiser_sees_only_their_city(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """西安市's organiser starts at 西安市, cannot step up or across, and exports only its firms."""
    me = await get(client, settings, "me", XIAN_ORGANISER)
    assert (me["admin"], me["scope"]) == (False, "陕西省 / 西安市")
    top = await get(client, settings, "coverage", XIAN_ORGANISER)
    assert top["path"] == [{"id": made.units["西安市"], "name": "西安市"}]
    assert (top["total"]["population"], top["total"]["covered"]) == (9, 8)
    assert {e["name"] for e in top["enterprises"]} == {"甲厂", "乙厂"}
    for unit in ("陕西省", "宝鸡市"):
        response = await client.get(
            f"/dashboard/api/coverage?unit={made.units[unit]}",
            headers=auth(settings, XIAN_ORGANISER),
        )
        assert response.status_code == 403
    listed = await get(client, settings, "proposals", XIAN_ORGANISER)
    assert {p["title"] for p in listed} == {"快换焊枪", "减少返工", "节能照明"}
    outside = await client.get(
        f"/dashboard/api/proposals/{made.proposals['安全通道']}",
        headers=auth(settings, XIAN_ORGANISER),
    )
    assert outside.status_code == 403
    export = await client.get(
        "/dashboard/api/export/coverage_enterprises",
        params={"tma": sign(settings.token or "", XIAN_ORGANISER)},
    )
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "企业"
    assert sorted(r[0] for r in rows[1:]) == ["乙厂", "甲厂"]


async def test_an_enterprise_organiser_sees_one_enterprise(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """An organiser bound to 甲厂 sees its 4 people, 3 covered, and no unit below."""
    top = await get(client, settings, "coverage", FACTORY_ORGANISER)
    assert (top["total"]["population"], top["total"]["covered"]) == (4, 3)
    assert top["children"] == []
    assert [e["name"] for e in top["enterprises"]] == ["甲厂"]


async def test_overview_figures_match_the_rows_written(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """People, active people, lessons and proposals, for the admin and for 西安市."""
    figures = {f["key"]: f for f in (await get(client, settings, "overview", ADMIN))["figures"]}
    assert figures["registered"]["value"] == 15  # 11 experts + admin, 2 organisers, a worker
    assert figures["active"]["value"] == 12  # the first of each firm last came 40 days ago
    assert figures["lessons"]["value"] == 5
    assert figures["lessons"]["recent"] == 5
    assert figures["proposals"]["value"] == 4  # the draft is not counted
    mine = await get(client, settings, "overview", XIAN_ORGANISER)
    city = {f["key"]: f for f in mine["figures"]}
    assert city["registered"]["value"] == 9
    assert city["active"]["value"] == 7
    assert city["lessons"]["value"] == 4
    assert city["proposals"]["value"] == 3
    assert mine["proposals_by_status"]["accepted"] == 1
    assert mine["proposals_by_status"]["under_review"] == 0


async def test_proposals_funnel_median_p90_and_oldest_waiting(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """Decisions after 2 and 10 days: median 6, p90 9.2; the 20-day-old one waits longest."""
    summary = await get(client, settings, "proposals/summary", ADMIN)
    assert (summary["submitted"], summary["reviewed"], summary["accepted"]) == (4, 3, 1)
    assert summary["implemented"] == 0
    assert (summary["median_days"], summary["p90_days"]) == (6.0, 9.2)
    assert [p["title"] for p in summary["oldest"]] == ["节能照明", "安全通道"]
    assert summary["oldest"][0]["waiting_days"] == 20
    waiting = await get(client, settings, "proposals?status=submitted,under_review", ADMIN)
    assert {p["title"] for p in waiting} == {"节能照明", "安全通道"}
    opened = await get(client, settings, f"proposals/{made.proposals['快换焊枪']}", ADMIN)
    assert opened["line"]["status"] == "accepted"
    assert opened["solution"] == "办法"


async def test_learning_completion_by_course_and_unit(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """Two of 甲厂 finished the safety course and one of 丙厂 started it."""
    report = await get(client, settings, "learning", ADMIN)
    course = report["courses"][0]
    assert (course["lessons"], course["started"], course["finished"]) == (2, 3, 2)
    by_unit = {u["name"]: (u["people"], u["finished"]) for u in report["units"]}
    assert by_unit == {"西安市": (9, 2), "宝鸡市": (2, 0)}
    city = await get(client, settings, "learning", XIAN_ORGANISER)
    assert city["courses"][0]["started"] == 2
    assert [u["name"] for u in city["units"]] == ["雁塔区"]


async def test_teams_and_pairings_page_answers_with_none(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """With no team or pairing yet, the page's lists are empty rather than an error."""
    found = await get(client, settings, "activity", XIAN_ORGANISER)
    assert found == {"teams": [], "pairings": []}


async def test_the_page_and_its_words_are_served(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """/dashboard/ is the page; its words come from the catalog in the viewer's language."""
    page = await client.get("/dashboard/")
    assert page.status_code == 200
    assert "app.js" in page.text
    words = (await client.get("/dashboard/api/texts?lang=en")).json()
    assert words["dashboard.page.tab_coverage"] == "Coverage"
    me = await client.get("/dashboard/api/me", headers=auth(settings, ADMIN, lang="en"))
    assert me.json()["texts"]["dashboard.page.tab_coverage"] == "覆盖率"  # their saved locale
