"""How an event looks: its card, its buttons, and the broadcasts that announce and remind.

The announcement and the attendee reminders go out through the broadcast engine, rendered
here once in each language; the buttons on them are the same as on the card in /events.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Html, Translator
from bot.models.events import Answer
from bot.render import Button
from bot.services import Services
from bot.services.broadcasts import Audience
from bot.services.events.views import EventCard, EventView
from handlers.callbacks import Callback

OPEN = Callback("ev", "open", int)
RSVP = Callback("ev", "rsvp", int, str)
ANSWERS = (Answer.GOING, Answer.MAYBE, Answer.DECLINED)


def period(t: Translator, event: EventView, zone: str) -> str:
    """'11月25日 周三 15:00–17:00', or both dates when the event spans days."""
    local = ZoneInfo(zone)
    start, end = event.starts_at.astimezone(local), event.ends_at.astimezone(local)
    until = end.strftime("%H:%M") if start.date() == end.date() else t.moment(event.ends_at, zone)
    return f"{t.moment(event.starts_at, zone)}–{until}"


def seats(t: Translator, event: EventView, waiting: int) -> str:
    """'12/30 going, 3 waiting', or just how many are going when there is no limit."""
    if event.capacity is None:
        return t("events.seats_open", going=event.going)
    text: str = t("events.seats", going=event.going, capacity=event.capacity)
    if waiting:
        text += t("events.seats_waiting", waiting=waiting)
    return text


def card_text(t: Translator, event: EventView, zone: str, *, card: EventCard | None = None) -> str:
    """The event in full: title, time, place, description, seats and the reader's answer."""
    parts: list[str] = [t("events.card", title=event.title, time=period(t, event, zone))]
    if event.place:
        parts.append(t("events.place", place=event.place))
    parts.append(seats(t, event, card.waiting if card else 0))
    text = "\n".join(parts)
    if event.description:
        text += "\n\n" + t("events.description", text=event.description)
    if card and card.answer:
        text += "\n\n" + _mine(t, card, zone)
    return text


def _mine(t: Translator, card: EventCard, zone: str) -> str:
    if card.checked_in_at:
        return t("events.mine_checked_in", time=t.moment(card.checked_in_at, zone))
    if card.answer == Answer.WAITLISTED:
        return t("events.mine_waitlisted", position=card.position or 1)
    return t("events.mine", answer=t(f"events.answer.{card.answer.value if card.answer else ''}"))


def rsvp_row(t: Translator, event_id: int) -> list[Button]:
    """Going / Maybe / Not going."""
    return [Button(t(f"events.button.{a.value}"), RSVP.build(event_id, a.value)) for a in ANSWERS]


def _both(services: Services) -> tuple[Translator, Translator]:
    return services.i18n.translator("zh"), services.i18n.translator("en")


async def announce(services: Services, event: EventView, *, created_by: int | None) -> int:
    """Send the event to its audience with the answer buttons; the broadcast's id."""
    zh, en = _both(services)
    zone = services.settings.timezone
    buttons: list[tuple[str, str, str]] = [
        (
            zh(f"events.button.{a.value}"),
            en(f"events.button.{a.value}"),
            RSVP.build(event.id, a.value),
        )
        for a in ANSWERS
    ]
    broadcast_id = await services.broadcasts.create(
        kind="event",
        html_zh=zh("events.announcement", card=Html(card_text(zh, event, zone))),
        html_en=en("events.announcement", card=Html(card_text(en, event, zone))),
        audience=event.audience,
        created_by=created_by,
        buttons=buttons,
    )
    await services.events.announced(event_id=event.id, broadcast_id=broadcast_id)
    return broadcast_id


def _lead(t: Translator, minutes: int) -> str:
    if minutes % 1440 == 0:
        return t.plural("events.in_days", minutes // 1440)
    if minutes % 60 == 0:
        return t.plural("events.in_hours", minutes // 60)
    return t.plural("events.in_minutes", minutes)


async def remind_attendees(services: Services, event: EventView, *, minutes: int) -> int:
    """Remind everyone going that the event starts soon (a reminder ignores quiet hours)."""
    zh, en = _both(services)
    zone = services.settings.timezone

    def text(t: Translator) -> str:
        return t(
            "events.reminder",
            lead=_lead(t, minutes),
            card=Html(card_text(t, event, zone)),
        )

    return await services.broadcasts.create(
        kind="reminder",
        html_zh=text(zh),
        html_en=text(en),
        audience=Audience(event_id=event.id),
        created_by=None,
        buttons=[(zh("events.button.details"), en("events.button.details"), OPEN.build(event.id))],
    )


def started(event: EventView, now: datetime) -> bool:
    """Whether the event is under way or over."""
    return event.starts_at <= now
