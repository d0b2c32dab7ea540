"""Demo data for a first look: Shaanxi enterprises of the campaign and people in every role.

Everything goes through the services, so the demo rows are exactly what real use would leave
behind. Seeding twice changes nothing the second time: people keep fixed ids and the steps
that would duplicate rows are skipped once they have been done. The network (experts,
studios, bases, a service team, pairs) is in :mod:`bot.sandbox.demo_network`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.models.events import Answer
from bot.models.proposals import BenefitCategory, ProposalStatus
from bot.models.users import Role
from bot.sandbox.demo_network import ENTERPRISES, import_enterprises, seed_network
from bot.services import Services
from bot.services.proposals.steps import DraftStep
from bot.text.counts import count


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """Someone in the demo: fixed Telegram id, profile answers and roles."""

    id: int
    name: str
    lang: str
    enterprise: str | None
    department: str
    occupation: str
    roles: tuple[Role, ...] = ()
    username: str | None = None  # so that /grant @username can be tried in the sandbox

    @property
    def role(self) -> Role:
        """The role the person is shown with (the first one held, else worker)."""
        return self.roles[0] if self.roles else Role.WORKER


PEOPLE = (
    DemoPerson(
        7_100_001, "王建国", "zh", ENTERPRISES[0], "焊接车间", "焊工", username="wang_jianguo"
    ),
    DemoPerson(
        7_100_002, "李秀兰", "zh", ENTERPRISES[4], "装配车间", "装配钳工", username="li_xiulan"
    ),
    DemoPerson(
        7_100_003,
        "Li Wei",
        "en",
        ENTERPRISES[1],
        "Melting shop",
        "Process technician",
        username="li_wei_tech",
    ),
    DemoPerson(
        7_100_004,
        "张卫东",
        "zh",
        ENTERPRISES[0],
        "钻机总装车间",
        "高级技师",
        (Role.MODEL_WORKER,),
        username="zhang_weidong",
    ),
    DemoPerson(
        7_100_005,
        "陈海燕",
        "zh",
        ENTERPRISES[2],
        "精密加工车间",
        "数控铣工",
        (Role.CRAFTSMAN,),
        username="chen_haiyan",
    ),
    DemoPerson(
        7_100_006,
        "赵明",
        "zh",
        ENTERPRISES[3],
        "工会",
        "工会干事",
        (Role.REVIEWER, Role.ORGANISER),  # the dashboard for 宝鸡市 only
        username="zhao_ming",
    ),
    DemoPerson(
        7_100_007,
        "刘芳",
        "zh",
        None,
        "省总工会劳动和经济工作部",
        "干部",
        (Role.ADMIN,),
        username="liu_fang",
    ),
    DemoPerson(
        7_100_008,
        "马晓东",
        "zh",
        ENTERPRISES[4],
        "焊装车间",
        "机器人调试工",
        (Role.CRAFTSMAN,),
        username="ma_xiaodong",
    ),
)


REVIEWER = PEOPLE[5]
CITY_ORGANISER = PEOPLE[5]
ORGANISER = PEOPLE[6]
S = ProposalStatus


@dataclass(frozen=True, slots=True)
class DemoProposal:
    """A proposal of the demo and the moves made on it (with comments).

    Moves are the reviewer's, except back to "under review": that is the author's reply.
    """

    author: DemoPerson
    title: str
    problem: str
    solution: str
    benefit: BenefitCategory
    benefit_text: str
    moves: tuple[tuple[ProposalStatus, str | None], ...] = ()


PROPOSALS = (
    DemoProposal(
        PEOPLE[0],
        "焊接工装加快速定位销",
        "每次换型都要重新找正工装，一次要 30 分钟左右。",
        "在工装底板上加两个定位销，配快换夹具，换型时直接插装定位。",
        BenefitCategory.EFFICIENCY,
        "每班节省约 30 分钟",
    ),
    DemoProposal(
        PEOPLE[1],
        "装配线增设扭矩复检工位",
        "变速器壳体螺栓偶有漏拧，到终检才发现，返工要拆半条线。",
        "在第 6 工位后加一个扭矩复检点，用带记录的数显扳手抽检。",
        BenefitCategory.QUALITY,
        "漏拧流到终检的问题基本杜绝",
        (
            (S.NEEDS_INFO, "漏拧大概多久出现一次？"),
            (S.UNDER_REVIEW, "上个月终检发现 4 次，都在夜班。"),
        ),
    ),
    DemoProposal(
        PEOPLE[2],
        "Reuse titanium offcuts for small fittings",
        "Offcuts from plate cutting are sold as scrap although many are big enough for fittings.",
        "Sort offcuts by size at the saw and keep a shelf of usable pieces for the fittings line.",
        BenefitCategory.COST,
        "About 2 tonnes less scrap a year",
        ((S.ACCEPTED, None),),
    ),
    DemoProposal(
        PEOPLE[0],
        "钻机总装线物料看板",
        "总装线缺件要到处打电话问，经常停线等料。",
        "在线边设物料看板，缺件时挂红牌，物流员每小时巡一次。",
        BenefitCategory.EFFICIENCY,
        "停线等料每周减少 3 小时以上",
        ((S.ACCEPTED, None), (S.IMPLEMENTED, None)),
    ),
    DemoProposal(
        PEOPLE[1],
        "夜班装配区照明改造",
        "夜班装配区光线暗，小零件看不清，容易装错。",
        "把装配台上方的灯换成 LED 工作灯，每个工位加一盏可调台灯。",
        BenefitCategory.SAFETY,
        "减少夜班装错和磕碰",
        ((S.NEEDS_INFO, "请补充现在的照度数据和需要更换的灯具数量。"),),
    ),
    DemoProposal(
        PEOPLE[2],
        "Paper checklist for shift handover",
        "Handover notes get lost, so the next shift repeats checks already done.",
        "Print a one-page checklist that both shift leads sign at handover.",
        BenefitCategory.OTHER,
        "Fewer repeated checks",
        ((S.REJECTED, "交接班已在新上线的 MES 屏上完成，纸质清单会重复记录。"),),
    ),
)
EVENT_TITLE = "劳模工匠创新工作室开放日"


@dataclass(slots=True)
class SeedReport:
    """What one run of :func:`seed` added, for the command's summary line."""

    enterprises: int = 0
    people: int = 0
    roles: int = 0
    extras: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line saying what was added."""
        if not (self.enterprises or self.people or self.roles or self.extras):
            return "demo data already in place; nothing added"
        counts = {
            "enterprises": self.enterprises,
            "people": self.people,
            "roles": self.roles,
            **self.extras,
        }
        return "demo data added: " + ", ".join(count(n, name) for name, n in counts.items())


async def seed(services: Services) -> SeedReport:
    """Fill the database with the demo cast and their network; safe to run again."""
    report = SeedReport(enterprises=await import_enterprises(services))
    ids = {name: (await services.enterprises.named(name=name)).id for name in ENTERPRISES}
    for person in PEOPLE:
        report.people += await _register(services, person, ids)
        for role in person.roles:
            report.roles += await services.users.grant(user_id=person.id, role=role)
    extras = await seed_network(services)
    city = await services.network.reports.find_unit(path="陕西省/宝鸡市")
    if city is not None:
        await services.dashboard.scopes.assign(user_id=CITY_ORGANISER.id, unit_id=city.id)
    proposals = [p for p in PROPOSALS if not await _proposed(services, p)]
    for proposal in proposals:
        await _propose(services, proposal)
    extras["proposals"] = len(proposals)
    extras["events"] = 0 if await _event_exists(services) else await _event(services)
    report.extras = {name: n for name, n in extras.items() if n}
    return report


async def _register(services: Services, person: DemoPerson, enterprises: dict[str, int]) -> int:
    """Register one person with a finished profile; 1 if they were new."""
    known = await services.users.find(user_id=person.id)
    await services.users.seen(
        user_id=person.id, name=person.name, username=person.username, language_code=person.lang
    )
    if known is not None and known.onboarding_step is None:
        return 0
    onboarding = services.onboarding
    enterprise_id = enterprises[person.enterprise] if person.enterprise else None
    step = await onboarding.choose_enterprise(
        user_id=person.id, enterprise_id=enterprise_id, step="enterprise"
    )
    step = await onboarding.answer(user_id=person.id, step=step or "", text=person.department)
    await onboarding.answer(user_id=person.id, step=step or "", text=person.occupation)
    return 1


async def _proposed(services: Services, proposal: DemoProposal) -> bool:
    mine = await services.proposals.mine(user_id=proposal.author.id)
    return any(line.title == proposal.title for line in mine)


async def _propose(services: Services, proposal: DemoProposal) -> None:
    """Write the proposal as its author would, submit it, then make its moves."""
    drafts, author = services.proposal_drafts, proposal.author.id
    texts = {
        DraftStep.TITLE: proposal.title,
        DraftStep.PROBLEM: proposal.problem,
        DraftStep.SOLUTION: proposal.solution,
        DraftStep.BENEFIT_TEXT: proposal.benefit_text,
    }
    view = await drafts.start(user_id=author)
    for _ in DraftStep:
        step = DraftStep(view.step)
        if step == DraftStep.PREVIEW:
            break
        if step in texts:
            view = await drafts.answer(user_id=author, text=texts[step])
        elif step == DraftStep.BENEFIT:
            view = await drafts.choose_benefit(user_id=author, category=proposal.benefit)
        elif step == DraftStep.ANONYMOUS:
            view = await drafts.choose_anonymous(user_id=author, anonymous=False)
        else:
            view = await drafts.skip(user_id=author)
    moved = await drafts.submit(user_id=author)
    for status, comment in proposal.moves:
        if status == S.UNDER_REVIEW:
            await services.proposals.reply(
                proposal_id=moved.proposal_id, user_id=author, text=comment
            )
            continue
        await services.proposals.move(
            proposal_id=moved.proposal_id, actor_id=REVIEWER.id, to=status, comment=comment
        )


def _next_week_at_nine(services: Services) -> datetime:
    local = utcnow().astimezone(services.settings.zone) + timedelta(days=7)
    return local.replace(hour=9, minute=0, second=0, microsecond=0)


async def _event_exists(services: Services) -> bool:
    upcoming = await services.events.upcoming(user_id=ORGANISER.id, limit=100)
    return any(event.title == EVENT_TITLE for event in upcoming)


async def _event(services: Services) -> int:
    """An open day next week, with a few people already going."""
    starts = _next_week_at_nine(services)
    event = await services.events.create(
        title=EVENT_TITLE,
        description="参观创新工作室，看劳模工匠现场演示绝活，带着车间里的难题来交流。",
        place=f"{ENTERPRISES[0]} 创新工作室",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2, minutes=30),
        capacity=40,
        created_by=ORGANISER.id,
    )
    answers = ((PEOPLE[0], Answer.GOING), (PEOPLE[1], Answer.GOING), (PEOPLE[2], Answer.MAYBE))
    for person, answer in answers:
        await services.events.respond(event_id=event.id, user_id=person.id, answer=answer)
    return 1
