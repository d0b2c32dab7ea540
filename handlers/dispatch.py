"""The features' handlers looked up by command and by kind of button, not tried one by one.

PTB hands an update to each handler of a group in turn until one takes it: with about 150
feature handlers, a button press asked every one of them (and each flow asked its entry points
again) before reaching its own, a noticeable share of the time per update. :class:`Dispatch`
holds the group's handlers in their order and asks only those that could take the update:

* a ``CommandHandler`` only for a message that is one of its commands;
* a ``CallbackQueryHandler`` whose pattern is a :class:`~handlers.callbacks.Callback` (or
  :func:`~handlers.callbacks.either` of them) only for presses of those kinds;
* a flow the person is not in only for what one of its entry points could take, and a flow they
  are in always (its steps take any text);
* every other handler always.

Each asked handler still runs its own ``check_update``, in the original order, so the first
that takes the update is the one PTB would have picked; only handlers that could not take it
are left out.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Sequence
from typing import Any

from telegram import MessageEntity, Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler

from bot import unit
from bot.context import Context
from handlers.callbacks import Callback, Either
from handlers.flows import Flow

Handler = BaseHandler[Any, Any, Any]
Key = tuple[str, str]  # ("command", name) or ("press", "feature:action")
Picked = tuple[Handler, object]


def _keys(handler: Handler) -> frozenset[Key] | None:
    """The updates ``handler`` could take, as keys; ``None`` when it could take any update."""
    if type(handler) is CommandHandler:
        return frozenset(("command", name) for name in handler.commands)
    if type(handler) is CallbackQueryHandler:
        schemes = _schemes(handler.pattern)
        return None if schemes is None else frozenset(("press", s.prefix) for s in schemes)
    if isinstance(handler, Flow):
        found: set[Key] = set()
        for entry in handler.entry_points:
            keys = _keys(entry)
            if keys is None:
                return None
            found |= keys
        return frozenset(found)
    return None


def _schemes(pattern: object) -> tuple[Callback, ...] | None:
    """The kinds of button a pattern accepts, when it says (a scheme's own or ``either``)."""
    if isinstance(pattern, Either):
        return pattern.schemes
    owner = getattr(pattern, "__self__", None)
    if isinstance(owner, Callback) and getattr(pattern, "__func__", None) is Callback.matches:
        return (owner,)
    return None


def key_of(update: object) -> Key | None:
    """What to look handlers up by: the command a message is, or the kind of button pressed."""
    if not isinstance(update, Update):
        return None
    query = update.callback_query
    if query is not None:
        data = query.data
        if not isinstance(data, str):
            return None
        feature, _, rest = data.partition(":")
        return ("press", f"{feature}:{rest.partition(':')[0]}")
    message = update.message or update.edited_message
    if message is None or not message.text or not message.entities:
        return None
    first = message.entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return None
    return ("command", message.text[1 : first.length].partition("@")[0].lower())


class Dispatch(BaseHandler):  # type: ignore[type-arg]
    """One group's handlers, each update offered only to those that could take it."""

    def __init__(self, handlers: Sequence[Handler]) -> None:
        super().__init__(self._unused)
        self.handlers = list(handlers)
        self._always: list[int] = []
        self._by_key: dict[Key, list[int]] = {}
        self._flows: dict[str, int] = {}
        self._entered: set[int] = set()  # flows that take only their entry points' updates
        for position, handler in enumerate(self.handlers):
            keys = _keys(handler)
            if isinstance(handler, Flow) and handler.name is not None:
                self._flows[handler.name] = position
                if keys is not None:
                    self._entered.add(position)
            if keys is None:
                self._always.append(position)
                continue
            for key in keys:
                self._by_key.setdefault(key, []).append(position)
        # A command or a kind of press that no handler names is asked only of the handlers
        # that could take anything (``_always``): no plan is made for keys a sender invents.
        self._plans: dict[Key, list[int]] = {
            key: sorted({*positions, *self._always}) for key, positions in self._by_key.items()
        }

    @staticmethod
    async def _unused(update: object, context: object) -> None:
        """Never called: :meth:`handle_update` hands the update to the handler that took it."""

    def _plan(self, update: object) -> list[int]:
        key = key_of(update)
        plan = self._plans.get(key, self._always) if key is not None else self._always
        work = unit.current()
        if work is None or not work.flows:
            return plan
        plan = list(plan)
        for slot in work.flows:  # a flow the person is in takes whatever its step takes
            position = self._flows.get(slot.partition("@")[0])
            if position is not None and position in self._entered and position not in plan:
                insort(plan, position)
        return plan

    def check_update(self, update: object) -> Picked | None:
        """The first handler, in the group's order, that takes ``update``, with its check."""
        for position in self._plan(update):
            handler = self.handlers[position]
            check = handler.check_update(update)
            if check is not None and check is not False:
                return handler, check
        return None

    async def handle_update(  # type: ignore[override]
        self,
        update: Update,
        application: Application,  # type: ignore[type-arg]
        check_result: Picked,
        context: Context,
    ) -> object:
        """Let the handler that took the update handle it, as PTB would have."""
        handler, check = check_result
        return await handler.handle_update(update, application, check, context)
