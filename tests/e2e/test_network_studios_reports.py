"""Studios, coverage against the 80% target, reports at every level of the tree, and dossiers."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from bot.clock import utcnow
from bot.models.events import Rsvp
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner
from tests.network_helpers import load_network, started

ADMIN_ID, LI = 900001, 1004


async def test_studios_and_coverage_answer_on_an_empty_database(
    emulator: Emulator, bot: BotRunner
) -> None:
    """With no studio registered, /studios answers; 0 of 0 is no data, never the target met."""
    admin = await started(emulator, "管理员", user_id=ADMIN_ID)
    await admin.send("/studios")
    listed = await admin.reply()
    assert listed.text
    assert listed.buttons == [] or all(listed.buttons)
    await admin.send("/coverage")
    coverage = await admin.reply()
    assert "暂无数据" in coverage.text
    assert "✅" not in coverage.text
    await admin.send("/report")
    report = await admin.reply()
    assert "工作室覆盖：暂无数据" in report.text
    assert "还差 0 人" not in report.text
    await admin.settle()
    assert [m.photo for m in admin.history if m.photo] == []  # no chart of nothing
    assert emulator.violations == []


async def test_no_data_in_english(emulator: Emulator, bot: BotRunner) -> None:
    """An English-speaking admin reads "no data" for coverage on an empty database."""
    admin = await started(emulator, "Ann", lang="en", user_id=ADMIN_ID)
    await admin.send("/coverage")
    assert "No data" in (await admin.reply()).text
    await admin.send("/report")
    assert "studio coverage: no data" in (await admin.reply()).text


async def test_coverage_table_and_chart_in_chinese(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An admin sees 6 of 12 covered (50%, 4 short of 80%), each city and firm, and a PNG chart."""
    await load_network(services)
    admin = await started(emulator, "管理员", user_id=ADMIN_ID)
    await admin.send("/coverage")
    table = await admin.reply()
    assert "创新工作室覆盖率 · 陕西省" in table.text
    assert "6/12 人，50.0%（目标 80%，还差 4 人）" in table.text
    assert "宝鸡市：4/5 人，80.0%（目标 80% ✅）" in table.text
    assert "西安市：2/6 人，33.3%（目标 80%，还差 3 人）" in table.text
    assert "汉中市：0/1 人，0.0%（目标 80%，还差 1 人）" in table.text
    assert "中铁一局五公司：1/4 人，25.0%（目标 80%，还差 3 人）" in table.text
    chart = await admin.reply()
    assert chart.photo is not None
    png = emulator.files.get(chart.photo)
    assert png is not None
    assert png.data.startswith(b"\x89PNG")

    await admin.press("西安市")
    city = await admin.reply()
    assert "陕西省 / 西安市" in city.text
    assert "高陵区：1/2 人，50.0%（目标 80%，还差 1 人）" in city.text


async def test_coverage_in_english_with_a_citys_own_target_and_refused_to_workers(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Xi'an's own 90% target shows in English; a worker is refused."""
    await load_network(services)
    xian = await services.network.reports.find_unit(path="陕西省/西安市")
    assert xian is not None
    await services.network.studios.set_target(unit_id=xian.id, target=0.9)
    admin = await started(emulator, "Ann", lang="en")
    await services.users.grant(user_id=admin.id, role=Role.ADMIN)
    await admin.send("/coverage")
    table = await admin.reply()
    assert "西安市: 2/6, 33.3% (target 90%, 4 more needed)" in table.text
    assert "6/12, 50.0% (target 80%, 4 more needed)" in table.text
    assert "Coverage chart" in (await admin.reply()).text
    worker = await started(emulator, "Bob", lang="en")
    await worker.send("/coverage")
    assert "not allowed" in (await worker.reply()).text


async def test_report_rolls_up_and_steps_down_the_tree(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A visit and a solved request in Baoji count for Baoji and the province, not for Xi'an."""
    await load_network(services)
    await services.users.seen(user_id=LI, name="李国强", language_code="zh")
    team = await services.network.teams.create(name="宝鸡劳模服务队", by=LI)
    await services.network.teams.start_activity(team_id=team.id, user_id=LI, kind="visit")
    await services.network.teams.add(user_id=LI, text="走访")
    await services.network.teams.save(user_id=LI)
    admin = await started(emulator, "管理员", user_id=ADMIN_ID)
    await admin.send("/report")
    report = await admin.reply()
    assert "陕西省</b> · 今年以来" in report.html
    assert "走访 1 · 培训 0 · 解决难题 0 · 求助解决 0 · 工作室 4" in report.text
    assert "工作室覆盖 50.0%（6/12，目标 80%，还差 4 人）" in report.text
    await admin.press("宝鸡市")
    baoji = await admin.reply()
    assert "陕西省 / 宝鸡市" in baoji.text
    assert "走访 1 · 培训 0" in baoji.text
    assert "工作室 2" in baoji.text
    await admin.press("⬆️ 上一级")
    assert "陕西省</b> · 今年以来" in (await admin.reply()).html
    await admin.press("全部时间")
    assert "全部时间" in (await admin.reply()).text


async def test_expert_exports_own_dossier_and_admin_finds_one_by_name(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A model worker's dossier lists their training; an admin finds it by name, in English."""
    await load_network(services)
    li = await started(emulator, "李国强", user_id=LI)
    team = await services.network.teams.create(name="数控服务队", by=LI)
    await services.network.teams.start_activity(team_id=team.id, user_id=LI, kind="training")
    await services.network.teams.add(user_id=LI, text="数控编程培训 30 人")
    await services.network.teams.save(user_id=LI)
    talk = await services.events.create(
        title="劳模工匠宣讲会", starts_at=utcnow() + timedelta(hours=1), place="职工之家"
    )
    async with services.db.session() as session:
        session.add(Rsvp(event_id=talk.id, user_id=LI, answer="going", checked_in_at=utcnow()))
    await li.send("/dossier")
    document = await li.reply()
    assert document.document is not None
    assert "事迹档案" in document.text
    stored = emulator.files.get(document.document)
    assert stored is not None
    book = load_workbook(io.BytesIO(stored.data))
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["开展培训（次）"] == 1
    assert summary["荣誉"] == "省级劳动模范"
    assert summary["带徒与指导（人）"] == 1  # the member of his studio
    assert summary["参加活动（次）"] == 1
    record = list(book["事迹明细"].iter_rows(min_row=2, values_only=True))
    assert ("培训", "数控编程培训 30 人") in [row[1:3] for row in record]
    assert ("参加活动", "劳模工匠宣讲会", "职工之家") in [row[1:4] for row in record]

    admin = await started(emulator, "Ann", lang="en")
    await services.users.grant(user_id=admin.id, role=Role.ADMIN)
    await admin.send("/dossier 李国")
    assert "Whose record" in (await admin.reply()).text
    await admin.press("李国强 · 宝鸡石油机械有限责任公司")
    english = await admin.reply()
    assert english.document is not None
    assert "Record of 李国强" in english.text
    await li.send("/dossier 白志勇")
    assert "没有权限" in (await li.reply()).text


async def test_studio_registry_and_joining_by_the_leaders_link(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The registry lists studios; the leader's invitation adds a member, who then counts."""
    await load_network(services)
    sun = await started(emulator, "孙建华", user_id=1011)
    await sun.send("/studios")
    registry = await sun.reply()
    assert "共 4 个" in registry.text
    assert "法士特齿轮工匠工作室" in registry.text
    await sun.press("法士特齿轮工匠工作室")
    card = await sun.reply()
    assert "领衔人：孙建华" in card.text
    await sun.press("🔗 邀请成员")
    invitation = await sun.reply()
    payload = invitation.text.split("start=")[1].split()[0]
    qian = await started(emulator, "钱文斌", user_id=1012, lang="en")
    await qian.send(f"/start {payload}")
    assert "You joined “法士特齿轮工匠工作室”" in (await qian.reply()).text
    report = await services.network.studios.coverage()
    assert (report.total.covered, report.total.gap) == (7, 3)


XIAN_ORGANISER = 800001


async def test_a_city_organiser_sees_only_their_city_in_coverage_and_report(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Xi'an's organiser gets Xi'an's coverage and report, no way up, and Baoji politely refused."""
    await load_network(services)
    xian = await services.network.reports.find_unit(path="陕西省/西安市")
    baoji = await services.network.reports.find_unit(path="陕西省/宝鸡市")
    assert xian is not None
    assert baoji is not None
    organiser = await started(emulator, "西安组织者", user_id=XIAN_ORGANISER)
    await services.dashboard.scopes.assign(user_id=XIAN_ORGANISER, unit_id=xian.id)
    await organiser.send("/coverage")
    table = await organiser.reply()
    assert "陕西省 / 西安市" in table.text
    assert "2/6 人，33.3%" in table.text
    assert "宝鸡市" not in table.text
    assert "⬆️ 上一级" not in str(table.buttons)
    await organiser.reply()  # the chart
    refused = await organiser.answer_to(await organiser.press_data(f"studio:cov:{baoji.id}"))
    assert "不在您负责的范围内" in (refused.text or "")
    await organiser.send("/report")
    report = await organiser.reply()
    assert "陕西省 / 西安市" in report.text
    assert "宝鸡市" not in report.text
    assert "⬆️ 上一级" not in str(report.buttons)


async def test_report_and_coverage_agree_on_a_met_target(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Baoji at 4 of 5 (80 %) is ✅ in /coverage and in /report, never "还差 0 人"."""
    await load_network(services)
    admin = await started(emulator, "管理员", user_id=ADMIN_ID)
    await admin.send("/report")
    report = await admin.reply()
    assert "工作室覆盖 80.0%（4/5，目标 80% ✅）" in report.text
    assert "还差 0 人" not in report.text
    await admin.send("/coverage")
    assert "宝鸡市：4/5 人，80.0%（目标 80% ✅）" in (await admin.reply()).text
    await admin.reply()  # the chart
    await admin.press("西安市")
    city = await admin.reply()
    assert "⬆️ 上一级" in str(city.buttons)
