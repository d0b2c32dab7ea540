"""/team: a service team's record; members log a visit, training or solved problem in a few taps.

Admins create teams (/newteam) and share the invitation link; model workers and craftsmen join
through it. /serve adds an enterprise the team serves. The activity being written is a row with
a step, so a note half-typed survives a restart.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
)

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.models.network import ActivityKind
from bot.render import Button
from bot.services.core import ADMINS, EXPERTS, InvalidName, qr
from bot.services.network.teams import ActivityView, TeamError, TeamRecord, TeamView
from handlers import keyboards
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.features import Feature
from handlers.guards import allowed, require_role
from handlers.network import team_log
from handlers.parts import data_of, sender_id

OPEN = Callback("team", "open", int)
SERVE = Callback("team", "srv", int, int)
INVITE = Callback("team", "inv", int)


def _activity_line(t: Translator, activity: ActivityView, zone: ZoneInfo) -> str:
    when = t.when(activity.logged_at, zone, pattern="short") if activity.logged_at else ""
    place = f" · {activity.enterprise}" if activity.enterprise else ""
    photos = t("network.team.photos", count=len(activity.photos)) if activity.photos else ""
    note = render.escape(activity.note or "")
    return t(
        "network.team.entry",
        kind=t(f"network.activity.{activity.kind}"),
        when=when,
        place=place,
        author=activity.author,
        photos=photos,
    ) + (f"\n{note}" if note else "")


def _record_text(context: Context, record: TeamRecord) -> str:
    t, team = context.t, record.team
    said = {k: t.plural(f"network.team.count_{k}", record.counts[k]) for k in ActivityKind}
    counts = t("network.team.counts", **said)
    lines: list[str] = [
        t("network.team.title", name=team.name),
        t("network.team.members", names="、".join(team.members) or "—"),
        t("network.team.served", names="、".join(name for _, name in team.enterprises) or "—"),
        counts,
    ]
    zone = context.services.settings.zone
    if record.recent:
        lines.append(
            t("network.team.recent")
            + "\n"
            + "\n".join(_activity_line(t, a, zone) for a in record.recent)
        )
    return "\n\n".join(lines)


def _record_keyboard(t: Translator, team: TeamView) -> InlineKeyboardMarkup | None:
    return render.inline(
        [
            [
                Button(t("network.team.log"), team_log.LOG.build(team.id)),
                Button(t("network.team.invite"), INVITE.build(team.id)),
            ]
        ]
    )


async def _show(update: Update, context: Context, team_id: int, *, edit: bool = False) -> None:
    t = context.t
    record = await context.services.network.teams.record(team_id=team_id, user_id=sender_id(update))
    if record is None:
        await render.reply(update, context, t("network.team.not_member"))
        return
    show = render.edit if edit else render.reply
    await show(update, context, _record_text(context, record), _record_keyboard(t, record.team))


async def cmd_team(update: Update, context: Context) -> None:
    """Open one's team, or choose among several (admins see every team)."""
    t = context.t
    teams = await context.services.network.teams.teams(user_id=sender_id(update))
    if not teams:
        await render.reply(update, context, t("network.team.none"))
        return
    if len(teams) == 1:
        await _show(update, context, teams[0].id)
        return
    rows = keyboards.grid(teams, lambda team: Button(team.name, OPEN.build(team.id)))
    await render.reply(update, context, t("network.team.choose"), render.inline(rows))


async def btn_team_open(update: Update, context: Context) -> None:
    """Show the record of the team pressed."""
    await render.answer(update)
    await _show(update, context, OPEN.one(data_of(update)), edit=True)


@require_role(ADMINS)
async def cmd_newteam(update: Update, context: Context) -> None:
    """An admin founds a team (/newteam name) and gets its invitation."""
    t = context.t
    name = " ".join(context.args or [])
    try:
        team = await context.services.network.teams.create(name=name, by=sender_id(update))
    except TeamError as exc:
        await render.reply(update, context, t(f"network.team.error_{exc}"))
        return
    await render.reply(update, context, t("network.team.created", name=team.name))
    await _send_invite(update, context, team)


async def _send_invite(update: Update, context: Context, team: TeamView) -> None:
    payload = "team_" + context.services.network.invites.payload("team", team.id)
    link = qr.deep_link(context.bot.username, payload)
    text = context.t("network.team.invitation", name=team.name, link=link)
    await render.reply(update, context, text, photo=qr.qr_png(link))


async def btn_team_invite(update: Update, context: Context) -> None:
    """A member asks for the team's invitation link and QR code."""
    await render.answer(update)
    team_id = INVITE.one(data_of(update))
    record = await context.services.network.teams.record(team_id=team_id, user_id=sender_id(update))
    if record is not None:
        await _send_invite(update, context, record.team)


async def deep_team(update: Update, context: Context, rest: str) -> None:
    """Join a team through its invitation: model workers, craftsmen and admins only."""
    t, network = context.t, context.services.network
    team_id = network.invites.check("team", rest)
    if team_id is None:
        await render.reply(update, context, t("network.invite.invalid"))
        return
    if not await allowed(update, context, EXPERTS, refusal="network.team.members_only"):
        return
    team = await network.teams.join(team_id=team_id, user_id=sender_id(update))
    if team is None:
        await render.reply(update, context, t("network.invite.invalid"))
        return
    await render.reply(update, context, t("network.team.joined", name=team.name))


async def cmd_serve(update: Update, context: Context) -> None:
    """Name an enterprise one's team serves (/serve name); with several teams, pick which."""
    t = context.t
    name = " ".join(context.args or [])
    try:
        enterprise = await context.services.enterprises.named(name=name)
    except InvalidName:
        await render.reply(update, context, t("network.team.serve_usage"))
        return
    teams = await context.services.network.teams.teams(user_id=sender_id(update))
    if not teams:
        await render.reply(update, context, t("network.team.none"))
        return
    rows = [[Button(team.name, SERVE.build(team.id, enterprise.id))] for team in teams]
    await render.reply(
        update,
        context,
        t("network.team.serve_pick", enterprise=enterprise.name),
        render.inline(rows),
    )


async def btn_team_serve(update: Update, context: Context) -> None:
    """Add the enterprise to the team pressed."""
    await render.answer(update)
    team_id, enterprise_id = SERVE.parse(data_of(update))
    enterprise = await context.services.enterprises.find(enterprise_id=enterprise_id)
    if enterprise is None:
        return
    team = await context.services.network.teams.serve(
        team_id=team_id, user_id=sender_id(update), enterprise_name=enterprise.name
    )
    if team is None:
        await render.edit(update, context, context.t("network.team.not_member"))
        return
    await render.edit(
        update,
        context,
        context.t("network.team.serving", name=team.name, enterprise=enterprise.name),
    )


COMMANDS = [
    Command("team", "network.team.command", roles=EXPERTS),
    Command("serve", "network.team.serve_command", roles=EXPERTS),
    Command("newteam", "network.team.newteam_command", roles=ADMINS),
]
DEEP_LINKS = {"team_": deep_team}


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Team record, founding and joining, serving, and logging activities."""
    return [
        *team_log.handlers(),
        CommandHandler("team", cmd_team),
        CommandHandler("newteam", cmd_newteam),
        CommandHandler("serve", cmd_serve),
        CallbackQueryHandler(btn_team_open, pattern=OPEN.pattern),
        CallbackQueryHandler(btn_team_invite, pattern=INVITE.pattern),
        CallbackQueryHandler(btn_team_serve, pattern=SERVE.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS, deep_links=DEEP_LINKS)
