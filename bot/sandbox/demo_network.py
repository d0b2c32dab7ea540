"""The demo's network: the organisation tree, experts, studios, bases, a service team and pairs.

The tables are what union staff would import (``engage import enterprises|experts|studios|
bases``) and go through the same import service, so they are checked and upserted exactly as a
real file is; teams and pairs are set up as a model worker would in the chat. Studio coverage
differs by city on purpose, so that /coverage and its chart have something to show: Baoji
above the 80% target, Xi'an and Hanzhong below it.

The experts outside the cast stand for the union's roster: imported, never in the chat, so
the bot cannot message them and offers no help request to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.models.network import ActivityKind
from bot.services import Services

BAOJI_OIL, BAOJI_TI, NAVIGATION, RAILWAY, FAST = (
    "宝鸡石油机械有限责任公司",
    "宝鸡拓普达钛业有限公司",
    "陕西航天时代导航设备有限公司",
    "中铁一局集团第五工程有限公司",
    "陕西法士特汽车传动集团有限责任公司",
)
ENTERPRISES = (BAOJI_OIL, BAOJI_TI, NAVIGATION, RAILWAY, FAST)
_TREE = {
    BAOJI_OIL: ("宝鸡市", ""),
    BAOJI_TI: ("宝鸡市", ""),
    NAVIGATION: ("汉中市", ""),
    RAILWAY: ("西安市", ""),
    FAST: ("西安市", "高陵区"),
}
ENTERPRISE_ROWS = tuple(
    {"name": name, "region": city, "province": "陕西省", "city": city, "county": county}
    for name, (city, county) in _TREE.items()
)

# Cast members (bot.sandbox.demo.PEOPLE) who are model workers or craftsmen.
ZHANG, CHEN, MA = 7_100_004, 7_100_005, 7_100_008
LI_WEI, LI_XIULAN = 7_100_003, 7_100_002
_EXPERT_COLUMNS = ("telegram_id", "name", "role", "honour", "field", "skills", "enterprise")
_EXPERTS = (
    (ZHANG, "张卫东", "model_worker", "provincial_model_worker", "machining",
     "钻机总装、液压系统、故障诊断", BAOJI_OIL),
    (CHEN, "陈海燕", "craftsman", "sanqin_craftsman", "machining",
     "五轴数控、精密铣削、CNC", NAVIGATION),
    (MA, "马晓东", "craftsman", "other", "automation", "焊接机器人、PLC、robot", FAST),
    (7_100_101, "刘建平", "model_worker", "city_model_worker", "welding",
     "石油管道焊接、氩弧焊", BAOJI_OIL),
    (7_100_102, "杨秀梅", "craftsman", "sanqin_craftsman", "materials",
     "钛材熔炼、真空热处理", BAOJI_TI),
    (7_100_103, "何志强", "craftsman", "other", "welding", "钛合金焊接、TIG", BAOJI_TI),
    (7_100_104, "冯磊", "model_worker", "other", "electrical", "变频器、PLC", BAOJI_OIL),
    (7_100_105, "郭亮", "craftsman", "other", "machining", "数控车削、lathe", BAOJI_OIL),
    (7_100_106, "高建军", "model_worker", "provincial_model_worker", "construction",
     "隧道施工、盾构、tunnel boring", RAILWAY),
    (7_100_107, "吴海", "craftsman", "other", "construction", "桥梁架设", RAILWAY),
    (7_100_108, "白雪", "craftsman", "other", "machining", "齿轮磨削、gear", FAST),
    (7_100_109, "田刚", "craftsman", "other", "automation", "惯性器件装配", NAVIGATION),
)  # fmt: skip
# Rural model workers guide villages rather than a shop floor: not counted for studios.
_RURAL = (
    (7_100_110, "冯秀兰", "national_model_worker", "猕猴桃种植、合作社、kiwi", "西安市周至县"),
    (7_100_111, "李红旗", "provincial_model_worker", "苹果矮砧密植、绿色防控", "延安市洛川县"),
)  # fmt: skip
EXPERT_ROWS = (
    *({**dict(zip(_EXPERT_COLUMNS, map(str, row), strict=True)), "first_line": "yes"}
      for row in _EXPERTS),
    *({"telegram_id": str(uid), "name": name, "role": "model_worker", "honour": honour,
       "field": "agriculture", "skills": skills, "region": region, "first_line": "no"}
      for uid, name, honour, skills, region in _RURAL),
)  # fmt: skip
STUDIO_ROWS = (
    {"name": "张卫东劳模创新工作室", "leader_telegram_id": str(ZHANG), "enterprise": BAOJI_OIL,
     "field": "machining", "founded_on": "2019-04-28", "members": "7100101 7100105 7100001"},
    {"name": "拓普达钛材工匠创新工作室", "leader_telegram_id": "7100102", "enterprise": BAOJI_TI,
     "field": "materials", "founded_on": "2021-05-01", "members": f"7100103 {LI_WEI}"},
    {"name": "高建军隧道创新工作室", "leader_telegram_id": "7100106", "enterprise": RAILWAY,
     "field": "construction", "founded_on": "2018-09-15", "members": ""},
    {"name": "陈海燕精密加工工匠工作室", "leader_telegram_id": str(CHEN), "enterprise": NAVIGATION,
     "field": "machining", "founded_on": "2022-03-10", "members": ""},
)  # fmt: skip
BASE_ROWS = (
    {"name": "周至猕猴桃标准化种植示范基地", "region": "西安市周至县",
     "specialities": "猕猴桃种植、果园管理、合作社", "leader_telegram_id": "7100110",
     "description": "劳模带着合作社统一标准种植，常年接待果农现场学习。"},
    {"name": "洛川苹果矮砧密植示范基地", "region": "延安市洛川县",
     "specialities": "苹果矮砧密植、病虫害绿色防控、电商销售", "leader_telegram_id": "7100111",
     "description": "示范矮砧密植和绿色防控，帮村里把苹果卖到网上。"},
)  # fmt: skip
TABLES: tuple[tuple[str, Sequence[dict[str, str]]], ...] = (
    ("experts", EXPERT_ROWS),
    ("studios", STUDIO_ROWS),
    ("bases", BASE_ROWS),
)
TEAM = "宝鸡劳模工匠服务队"
_ACTIVITIES = (
    (ZHANG, ActivityKind.VISIT, BAOJI_TI, "查看熔炼车间真空炉液压站漏油，现场定了换密封件的方案。"),
    (MA, ActivityKind.TRAINING, FAST, "焊接机器人示教编程培训，28 名青年技工参加。"),
    (CHEN, ActivityKind.SOLVED, FAST, "帮齿轮车间找出五轴加工件振纹的原因：刀具悬伸过长。"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoPair:
    """An enterprise paired with a model worker or craftsman, its contact and first check-in."""

    expert: int
    enterprise: str
    contact: int
    goals: str
    cadence_days: int
    checkin: str


PAIRS = (
    DemoPair(ZHANG, BAOJI_TI, LI_WEI, "熔炼车间设备点检制度落地；两名青年技工考取高级工。", 14,
             "第一次走访：点检表已经印好，下周开始试用。"),
    DemoPair(CHEN, FAST, LI_XIULAN, "齿轮加工首件检验流程优化，返工率降一半。", 30,
             "首件检验改成双人确认，本月返工少了 4 件。"),
)  # fmt: skip


async def import_enterprises(services: Services) -> int:
    """The campaign's enterprises placed in the organisation tree; how many were new."""
    return await _import(services, "enterprises", ENTERPRISE_ROWS)


async def seed_network(services: Services) -> dict[str, int]:
    """Experts, studios, bases, the service team and the pairs; what was new, by kind."""
    added = {kind: await _import(services, kind, rows) for kind, rows in TABLES}
    added["teams"] = await _team(services)
    added["pairs"] = sum([await _pair(services, pair) for pair in PAIRS])
    return added


async def _import(services: Services, kind: str, rows: Sequence[dict[str, str]]) -> int:
    """Import a table as staff would; a bad demo table is a bug, so it fails loudly."""
    header = sorted({column for row in rows for column in row})
    full = [{column: row.get(column, "") for column in header} for row in rows]
    result = await services.network.imports.run(kind=kind, header=header, rows=full)
    if not result.ok:
        raise RuntimeError(f"demo {kind}: {result.problems}")
    return result.created


async def _team(services: Services) -> int:
    """The Baoji service team, the enterprises it serves and what it did there; 1 if new."""
    teams = services.network.teams
    if any(team.name == TEAM for team in await teams.teams(user_id=ZHANG)):
        return 0
    team = await teams.create(name=TEAM, by=ZHANG)
    for member in (CHEN, MA):
        await teams.join(team_id=team.id, user_id=member)
    for enterprise in (BAOJI_TI, FAST):
        await teams.serve(team_id=team.id, user_id=ZHANG, enterprise_name=enterprise)
    ids = {name: (await services.enterprises.named(name=name)).id for name in (BAOJI_TI, FAST)}
    for author, kind, enterprise, note in _ACTIVITIES:
        activity = await teams.start_activity(team_id=team.id, user_id=author, kind=kind)
        assert activity is not None
        await teams.choose_enterprise(
            activity_id=activity.id, user_id=author, enterprise_id=ids[enterprise]
        )
        await teams.add(user_id=author, text=note)
        await teams.save(user_id=author)
    return 1


async def _pair(services: Services, pair: DemoPair) -> int:
    """Set a pair up as its model worker would, the contact joins, one check-in; 1 if new."""
    pairings = services.network.pairings
    mine = await pairings.pairs(user_id=pair.expert)
    if any(view.enterprise == pair.enterprise for view in mine):
        return 0
    await pairings.start(expert_id=pair.expert)
    await pairings.name_enterprise(expert_id=pair.expert, name=pair.enterprise)
    await pairings.set_goals(expert_id=pair.expert, goals=pair.goals)
    view = await pairings.set_cadence(expert_id=pair.expert, days=pair.cadence_days)
    await pairings.join(pairing_id=view.id, user_id=pair.contact)
    await pairings.begin_checkin(pairing_id=view.id, user_id=pair.expert)
    await pairings.checkin(user_id=pair.expert, note=pair.checkin)
    return 1
