"""The typed callback context every handler and job receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Translator
from bot.services.core.users import UserView

if TYPE_CHECKING:
    from bot.services import Services

SERVICES_KEY = "services"


def services_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    """The services ``app`` was built with (``bot.app.build_application`` puts them there)."""
    services: Services = app.bot_data[SERVICES_KEY]
    return services


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context plus the services, the current user and a translator in their language."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ):
        super().__init__(application, chat_id, user_id)
        self.user: UserView | None = None
        self._t: Translator | None = None

    @property
    def services(self) -> Services:
        """The domain services of this process."""
        return services_of(self.application)

    @property
    def t(self) -> Translator:
        """Translator in the current user's language (the default one before they are known)."""
        if self._t is None:
            locale = self.user.locale if self.user else self.services.settings.default_locale
            self._t = self.services.i18n.translator(locale)
        return self._t

    def use_locale(self, locale: str) -> None:
        """Speak another language from now on in this update (after /language)."""
        self._t = self.services.i18n.translator(locale)

    async def unreachable(self, chat_id: int) -> None:
        """The user blocked the bot or their chat is gone: stop sending to them until they write."""
        await self.services.users.deactivate(user_id=chat_id)

    def translator_for(self, locale: str | None) -> Translator:
        """A translator for someone else, e.g. the author of a proposal being reviewed."""
        return self.services.i18n.translator(locale)
