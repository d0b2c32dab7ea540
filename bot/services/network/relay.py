"""The private relay between a requester and the expert who took their request.

Each person has one *focus*: the request their next free message goes to. Messages are
stored and handed back with the other party's chat, never with anyone's name or handle.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.db import Database
from bot.models.network import HelpRequest, HelpStatus, RelayFocus, RelayMessage
from bot.models.users import User

KINDS = ("text", "photo", "voice", "document", "video")


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone to notify: their chat and the language they read."""

    user_id: int
    locale: str


@dataclass(frozen=True, slots=True)
class Relayed:
    """A message to pass on: to whom, from which side, and what."""

    request_id: int
    to: Recipient
    from_expert: bool
    kind: str
    text: str | None
    file_id: str | None
    first: bool


async def reachable(session: AsyncSession, user_ids: list[int]) -> tuple[Recipient, ...]:
    """The reachable ones among ``user_ids``, in order, with their languages."""
    if not user_ids:
        return ()
    rows = await session.exec(
        select(User.id, User.locale).where(col(User.id).in_(user_ids), col(User.is_active))
    )
    locales = dict(rows.all())
    return tuple(Recipient(uid, locales[uid]) for uid in user_ids if uid in locales)


async def set_focus(session: AsyncSession, *, user_id: int, request_id: int) -> None:
    """Point a person's next free messages at ``request_id`` (inside the caller's transaction)."""
    await session.exec(delete(RelayFocus).where(col(RelayFocus.user_id) == user_id))
    session.add(RelayFocus(user_id=user_id, request_id=request_id, set_at=utcnow()))


class RelayService:
    """Pass messages between the two sides of an accepted request."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def focus(self, *, user_id: int, request_id: int) -> bool:
        """Talk about ``request_id`` from now on; False if the user is not one of its two sides."""
        async with self._db.session() as session:
            request = await session.get(HelpRequest, request_id)
            if request is None or request.status != HelpStatus.ACCEPTED.value:
                return False
            if user_id not in (request.requester_id, request.expert_id):
                return False
            await set_focus(session, user_id=user_id, request_id=request_id)
            return True

    async def focused(self, *, user_id: int) -> int | None:
        """The request a user's free messages currently go to."""
        async with self._db.reader() as session:
            found = await session.get(RelayFocus, user_id)
            return found.request_id if found else None

    async def relay(
        self, *, user_id: int, kind: str, text: str | None = None, file_id: str | None = None
    ) -> Relayed | None:
        """Store a message for the user's focused request and say where it goes; None if nowhere."""
        if kind not in KINDS:
            return None
        async with self._db.session() as session:
            focus = await session.get(RelayFocus, user_id)
            request = await session.get(HelpRequest, focus.request_id) if focus else None
            if request is None or request.status != HelpStatus.ACCEPTED.value:
                return None
            from_expert = user_id == request.expert_id
            other = request.requester_id if from_expert else request.expert_id
            if other is None:
                return None
            earlier = await session.exec(
                select(RelayMessage.id).where(
                    RelayMessage.request_id == request.id, RelayMessage.sender_id == user_id
                )
            )
            first = earlier.first() is None
            session.add(
                RelayMessage(
                    request_id=request.id or 0,
                    sender_id=user_id,
                    kind=kind,
                    text=text[:4096] if text else None,
                    file_id=file_id,
                )
            )
            receiver = await session.get(User, other)
            to = Recipient(other, receiver.locale if receiver else "zh")
            return Relayed(request.id or 0, to, from_expert, kind, text, file_id, first)

    async def transcript(
        self, *, request_id: int, user_id: int
    ) -> list[tuple[bool, str, str | None]]:
        """The messages of a request as (sent by this user, kind, text), oldest first."""
        async with self._db.reader() as session:
            request = await session.get(HelpRequest, request_id)
            if request is None or user_id not in (request.requester_id, request.expert_id):
                return []
            rows = await session.exec(
                select(RelayMessage)
                .where(RelayMessage.request_id == request_id)
                .order_by(col(RelayMessage.id))
            )
            return [(m.sender_id == user_id, m.kind, m.text) for m in rows.all()]
