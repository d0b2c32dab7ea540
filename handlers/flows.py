"""Multi-step conversations that a menu button or another command leaves cleanly.

Every flow is built with :func:`conversation`. In any of its states, a reply-keyboard menu
button or a slash command other than ``/cancel`` (and other than the flow's own entry points,
which restart it) stops the flow the way ``/cancel`` does, and says so (a proposal draft is
kept for ``/idea``). :class:`Leave` does this in a group of its own before the features, so the
button's or the command's own action then runs in the features' group whichever module owns
it, and the next free text is not taken as an answer.

A flow's step is not kept in this process: :class:`FlowSteps` reads it from the update's unit of
work (``bot.unit``), which got it from the user's row with the update, and the step it moves to
is written in the same transaction as the answer. Any worker can so take any step of any flow,
and a step is never taken twice or lost in a crash.

A question's buttons stay in the chat after it is answered. Pressed later, they must not act
on whatever is asked now: a flow's step buttons carry the step they belong to, a mismatch is
answered by :func:`step_passed`, and :func:`passed` (placed after the flow) answers them once
the flow has moved to a state without them or has ended.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterator, MutableMapping, Sequence
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import render, unit
from bot.context import Context
from handlers.callbacks import Callback, either
from handlers.commands import menu_buttons

Stop = Callable[[Update, Context], Awaitable[object]]
Handler = BaseHandler[Any, Any, Any]
CANCEL = filters.Regex(r"^/cancel(@\w+)?(\s|$)")
Found = list[tuple["Flow", object]]


Key = tuple[int, ...]


class FlowSteps(MutableMapping[Key, object]):
    """The steps of one flow, as PTB's ``ConversationHandler`` keeps them, held by the unit.

    Only the current update's user has a step here: ``ConversationHandler`` asks for nobody
    else (its key is the update's chat and user). In a private chat the step is stored under
    the flow's name, elsewhere under ``name@chat``. A person is in one flow at a time: entering
    one leaves any other (its own rows, a paused draft say, stay for its entry to resume).
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def _slot(self, key: Key) -> tuple[unit.UnitOfWork, str] | None:
        work = unit.current()
        if work is None or work.user_id is None or len(key) != 2 or key[1] != work.user_id:
            return None
        return work, self.name if key[0] == key[1] else f"{self.name}@{key[0]}"

    def __getitem__(self, key: Key) -> object:
        found = self._slot(key)
        if found is None or found[1] not in found[0].flows:
            raise KeyError(key)
        return found[0].flows[found[1]]

    def get(self, key: Key, default: object = None) -> object:
        """The step, or ``default``: asked by every flow for every update, so no ``KeyError``."""
        found = self._slot(key)
        if found is None:
            return default
        return found[0].flows.get(found[1], default)

    def __setitem__(self, key: Key, state: object) -> None:
        found = self._slot(key)
        if found is None or not isinstance(state, str | int):
            raise RuntimeError(f"flow {self.name}: step {state!r} for {key} outside its update")
        steps = found[0].flows
        if found[1] not in steps:
            steps.clear()
        steps[found[1]] = state

    def __delitem__(self, key: Key) -> None:
        found = self._slot(key)
        if found is None or found[1] not in found[0].flows:
            raise KeyError(key)
        del found[0].flows[found[1]]

    def __iter__(self) -> Iterator[Key]:
        work = unit.current()
        if work is None or work.user_id is None:
            return
        for slot in work.flows:
            name, _, chat = slot.partition("@")
            if name == self.name:
                yield (int(chat) if chat else work.user_id, work.user_id)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Flow(ConversationHandler):  # type: ignore[type-arg]
    """A conversation with a ``leaving`` handler first in every state.

    ``pressed_away`` is last in the states that a press of any other button leaves.
    """

    leaving: MessageHandler  # type: ignore[type-arg]
    pressed_away: CallbackQueryHandler  # type: ignore[type-arg]

    def leaves(self, handler: object) -> bool:
        """Whether ``handler`` (the one this flow picked for an update) ends the flow."""
        return handler is self.leaving or handler is self.pressed_away


def conversation(
    *,
    entry_points: Sequence[Handler],
    states: dict[object, Sequence[Handler]],
    fallbacks: Sequence[Handler],
    stop: Stop,
    name: str,
    left_by_buttons: Collection[object] = (),
) -> Flow:
    """A re-enterable flow, its steps in the database, that a menu button or a command ends.

    ``stop`` is how it ends (the flow's /cancel).
    In the states of ``left_by_buttons`` (a typed answer owed about one thing), pressing a
    button the state does not take ends the flow too: the person has moved on, and what they
    type next must not be taken as that answer.
    """

    async def leave(update: Update, context: Context) -> int:
        await stop(update, context)
        return ConversationHandler.END

    leaving = MessageHandler(menu_buttons() | (filters.COMMAND & ~CANCEL), leave)
    pressed_away = CallbackQueryHandler(leave)

    def handlers_of(state: object, handlers: Sequence[Handler]) -> list[Handler]:
        last = [pressed_away] if state in left_by_buttons else []
        return [leaving, *handlers, *last]

    flow = Flow(
        entry_points=list(entry_points),
        states={state: handlers_of(state, handlers) for state, handlers in states.items()},
        fallbacks=list(fallbacks),
        name=name,
        allow_reentry=True,
    )
    flow._conversations = FlowSteps(name)  # type: ignore[assignment]
    flow.leaving, flow.pressed_away = leaving, pressed_away
    return flow


async def step_passed(update: Update, context: Context) -> None:
    """A button of a question already answered: say so briefly and take the buttons away."""
    await render.answer(update, context.t("common.step_passed"))
    await render.drop_stale_keyboard(update, context)


def passed(*schemes: Callback) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """Answers a flow's step buttons that its current state (or no state) does not take."""
    return CallbackQueryHandler(step_passed, pattern=either(*schemes))


class Leave(BaseHandler):  # type: ignore[type-arg]
    """Ends every open flow that a menu button or a command leaves, before any feature runs."""

    def __init__(self, flows: Sequence[Flow]) -> None:
        super().__init__(self._unused)
        self.flows = list(flows)

    @staticmethod
    async def _unused(update: object, context: object) -> None:
        """Never called: :meth:`handle_update` hands each flow its own update."""

    def check_update(self, update: object) -> Found | None:
        """The open flows this update leaves, with each flow's own check result."""
        work = unit.current()
        if work is None or not work.flows:  # most updates: the person is in no flow
            return None
        found: Found = []
        for flow in self.flows:
            check = flow.check_update(update)
            if isinstance(check, tuple) and flow.leaves(check[2]):
                found.append((flow, check))
        return found or None

    async def handle_update(  # type: ignore[override]
        self,
        update: Update,
        application: Application,  # type: ignore[type-arg]
        check_result: Found,
        context: Context,
    ) -> None:
        """Let each flow run its leaving handler, so it records its own end."""
        for flow, check in check_result:
            await flow.handle_update(update, application, check, context)  # type: ignore[arg-type]
